// The Slurm executor against a real single-machine Slurm (startSlurmSandbox): runs submitted with
// sbatch over SSH, the cosmos-sim stand-in in a container started inside the job (through the
// sandbox's docker shim), the job's output file followed, scancel, Slurm's queue. Serial: the
// tests share the cluster's two GPUs.
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import test, {type ExecutionContext} from 'ava';
import type {Config} from '../../source/config/schema.js';
import {STAGES, type RemoteHandle} from '../../source/domain/model.js';
import {createExecutor, createHostShell} from '../../source/executor/create-executor.js';
import type {ExecutionResult} from '../../source/executor/executor.js';
import type {HostShell} from '../../source/executor/host-shell.js';
import {SlurmExecutor} from '../../source/executor/slurm/slurm-executor.js';
import {parseScontrolJob} from '../../source/executor/slurm/slurm-parse.js';
import {Recorder, type SimOptions, makeJob, sandboxConfig, splitLines, testOptions} from '../executor-integration/harness.js';
import {type SlurmSandbox, canRunSlurm, pollUntil, startSlurmSandbox} from '../helpers/slurm-cluster.js';
import {tempDir} from '../helpers/temp.js';

const serial = canRunSlurm() ? test.serial : test.serial.skip;
let slurm: SlurmSandbox;
let dir: string;
let cleanup: () => Promise<void>;
let config: Config;
/** A plain shell to the login node, for looking at Slurm and the containers beside the executor. */
let probe: HostShell;
const sims = new Map<string, SimOptions>();
const executors: SlurmExecutor[] = [];

test.before(async () => {
	if (!canRunSlurm()) return;
	slurm = await startSlurmSandbox({gpus: 2});
	({dir, cleanup} = await tempDir('cosmos-slurm-exec-'));
	config = sandboxConfig(slurm.sandbox, dir, c => {
		c.remote.kind = 'slurm';
		c.slurm.container = 'docker';
	});
	probe = await createHostShell(config, testOptions(dir, sims));
});
test.after.always(async () => {
	for (const executor of executors) await executor.close();
	await probe?.close();
	await slurm?.stop();
	await cleanup?.();
});

/** An executor that polls Slurm every 200 ms (the default is 1 s) to keep the tests short. */
async function newExecutor(executorConfig = config): Promise<SlurmExecutor> {
	const shell = await createHostShell(executorConfig, testOptions(dir, sims));
	const executor = new SlurmExecutor({shell, config: executorConfig, host: executorConfig.remote.host, description: shell.description, specExtras: testOptions(dir, sims).specExtras, pollMs: 200});
	executors.push(executor);
	return executor;
}

async function jobOf(handle: RemoteHandle) {
	const result = await probe.exec(['scontrol', 'show', 'job', '-o', handle.job]);
	return parseScontrolJob(result.stdout);
}

async function containersNamed(name: string): Promise<string> {
	const result = await probe.exec(['docker', 'ps', '-a', '--filter', `name=^${name}$`, '--format', '{{.Names}}']);
	return result.stdout.trim();
}

/** Launches a run of the stand-in in `mode` and starts following it. */
async function start(executor: SlurmExecutor, sim: SimOptions, jobOptions: Parameters<typeof makeJob>[1] = {}) {
	const job = await makeJob(dir, jobOptions);
	sims.set(job.run.id, sim);
	const recorder = new Recorder();
	const handle = await executor.launch(job, recorder.events);
	const following = executor.follow(handle, job, recorder.events, {skipLines: 0});
	// A failed test must not leave an unhandled rejection behind.
	following.catch(() => undefined);
	return {job, recorder, handle, following};
}

const outputOf = (handle: RemoteHandle) => readFileSync(path.join(handle.run_dir, 'slurm.out'), 'utf8');

function assertSuccess(t: ExecutionContext, result: ExecutionResult): void {
	t.is(result.status, 'success', result.errorMessage ?? '');
	t.is(result.exitCode, 0);
	t.is(result.failureKind, null);
}

serial('createExecutor picks the Slurm executor for [remote] kind = "slurm"', async t => {
	const executor = await createExecutor(config, testOptions(dir, sims));
	t.teardown(async () => executor.close());
	t.true(executor instanceof SlurmExecutor);
	t.regex(executor.description, /^slurm ssh /);
});

