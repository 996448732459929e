// The docker command on the sandbox host, driven over SSH the way the executor drives it:
// run -d, logs -f, wait, inspect, ps --filter label, kill, rm, mounts and env.
import type {NodeSSH} from 'node-ssh';
import {connectToSandbox, shellJoin, startSandboxHost, startSimRun, streamCommand} from '../helpers/sandbox-host.js';
import {sandboxSuite} from '../helpers/sandbox-suite.js';

const suite = sandboxSuite();
const {run, serial, withSsh} = suite;

async function docker(ssh: NodeSSH, ...args: string[]): Promise<string> {
	const result = await streamCommand(ssh, shellJoin(['docker', ...args]));
	if (result.code !== 0) throw new Error(`docker ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
	return result.stdout.trim();
}

/** Follows `docker logs -f` until a stdout line matches, then returns; the follow keeps running. */
function followUntil(ssh: NodeSSH, container: string, pattern: RegExp): {seen: Promise<string>; done: ReturnType<typeof streamCommand>} {
	let found!: (line: string) => void;
	const seen = new Promise<string>(resolve => (found = resolve));
	const done = streamCommand(ssh, shellJoin(['docker', 'logs', '-f', container]), line => {
		if (pattern.test(line)) found(line);
	});
	void done.then(() => found(''));
	return {seen, done};
}

run('docker run -d with the executor flags; wait, inspect, ps --filter label and rm', async t => {
	await withSsh(async ssh => {
		const job = await startSimRun(ssh, suite.sandbox, ({inputVideo}) => ({prompt: 'a red car', input_video_path: inputVideo, edge: {control_weight: 1}}));
		t.is(await docker(ssh, 'wait', job.container), '0');
		t.is(await docker(ssh, 'inspect', '--format', '{{.State.ExitCode}} {{.State.Status}}', job.container), '0 exited');
		t.is(await docker(ssh, 'ps', '-a', '--filter', `label=cosmos-tui.run=${job.runId}`, '--format', '{{.Names}}'), job.container);
		t.is(await docker(ssh, 'ps', '-a', '--filter', 'label=cosmos-tui.run=someone-else', '--format', '{{.Names}}'), '');
		const labelled = await docker(ssh, 'ps', '-a', '--filter', 'label=cosmos-tui.run', '--format', '{{.Names}} {{.Label "cosmos-tui.run"}}');
		t.true(labelled.split('\n').includes(`${job.container} ${job.runId}`));
		await docker(ssh, 'rm', job.container);
		t.is(await docker(ssh, 'ps', '-a', '--filter', `label=cosmos-tui.run=${job.runId}`, '--format', '{{.Names}}'), '');
	});
});

run('docker logs -f streams lines while the container runs, then ends with it', async t => {
	await withSsh(async ssh => {
		const job = await startSimRun(ssh, suite.sandbox, ({inputVideo}) => ({
			prompt: 'slowly',
			input_video_path: inputVideo,
			vis: {control_weight: 0.5},
			cosmos_sim: {mode: 'slow', seconds: 6},
		}));
		const follow = followUntil(ssh, job.container, /final args:/);
		t.regex(await follow.seen, /final args:/);
		t.is(await docker(ssh, 'inspect', '--format', '{{.State.Running}}', job.container), 'true', 'the first lines arrive while it runs');
		const result = await follow.done;
		t.is(result.code, 0);
		t.regex(result.stdout, /Saved video to runs\/.+\/outputs\/output\.mp4\n/);
		t.regex(result.stderr, /\r100%\|██████████\| 1\/1/);
		t.is(await docker(ssh, 'wait', job.container), '0');
	});
});

run('docker kill --signal TERM ends a run promptly with 143', async t => {
	await withSsh(async ssh => {
		const job = await startSimRun(ssh, suite.sandbox, ({inputVideo}) => ({input_video_path: inputVideo, edge: {control_weight: 1}, cosmos_sim: {mode: 'slow', seconds: 600}}));
		const follow = followUntil(ssh, job.container, /control_inputs/);
		await follow.seen;
		await docker(ssh, 'kill', '--signal', 'TERM', job.container);
		t.is(await docker(ssh, 'wait', job.container), '143');
		const result = await follow.done;
		t.regex(result.stderr, /Received Signals\.SIGTERM death signal, shutting down workers/);
		t.is(await docker(ssh, 'inspect', '--format', '{{.State.ExitCode}} {{.State.Status}}', job.container), '143 exited');
	});
});

run('docker kill --signal KILL ends a run with 137, also when sh -c wraps torchrun', async t => {
	await withSsh(async ssh => {
		const job = await startSimRun(ssh, suite.sandbox, ({inputVideo}) => ({input_video_path: inputVideo, edge: {control_weight: 1}, cosmos_sim: {mode: 'slow', seconds: 600}}), {shell: true});
		await followUntil(ssh, job.container, /control_inputs/).seen;
		await docker(ssh, 'kill', '--signal', 'KILL', job.container);
		t.is(await docker(ssh, 'wait', job.container), '137');
	});
});

run('"sudo -n docker" works as the docker command too', async t => {
	await withSsh(async ssh => {
		const job = await startSimRun(ssh, suite.sandbox, ({inputVideo}) => ({input_video_path: inputVideo, edge: {control_weight: 1}}));
		const waited = await streamCommand(ssh, shellJoin(['sudo', '-n', 'docker', 'wait', job.container]));
		t.is(waited.stdout.trim(), '0', waited.stderr);
		const logs = await streamCommand(ssh, shellJoin(['sudo', '-n', 'docker', 'logs', job.container]));
		t.regex(logs.stdout, /\] Saved prompt to .+\n$/);
		await docker(ssh, 'rm', job.container);
	});
});

run('env vars, the workspace mount, the HF cache mount and -w reach the container', async t => {
	await withSsh(async ssh => {
		const out = await docker(
			ssh, 'run', '--rm', '--gpus', 'all', '--ipc=host', '-e', 'HF_TOKEN=hf_secret value',
			'-v', `${suite.sandbox.remoteDir}:/workspace`, '-v', `${suite.sandbox.hfCacheDir}:/root/.cache/huggingface`, '-w', '/workspace',
			suite.sandbox.image, 'sh', '-c', 'echo "$HF_TOKEN"; pwd; ls -d checkpoints; touch /root/.cache/huggingface/from-container && echo cached; command -v torchrun python',
		);
		t.deepEqual(out.split('\n'), ['hf_secret value', '/workspace', 'checkpoints', 'cached', '/usr/local/bin/torchrun']);
	});
});

serial('a run survives a dropped SSH connection and can be followed again from the start', async t => {
	const ssh = await connectToSandbox(suite.sandbox);
	ssh.connection?.on('error', () => undefined);
	const job = await startSimRun(ssh, suite.sandbox, ({inputVideo}) => ({input_video_path: inputVideo, edge: {control_weight: 1}, cosmos_sim: {mode: 'slow', seconds: 4, clips: 2}}));
	const follow = followUntil(ssh, job.container, /control_inputs/);
	await follow.seen;
	await suite.sandbox.killSessions();
	await follow.done;
	ssh.dispose();
	await withSsh(async again => {
		const result = await streamCommand(again, shellJoin(['docker', 'logs', '-f', job.container]));
		t.is(result.code, 0);
		const lines = result.stdout.split('\n');
		t.true(lines[0]?.includes('control_inputs: {'));
		t.is(lines.filter(line => line.endsWith('] Starting diffusion sampling')).length, 2);
		t.regex(result.stdout, /Saved prompt to .+output\.txt\n$/);
		t.is(await docker(again, 'wait', job.container), '0');
	});
});

serial('stop() removes the containers of its sandbox', async t => {
	const other = await startSandboxHost();
	const ssh = await connectToSandbox(other);
	const job = await startSimRun(ssh, other, ({inputVideo}) => ({input_video_path: inputVideo, edge: {control_weight: 1}, cosmos_sim: {mode: 'slow', seconds: 600}}));
	ssh.dispose();
	await other.stop();
	await withSsh(async ssh2 => {
		t.is(await docker(ssh2, 'ps', '-a', '--filter', `label=cosmos-tui.run=${job.runId}`, '--format', '{{.Names}}'), '');
	});
});
