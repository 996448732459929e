// How runs end badly: each failure kind from a real container, kill of exactly one run (with
// SIGKILL after the grace period when SIGTERM is ignored), a container that vanished, the stall flag.
import {randomBytes} from 'node:crypto';
import {chownSync, mkdirSync, statSync} from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type {Config} from '../../source/config/schema.js';
import {HostError} from '../../source/domain/errors.js';
import type {FailureKind} from '../../source/domain/model.js';
import {createExecutor} from '../../source/executor/create-executor.js';
import type {Executor} from '../../source/executor/executor.js';
import {type SandboxHost, startSandboxHost} from '../helpers/sandbox-host.js';
import {tempDir} from '../helpers/temp.js';
import {Recorder, type SimOptions, capturingExecutor, makeJob, sandboxConfig, testOptions} from './harness.js';

let sandbox: SandboxHost;
let dir: string;
let cleanup: () => Promise<void>;
let config: Config;
const sims = new Map<string, SimOptions>();
const executors: Executor[] = [];

test.before(async () => {
	sandbox = await startSandboxHost();
	({dir, cleanup} = await tempDir('cosmos-exec-failures-'));
	config = sandboxConfig(sandbox, dir, c => {
		c.monitor.kill_grace_seconds = 1;
	});
});
test.after.always(async () => {
	for (const executor of executors) await executor.close();
	await sandbox?.stop();
	await cleanup?.();
});

async function executorFor(change?: (config: Config) => void): Promise<Executor> {
	const executor = await createExecutor(change ? sandboxConfig(sandbox, dir, change) : config, testOptions(dir, sims));
	executors.push(executor);
	return executor;
}

const failing: Array<[string, SimOptions, FailureKind, RegExp]> = [
	['oom', {mode: 'oom'}, 'oom', /out of memory/i],
	['guardrail', {mode: 'guardrail'}, 'guardrail', /guardrail/i],
	['nccl', {mode: 'nccl'}, 'nccl_timeout', /NCCL/],
];

// The stand-in echoes the prompts in `args in json:` / `final args:` as transfer.py does; words in
// them must not change the kind (issue 8, item 20).
const DECOY_PROMPT = 'Input text prompt 0 is not safe; torch.OutOfMemoryError: CUDA out of memory; Signal 9 (SIGKILL); the checkpoint does not exist';
const DECOY_NEGATIVE = "All prompts failed safety checks, Watchdog caught collective operation timeout, FileNotFoundError: No such file or directory: 'base_model.pt'";

for (const [name, sim, kind, hint] of failing) {
	test(`failure kind from the container: ${name} → ${kind}`, async t => {
		const executor = await executorFor();
		const job = await makeJob(dir, {promptText: DECOY_PROMPT, negativePrompt: DECOY_NEGATIVE});
		sims.set(job.run.id, sim);
		const recorder = new Recorder();
		const result = await executor.follow(await executor.launch(job, recorder.events), job, recorder.events, {skipLines: 0});
		t.is(result.status, 'failed');
		t.is(result.failureKind, kind);
		t.is(result.exitCode, 1);
		t.regex(result.errorMessage ?? '', hint);
		t.false((result.errorMessage ?? '').includes('\n'));
		t.is(result.outputs.video, undefined);
	});
}

test('a prompt full of failure words: a run that succeeds is a success, its log echoes the prompt', async t => {
	const executor = await executorFor();
	const job = await makeJob(dir, {promptText: DECOY_PROMPT, negativePrompt: DECOY_NEGATIVE});
	const recorder = new Recorder();
	const result = await executor.follow(await executor.launch(job, recorder.events), job, recorder.events, {skipLines: 0});
	t.is(result.status, 'success', result.errorMessage ?? undefined);
	t.falsy(result.failureKind);
	t.true(recorder.lines.some(line => line.includes(`"prompt": ${JSON.stringify(DECOY_PROMPT)}`)), 'the final args dump carries the prompt');
});

test('failure kind: missing checkpoints (a remote_dir without checkpoints/)', async t => {
	const bare = path.join(sandbox.remoteDir, 'bare-checkout');
	mkdirSync(bare);
	const owner = statSync(sandbox.remoteDir);
	chownSync(bare, owner.uid, owner.gid);
	const executor = await executorFor(c => {
		c.paths.remote_dir = bare;
	});
	const job = await makeJob(dir);
	const result = await executor.follow(await executor.launch(job, new Recorder().events), job, new Recorder().events, {skipLines: 0});
	t.is(result.failureKind, 'missing_checkpoints');
	t.regex(result.errorMessage ?? '', /checkpoint/i);
});