serial('a run end to end: sbatch, live lines while RUNNING, progress stages, outputs, COMPLETED', async t => {
	const executor = await newExecutor();
	const {job, recorder, handle, following} = await start(executor, {mode: 'slow', seconds: 4, clips: 2}, {weights: {vis: 0.5, edge: 0.3, depth: 0.2, seg: 0}});
	t.is(handle.backend, 'slurm');
	t.regex(handle.job, /^\d+$/);
	t.is(handle.run_dir, `${slurm.sandbox.remoteDir}/.cosmos-tui/runs/${job.run.id}`);
	t.is(readFileSync(path.join(handle.run_dir, 'slurm_job_id'), 'utf8').trim(), handle.job);
	const submitted = await jobOf(handle);
	t.is(submitted?.name, `cosmos-tui-${job.run.id}`);

	// The spec on the shared storage carries this run's weights.
	const spec = JSON.parse(readFileSync(path.join(handle.run_dir, 'spec.json'), 'utf8')) as Record<string, unknown>;
	t.is(spec['prompt'], job.prompt.prompt_text);
	t.deepEqual(spec['vis'], {control_weight: 0.5});
	t.deepEqual(spec['edge'], {control_weight: 0.3});
	t.false('seg' in spec);

	await recorder.until(() => recorder.lines.some(line => line.includes('Starting diffusion sampling')));
	t.is((await jobOf(handle))?.state, 'RUNNING', 'lines arrive while the job runs');

	const result = await following;
	assertSuccess(t, result);
	t.is(result.metrics['slurm_job_id'], handle.job);
	t.is(result.metrics['slurm_state'], 'COMPLETED');
	t.is(result.metrics['clips'], 2);
	t.true(Number(result.metrics['upload_bytes']) > 0);
	t.true(Number(result.metrics['download_bytes']) > 0);
	t.is((await jobOf(handle))?.state, 'COMPLETED');

	const ranks = recorder.progress.map(update => STAGES.indexOf(update.stage === 'decoding' ? 'diffusion' : update.stage));
	t.deepEqual(ranks, [...ranks].sort((a, b) => a - b), 'stages in job order');
	for (const stage of ['uploading', 'starting', 'loading_models', 'preprocessing', 'text_encoding', 'diffusion', 'decoding', 'saving', 'downloading'] as const) {
		t.true(recorder.progress.some(update => update.stage === stage), stage);
	}
	const fractions = recorder.progress.map(update => update.fraction);
	t.deepEqual(fractions, [...fractions].sort((a, b) => a - b));

	t.deepEqual(readFileSync(result.outputs.video!), readFileSync(job.prompt.inputs.video.path));
	t.is(readFileSync(result.outputs.prompt_text!, 'utf8'), job.prompt.prompt_text);
	t.deepEqual(Object.keys(result.outputs.controls ?? {}).sort(), ['edge', 'vis']);
	// The events carry exactly the job's output file, which holds the model's log and nothing of
	// the job script's own (no container id from `run -d`); the container is gone.
	t.deepEqual(recorder.lines, splitLines(outputOf(handle)));
	t.false(recorder.lines.some(line => /^[0-9a-f]{64}$/.test(line)));
	t.is(await containersNamed(`cosmos-tui-${job.run.id}`), '');
});

serial('three one-GPU runs on two GPUs: two run, one is queued on cluster (Resources), all three succeed', async t => {
	// Two SSH channels: a `tail -F` per running job would take both and starve the state polls.
	const executor = await newExecutor({...config, remote: {...config.remote, max_channels: 2}});
	const runs = [];
	// Long enough that both are still running when the third is seen waiting, on a busy machine too
	// (Slurm may give the reason Priority before Resources).
	for (let index = 0; index < 3; index++) runs.push(await start(executor, {mode: 'slow', seconds: 10}));
	const queued = await Promise.race(runs.map(async run => {
		await run.recorder.until(() => run.recorder.progress.some(update => update.message === 'queued on cluster: Resources'));
		return run;
	}));
	const states = await Promise.all(runs.map(async run => (await jobOf(run.handle))?.state));
	t.deepEqual(states.filter(state => state === 'RUNNING').length, 2, states.join(' '));
	t.is((await jobOf(queued.handle))?.state, 'PENDING');
	t.is(queued.recorder.lines.length, 0, 'nothing printed while pending');

	for (const run of runs) assertSuccess(t, await run.following);
	const queuedProgress = queued.recorder.progress.find(update => update.message === 'queued on cluster: Resources');
	t.is(queuedProgress?.stage, 'starting');
	// It waited for a 10-second run to end: Slurm's SubmitTime to StartTime.
	t.true(Number((await queued.following).metrics['pending_seconds']) >= 2);
});

