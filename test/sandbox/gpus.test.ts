// GPUs on the sandbox host: how many nvidia-smi reports and which are busy (startSandboxHost's
// gpus/busyGpus, setGpus), and which GPUs each container got from `docker run --gpus` (containerGpus).
import type {NodeSSH} from 'node-ssh';
import {containerGpus} from '../helpers/sandbox-gpus.js';
import {shellJoin, startSimRun, streamCommand} from '../helpers/sandbox-host.js';
import {sandboxSuite} from '../helpers/sandbox-suite.js';

const suite = sandboxSuite({gpus: 4, busyGpus: [2]});
const {run, serial, withSsh} = suite;

/** memory.used per GPU index, as the login user's nvidia-smi reports it. */
async function gpuMemory(ssh: NodeSSH): Promise<Map<number, number>> {
	const result = await streamCommand(ssh, 'nvidia-smi --query-gpu=index,memory.used --format=csv,noheader,nounits');
	if (result.code !== 0) throw new Error(`nvidia-smi failed (${result.code}): ${result.stdout}${result.stderr}`);
	const rows = result.stdout.trim().split('\n').map(line => line.split(', ').map(Number) as [number, number]);
	return new Map(rows);
}

/** `docker run -d <gpuArgs> ... sleep 600` over SSH, labelled and mounting remoteDir like a run; returns the result. */
async function runWithGpus(ssh: NodeSSH, runId: string, gpuArgs: string[], command = ['sleep', '600']) {
	return streamCommand(
		ssh,
		shellJoin([
			'docker', 'run', '-d', '--name', `cosmos-${runId}`, '--label', `cosmos-tui.run=${runId}`, ...gpuArgs,
			'--ipc=host', '-v', `${suite.sandbox.remoteDir}:/workspace`, '-w', '/workspace', suite.sandbox.image, ...command,
		]),
	);
}

async function docker(ssh: NodeSSH, ...args: string[]): Promise<string> {
	const result = await streamCommand(ssh, shellJoin(['docker', ...args]));
	if (result.code !== 0) throw new Error(`docker ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
	return result.stdout.trim();
}

serial('nvidia-smi reports the declared GPUs, the busy one above 2048 MiB; setGpus changes it', async t => {
	await withSsh(async ssh => {
		t.deepEqual([...(await gpuMemory(ssh))], [[0, 300], [1, 300], [2, 30000], [3, 300]]);
		suite.sandbox.setGpus(3, [0, 1]);
		t.deepEqual([...(await gpuMemory(ssh))], [[0, 30000], [1, 30000], [2, 300]]);
		suite.sandbox.setGpus(4, [2]);
		const memory = await gpuMemory(ssh);
		t.is(memory.size, 4);
		t.true(memory.get(2)! > 2048);
		t.true([0, 1, 3].every(index => memory.get(index)! < 2048));
	});
});

run('containerGpus reads back what --gpus gave each container, in the forms Docker accepts', async t => {
	await withSsh(async ssh => {
		const sim = await startSimRun(ssh, suite.sandbox, ({inputVideo}) => ({prompt: 'p', input_video_path: inputVideo, edge: {control_weight: 1}, cosmos_sim: {mode: 'slow', seconds: 30}})); // adds --gpus all
		const forms: Array<[string, string[], string]> = [
			['pair', ['--gpus', '"device=1,3"'], '1,3'],
			['one', ['--gpus', '"device=0"'], '0'],
			['bare', ['--gpus', 'device=2'], '2'],
			['equals', ['--gpus=all'], 'all'],
			['count', ['--gpus', '2'], '0,1'],
			['none', [], ''],
		];
		for (const [runId, args] of forms) {
			const result = await runWithGpus(ssh, runId, args);
			t.is(result.code, 0, result.stderr);
		}
		const byRun = new Map((await containerGpus(suite.sandbox)).map(container => [container.runId, container]));
		t.like(byRun.get(sim.runId), {name: sim.container, gpus: 'all', state: 'running'});
		for (const [runId, , gpus] of forms) t.like(byRun.get(runId), {name: `cosmos-${runId}`, gpus, state: 'running'});

		// What the NVIDIA runtime sets inside, and the label through docker inspect / ps.
		t.is(await docker(ssh, 'exec', 'cosmos-pair', 'sh', '-c', 'echo "$NVIDIA_VISIBLE_DEVICES"'), '1,3');
		t.is(await docker(ssh, 'inspect', '--format', '{{index .Config.Labels "cosmos-sim.gpus"}}', 'cosmos-one'), '0');
		t.is(await docker(ssh, 'ps', '--filter', 'label=cosmos-tui.run=count', '--format', '{{.Label "cosmos-sim.gpus"}}'), '0,1');

		await docker(ssh, 'rm', '-f', 'cosmos-pair');
		t.false((await containerGpus(suite.sandbox)).some(container => container.runId === 'pair'));
		await docker(ssh, 'kill', 'cosmos-one');
		await docker(ssh, 'wait', 'cosmos-one');
		t.like((await containerGpus(suite.sandbox)).find(container => container.runId === 'one'), {gpus: '0', state: 'exited'});
	});
});

run('--gpus values Docker rejects fail like Docker (exit 125), e.g. device=1,3 without the inner quotes', async t => {
	await withSsh(async ssh => {
		const unquoted = await runWithGpus(ssh, 'unquoted', ['--gpus', 'device=1,3']);
		t.is(unquoted.code, 125);
		t.regex(unquoted.stderr, /cannot set both Count and DeviceIDs/);
		const bogus = await runWithGpus(ssh, 'bogus', ['--gpus', 'bogus']);
		t.is(bogus.code, 125);
		t.regex(bogus.stderr, /invalid argument "bogus" for "--gpus" flag/);
		t.false((await containerGpus(suite.sandbox)).some(container => ['unquoted', 'bogus'].includes(container.runId ?? '')));
	});
});

run('--gpus after the image belongs to the command and is left alone; hostile values are not evaluated', async t => {
	await withSsh(async ssh => {
		t.is(await docker(ssh, 'run', '--rm', '-v', `${suite.sandbox.remoteDir}:/workspace`, suite.sandbox.image, 'echo', '--gpus', '"device=1,3"'), '--gpus "device=1,3"');
		const hostile = await runWithGpus(ssh, 'hostile', ['--gpus', `"device=$(touch ${suite.sandbox.canaryPath})",count=1`]);
		t.is(hostile.code, 125);
		const quoted = await runWithGpus(ssh, 'quoted', ['--gpus', `"device=\`touch ${suite.sandbox.canaryPath}\`;x"`]);
		t.is(quoted.code, 0, quoted.stderr);
		t.like((await containerGpus(suite.sandbox)).find(container => container.runId === 'quoted'), {gpus: `\`touch ${suite.sandbox.canaryPath}\`;x`});
		t.is(await streamCommand(ssh, shellJoin(['test', '-e', suite.sandbox.canaryPath])).then(result => result.code), 1);
	});
});