test('failure kind: killed from outside (exit 137) is "killed", not cancelled', async t => {
	const {executor, shell} = await capturingExecutor(config, testOptions(dir, sims));
	executors.push(executor);
	const job = await makeJob(dir);
	sims.set(job.run.id, {mode: 'slow', seconds: 30});
	const recorder = new Recorder();
	const handle = await executor.launch(job, recorder.events);
	const following = executor.follow(handle, job, recorder.events, {skipLines: 0});
	await recorder.until(() => recorder.lines.length > 0);
	await shell.exec(['docker', 'kill', '--signal', 'KILL', handle.job]);
	const result = await following;
	t.is(result.status, 'failed');
	t.is(result.exitCode, 137);
	t.is(result.failureKind, 'killed');
});

test('start failure: an image that does not exist fails launch with one clear line', async t => {
	const executor = await executorFor(c => {
		c.docker.image = 'cosmos-sim:no-such-tag';
	});
	const job = await makeJob(dir);
	const error = await t.throwsAsync(executor.launch(job, new Recorder().events), {instanceOf: HostError});
	t.regex(error!.message, /^docker run failed on ssh 127\.0\.0\.1: /);
	t.false(error!.message.includes('\n'));
});

test('a container removed behind our back is reported as lost', async t => {
	const {executor, shell} = await capturingExecutor(config, testOptions(dir, sims));
	executors.push(executor);
	const job = await makeJob(dir);
	sims.set(job.run.id, {mode: 'slow', seconds: 30});
	const recorder = new Recorder();
	const handle = await executor.launch(job, recorder.events);
	const following = executor.follow(handle, job, recorder.events, {skipLines: 0});
	await recorder.until(() => recorder.lines.length > 0);
	await shell.inner.exec(['docker', 'rm', '-f', handle.job]);
	const result = await following;
	t.is(result.status, 'failed');
	t.is(result.failureKind, 'lost');
});

test('kill stops exactly that run; its follower reports cancelled', async t => {
	const {executor, shell} = await capturingExecutor(config, testOptions(dir, sims));
	executors.push(executor);
	const [doomed, other] = [await makeJob(dir), await makeJob(dir)];
	sims.set(doomed.run.id, {mode: 'slow', seconds: 30});
	sims.set(other.run.id, {mode: 'slow', seconds: 30});
	const recorder = new Recorder();
	const doomedHandle = await executor.launch(doomed, recorder.events);
	const otherHandle = await executor.launch(other, new Recorder().events);
	const following = executor.follow(doomedHandle, doomed, recorder.events, {skipLines: 0});
	await recorder.until(() => recorder.lines.length > 0);
	await executor.kill(doomedHandle);
	const result = await following;
	t.is(result.status, 'cancelled');
	t.is(result.failureKind, 'killed');
	t.is(result.exitCode, 143, 'SIGTERM reached the model through --init');
	const state = await shell.exec(['docker', 'inspect', '--format', '{{.State.Status}}', otherHandle.job]);
	t.is(state.stdout.trim(), 'running');
	await executor.kill(otherHandle);
});

test('kill sends SIGKILL after the grace period when SIGTERM is ignored', async t => {
	const {executor, shell} = await capturingExecutor(config, testOptions(dir, sims));
	executors.push(executor);
	const runId = `rs_${randomBytes(6).toString('hex')}`;
	const container = `cosmos-tui-${runId}`;
	const runDir = `${sandbox.remoteDir}/.cosmos-tui/runs/${runId}`;
	await shell.mkdirp(runDir);
	// A shell as PID 1 ignores SIGTERM (no --init): the grace period must end in SIGKILL.
	// The mount lets sandbox.stop() find and remove it if the test fails.
	const started = await shell.exec(['docker', 'run', '-d', '--name', container, '--label', `cosmos-tui.run=${runId}`, '-v', `${sandbox.remoteDir}:/workspace`, sandbox.image, 'sh', '-c', 'while :; do sleep 1; done']);
	t.is(started.code, 0, started.stderr);
	await executor.kill({backend: 'docker', host: config.remote.host, job: container, run_dir: runDir});
	const state = await shell.exec(['docker', 'inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', container]);
	t.regex(state.stdout.trim(), /^(?:exited|stopped) 137$/, 'podman says "stopped" until it has cleaned up');
	await shell.exec(['docker', 'rm', '-f', container]);
});

test('the stall flag goes up after stall_seconds without output and down when output resumes', async t => {
	const executor = await executorFor(c => {
		c.monitor.stall_seconds = 1;
	});
	const job = await makeJob(dir);
	sims.set(job.run.id, {mode: 'stall', stall_seconds: 4});
	const recorder = new Recorder();
	const result = await executor.follow(await executor.launch(job, recorder.events), job, recorder.events, {skipLines: 0});
	t.is(result.status, 'success');
	// Up during the silence after "Starting diffusion sampling", down with the next line. (A loaded
	// machine may add short stalls elsewhere, e.g. between the last line and the container's exit.)
	const up = recorder.stalled.findIndex((stalled, i) => stalled && recorder.stalledAfter[i]?.includes('Starting diffusion sampling'));
	t.true(up >= 0, JSON.stringify(recorder.stalledAfter));
	t.is(recorder.stalled[up + 1], false);
});