serial('cancel a running and a pending run: CANCELLED, no container left; status, gpus, reconcile, remove', async t => {
	const executor = await newExecutor();
	const running = await start(executor, {mode: 'slow', seconds: 60});
	const other = await start(executor, {mode: 'slow', seconds: 60});
	const pending = await start(executor, {mode: 'slow', seconds: 60});
	t.teardown(async () => {
		for (const run of [running, other, pending]) await probe.exec(['scancel', run.handle.job]);
	});
	await pending.recorder.until(() => pending.recorder.progress.some(update => update.message === 'queued on cluster: Resources'));
	await running.recorder.until(() => running.recorder.lines.length > 0);

	const status = await executor.status();
	t.true(status.connected);
	t.deepEqual(status.docker, {ok: true, detail: 'slurm 22.05.8'});
	t.is(status.gpus.length, 2);
	t.true(status.gpus.every(gpu => gpu.name.endsWith(' allocated')), status.gpus.map(gpu => gpu.name).join(', '));
	const listed = new Map(status.containers.map(container => [container.runId, container.state]));
	t.is(listed.get(running.job.run.id), 'running');
	t.is(listed.get(pending.job.run.id), 'pending (Resources)');
	t.deepEqual(await executor.gpus(), status.gpus);

	t.deepEqual(await executor.reconcile(pending.job.run.id), {state: 'exists', handle: pending.handle});
	t.deepEqual(await executor.reconcile('rs_never_launched'), {state: 'absent'});

	await executor.kill(pending.handle);
	const pendingResult = await pending.following;
	t.is(pendingResult.status, 'cancelled');
	t.is(pendingResult.failureKind, 'killed');
	t.is((await jobOf(pending.handle))?.state, 'CANCELLED');

	await executor.kill(running.handle);
	const runningResult = await running.following;
	t.is(runningResult.status, 'cancelled');
	t.is(runningResult.failureKind, 'killed');
	t.is((await jobOf(running.handle))?.state, 'CANCELLED');
	await pollUntil(async () => ((await containersNamed(`cosmos-tui-${running.job.run.id}`)) === '' ? true : undefined), 15_000, 'the container to be removed');

	// remove() cancels by the run's job name; Slurm did it, not cosmos-tui's kill: a cancel from outside.
	await executor.remove(other.job.run.id);
	const otherResult = await other.following;
	t.is(otherResult.status, 'failed');
	t.is(otherResult.failureKind, 'cancelled_outside');
	await pollUntil(async () => ((await containersNamed(`cosmos-tui-${other.job.run.id}`)) === '' ? true : undefined), 15_000, 'the container to be removed');
});

serial('an OOM run and a crashing run are classified', async t => {
	const executor = await newExecutor();
	const oom = await start(executor, {mode: 'oom'});
	const crash = await start(executor, {mode: 'nccl'});
	const oomResult = await oom.following;
	t.is(oomResult.status, 'failed');
	t.is(oomResult.failureKind, 'oom');
	t.is(oomResult.exitCode, 1);
	t.is(oomResult.metrics['slurm_state'], 'FAILED');
	const crashResult = await crash.following;
	t.is(crashResult.status, 'failed');
	t.is(crashResult.failureKind, 'nccl_timeout');
});

serial('shell syntax in the prompt, negative prompt and name reaches the model unchanged and runs nothing on the node', async t => {
	const executor = await newExecutor();
	const touch = `touch ${slurm.sandbox.canaryPath}`;
	const hostile = [`$(${touch})`, `\`${touch}\``, `'; ${touch}; '`, `"; ${touch}; "`, `\n${touch}\n`, `--job-name=x --wrap='${touch}'`, `#SBATCH --wrap=${touch}`, `%j %x \\`];
	const run = await start(executor, {mode: 'ok'}, {promptText: hostile.join(' '), negativePrompt: [...hostile].reverse().join('\n'), name: hostile.join('')});
	const result = await run.following;
	assertSuccess(t, result);
	t.is(readFileSync(result.outputs.prompt_text!, 'utf8'), run.job.prompt.prompt_text);
	t.false(existsSync(slurm.sandbox.canaryPath), 'nothing ran on the node');
});

serial('more GPUs than the node has: the launch is refused with Slurm\'s own message in one line', async t => {
	const executor = await newExecutor();
	const job = await makeJob(dir, {parameters: {num_gpus: 3}});
	const error = await t.throwsAsync(executor.launch(job, new Recorder().events));
	t.regex(error?.message ?? '', /^sbatch: error: Batch job submission failed: Requested node configuration is not available/);
	t.false(error?.message.includes('\n'));
});

serial('follow restarted mid-run (a new executor) and a dropped connection: the log is identical, no gap, no repeat', async t => {
	const first = await newExecutor();
	const job = await makeJob(dir);
	sims.set(job.run.id, {mode: 'slow', seconds: 6, clips: 3});
	const before = new Recorder();
	const handle = await first.launch(job, before.events);
	const abort = new AbortController();
	const detached = first.follow(handle, job, before.events, {skipLines: 0, signal: abort.signal});
	await before.until(() => before.lines.some(line => line.includes('running preprocessor')));
	abort.abort();
	await t.throwsAsync(detached);
	await first.close();

	const saved = [...before.lines];
	const second = await newExecutor();
	const after = new Recorder();
	const following = second.follow(handle, job, after.events, {skipLines: saved.length});
	await after.until(() => after.lines.some(line => line.includes('Starting diffusion sampling')));
	await slurm.sandbox.killSessions();
	const result = await following;
	assertSuccess(t, result);
	t.true(Number(result.metrics['reconnects']) >= 1);
	t.deepEqual([...saved, ...after.lines], splitLines(outputOf(handle)));
});
