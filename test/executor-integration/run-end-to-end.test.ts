// A run through the SSH executor against the sandbox GPU host: inputs uploaded by content, the
// container started detached, log lines and progress arriving while it runs, outputs downloaded.
import {existsSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type {Config} from '../../source/config/schema.js';
import {STAGES} from '../../source/domain/model.js';
import {createExecutor} from '../../source/executor/create-executor.js';
import type {Executor} from '../../source/executor/executor.js';
import {type SandboxHost, startSandboxHost} from '../helpers/sandbox-host.js';
import {tempDir} from '../helpers/temp.js';
import {Recorder, type SimOptions, capturingExecutor, makeJob, sandboxConfig, splitLines, testOptions} from './harness.js';

let sandbox: SandboxHost;
let dir: string;
let cleanup: () => Promise<void>;
let config: Config;
const sims = new Map<string, SimOptions>();
const executors: Executor[] = [];

test.before(async () => {
	sandbox = await startSandboxHost();
	({dir, cleanup} = await tempDir('cosmos-exec-e2e-'));
	config = sandboxConfig(sandbox, dir);
});
test.after.always(async () => {
	for (const executor of executors) await executor.close();
	await sandbox?.stop();
	await cleanup?.();
});

test.serial('a slow run: upload, detached start, live log and progress, outputs, clean-up', async t => {
	const {executor, shell} = await capturingExecutor(config, testOptions(dir, sims));
	executors.push(executor);
	const job = await makeJob(dir, {weights: {vis: 0.5, edge: 0.3, depth: 0.2, seg: 0}});
	sims.set(job.run.id, {mode: 'slow', seconds: 4, clips: 2});
	const recorder = new Recorder();

	const handle = await executor.launch(job, recorder.events);
	t.is(handle.job, `cosmos-tui-${job.run.id}`);
	t.is(handle.run_dir, `${sandbox.remoteDir}/.cosmos-tui/runs/${job.run.id}`);
	t.true(recorder.progress.some(update => update.stage === 'uploading'));

	// The spec on the host carries this run's weights, parameters and content-addressed inputs.
	const spec = JSON.parse(readFileSync(path.join(handle.run_dir, 'spec.json'), 'utf8')) as Record<string, unknown>;
	t.is(spec['prompt'], job.prompt.prompt_text);
	t.deepEqual(spec['vis'], {control_weight: 0.5});
	t.deepEqual(spec['edge'], {control_weight: 0.3});
	t.deepEqual(spec['depth'], {control_weight: 0.2, input_control: `/workspace/.cosmos-tui/inputs/${job.prompt.inputs.depth!.sha256}/depth.mp4`});
	t.false('seg' in spec);
	t.is(spec['input_video_path'], `/workspace/.cosmos-tui/inputs/${job.prompt.inputs.video.sha256}/video.mp4`);
	t.is(spec['num_steps'], job.run.parameters.num_steps);
	for (const role of ['video', 'depth', 'seg'] as const) {
		const input = job.prompt.inputs[role]!;
		const onHost = path.join(sandbox.remoteDir, '.cosmos-tui', 'inputs', input.sha256, `${role}.mp4`);
		t.deepEqual(readFileSync(onHost), readFileSync(input.path), role);
	}

	const following = executor.follow(handle, job, recorder.events, {skipLines: 0});
	// Lines arrive while the container still runs.
	await recorder.until(() => recorder.lines.some(line => line.includes('Starting diffusion sampling')));
	const running = await shell.exec(['docker', 'inspect', '--format', '{{.State.Status}}', handle.job]);
	t.is(running.stdout.trim(), 'running');

	const result = await following;
	t.is(result.status, 'success', result.errorMessage ?? '');
	t.is(result.exitCode, 0);
	t.is(result.failureKind, null);
	t.is(result.metrics['exit_code'], 0);
	t.is(result.metrics['clips'], 2);
	t.true(Number(result.metrics['upload_bytes']) > 0);
	t.true(Number(result.metrics['download_bytes']) > 0);

	// Progress: stages in job order, fraction never going back.
	const ranks = recorder.progress.map(update => STAGES.indexOf(update.stage === 'decoding' ? 'diffusion' : update.stage));
	t.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
	for (const stage of ['uploading', 'loading_models', 'preprocessing', 'text_encoding', 'diffusion', 'decoding', 'saving', 'downloading'] as const) {
		t.true(recorder.progress.some(update => update.stage === stage), stage);
	}
	const fractions = recorder.progress.map(update => update.fraction);
	t.deepEqual(fractions, [...fractions].sort((a, b) => a - b));

	// Outputs: the video, the prompt text and the generated controls (vis, edge), nothing else.
	t.is(result.outputs.dir, job.outputDir);
	t.deepEqual(readdirSync(job.outputDir).sort(), ['edge_input_control_0.mp4', 'output.mp4', 'output.txt', 'vis_input_control_0.mp4']);
	t.deepEqual(readFileSync(result.outputs.video!), readFileSync(job.prompt.inputs.video.path));
	t.is(readFileSync(result.outputs.prompt_text!, 'utf8'), job.prompt.prompt_text);
	t.deepEqual(Object.keys(result.outputs.controls ?? {}).sort(), ['edge', 'vis']);

	// The events carry exactly the container's log; the container is gone afterwards.
	t.deepEqual(recorder.lines, splitLines(shell.containerLogs.get(handle.job)!));
	const gone = await shell.exec(['docker', 'inspect', handle.job]);
	t.not(gone.code, 0);
	t.true(existsSync(path.join(handle.run_dir, 'output', 'output.mp4')), 'outputs stay on the host');
});

test.serial('a rerun of the same prompt uploads no video bytes (docker called as "sudo -n docker")', async t => {
	const sudoConfig = sandboxConfig(sandbox, dir, c => {
		c.docker.command = 'sudo -n docker';
	});
	const executor = await createExecutor(sudoConfig, testOptions(dir, sims));
	executors.push(executor);
	const first = await makeJob(dir);
	const again = await makeJob(dir, {videoDir: first.prompt.video_dir});
	const recorder = new Recorder();
	const r1 = await executor.follow(await executor.launch(first, recorder.events), first, recorder.events, {skipLines: 0});
	const r2 = await executor.follow(await executor.launch(again, recorder.events), again, recorder.events, {skipLines: 0});
	t.is(r1.status, 'success');
	t.is(r2.status, 'success');
	t.is(r2.metrics['upload_bytes'], 0);
	t.is(r2.metrics['uploaded_files'], 0);
	t.is(r2.metrics['reused_files'], 3);
});

test.serial('status: connection, docker, both GPUs, cosmos-tui containers', async t => {
	const executor = await createExecutor(config, testOptions(dir, sims));
	executors.push(executor);
	const job = await makeJob(dir);
	sims.set(job.run.id, {mode: 'slow', seconds: 30});
	const handle = await executor.launch(job, new Recorder().events);
	const status = await executor.status();
	t.true(status.connected);
	t.true(status.docker.ok, status.docker.detail);
	t.is(status.error, undefined);
	t.deepEqual(status.gpus.map(gpu => [gpu.index, gpu.name, gpu.memoryUsedMiB, gpu.memoryTotalMiB, gpu.utilizationPercent, gpu.temperatureC]), [
		[0, 'NVIDIA H100 80GB HBM3', 1024, 81_559, 3, 34],
		[1, 'NVIDIA H100 80GB HBM3', 40_960, 81_559, 97, 61],
	]);
	t.true(status.containers.some(container => container.runId === job.run.id && container.name === handle.job && container.state === 'running'));
	await executor.kill(handle);
});

test.serial('status reports a broken GPU driver and an unreachable host as errors, not exceptions', async t => {
	const executor = await createExecutor(config, testOptions(dir, sims));
	executors.push(executor);
	const csv = readFileSync(sandbox.gpusPath);
	rmSync(sandbox.gpusPath);
	try {
		const status = await executor.status();
		t.true(status.connected);
		t.true(status.docker.ok);
		t.deepEqual(status.gpus, []);
		t.regex(status.error ?? '', /^nvidia-smi: NVIDIA-SMI has failed/);
	} finally {
		writeFileSync(sandbox.gpusPath, csv);
	}

	const nowhere = await createExecutor(sandboxConfig(sandbox, dir, c => (c.remote.port = 1)), testOptions(dir, sims));
	executors.push(nowhere);
	const down = await nowhere.status();
	t.false(down.connected);
	t.regex(down.error ?? '', /^cannot connect to 127\.0\.0\.1: .*ECONNREFUSED/);
});
