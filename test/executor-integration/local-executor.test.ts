// [remote] host = "local": the same executor with Docker on this machine (the sandbox's root-side
// docker, i.e. rootful podman), files copied instead of sent over SFTP.
import {readFileSync, readdirSync} from 'node:fs';
import test from 'ava';
import {createExecutor} from '../../source/executor/create-executor.js';
import type {Executor} from '../../source/executor/executor.js';
import {ROOT_DOCKER} from '../../sandbox/host/machine.js';
import {type SandboxHost, startSandboxHost} from '../helpers/sandbox-host.js';
import {tempDir} from '../helpers/temp.js';
import {Recorder, type SimOptions, makeJob, sandboxConfig, testOptions} from './harness.js';

let sandbox: SandboxHost;
let dir: string;
let cleanup: () => Promise<void>;
let executor: Executor;
const sims = new Map<string, SimOptions>();

test.before(async () => {
	sandbox = await startSandboxHost();
	({dir, cleanup} = await tempDir('cosmos-exec-local-'));
	const config = sandboxConfig(sandbox, dir, c => {
		c.remote.host = 'local';
		c.docker.command = ROOT_DOCKER;
	});
	const options = testOptions(dir, sims);
	// The sandbox's nvidia-smi stand-in on PATH, reading its two GPUs.
	const env = {...options.env, PATH: `${sandbox.dir}/bin:${process.env['PATH']}`, COSMOS_SIM_GPUS: sandbox.gpusPath};
	executor = await createExecutor(config, {...options, env});
});
test.after.always(async () => {
	await executor?.close();
	await sandbox?.stop();
	await cleanup?.();
});

test.serial('a run on local docker: inputs by content, live log, outputs, rerun without copies', async t => {
	t.is(executor.description, 'local docker');
	const job = await makeJob(dir, {weights: {vis: 0, edge: 1, depth: 0, seg: 0}});
	sims.set(job.run.id, {mode: 'slow', seconds: 2});
	const recorder = new Recorder();
	const handle = await executor.launch(job, recorder.events);
	t.is(handle.host, 'local');
	const result = await executor.follow(handle, job, recorder.events, {skipLines: 0});
	t.is(result.status, 'success', result.errorMessage ?? '');
	t.true(recorder.lines.some(line => line.includes('Saved video to')));
	t.deepEqual(readdirSync(job.outputDir).sort(), ['edge_input_control_0.mp4', 'output.mp4', 'output.txt']);
	t.deepEqual(readFileSync(result.outputs.video!), readFileSync(job.prompt.inputs.video.path));

	const again = await makeJob(dir, {videoDir: job.prompt.video_dir});
	const second = await executor.follow(await executor.launch(again, recorder.events), again, recorder.events, {skipLines: 0});
	t.is(second.status, 'success');
	t.is(second.metrics['upload_bytes'], 0);
});

test.serial('local status: docker answers and nvidia-smi lists the GPUs', async t => {
	const status = await executor.status();
	t.true(status.connected);
	t.true(status.docker.ok, status.docker.detail);
	t.deepEqual(status.gpus.map(gpu => gpu.index), [0, 1]);
	t.is(status.error, undefined);
});
