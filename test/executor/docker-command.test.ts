import {execFile} from 'node:child_process';
import {mkdtemp, readdir, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import test from 'ava';
import {
	checkImage,
	containerNameFor,
	DockerCommandError,
	dockerInspectArgs,
	dockerKillArgs,
	dockerLogsArgs,
	dockerPrefix,
	dockerPsArgs,
	dockerRmArgs,
	type DockerRunOptions,
	dockerRunArgs,
	dockerWaitArgs,
	gpusValue,
	normalizeState,
	parseInspectState,
	parsePsOutput,
	runIdFromContainerName,
} from '../../source/executor/docker-command.js';
import {buildCommand} from '../../source/executor/shell-quote.js';

const options: DockerRunOptions = {
	docker: 'sudo -n docker',
	image: 'nvcr.io/me/cosmos-transfer1:latest',
	containerName: 'cosmos-tui-rs_abc123',
	runId: 'rs_abc123',
	remoteDir: '/srv/cosmos-transfer1',
	hfCacheDir: '/home/gpu/.cache/huggingface',
	numGpus: 2,
	extraArgs: ['--shm-size=8g'],
	specPath: '/workspace/runs/rs_abc123/spec.json',
	outputDir: '/workspace/runs/rs_abc123/outputs',
	offload: ['--offload_text_encoder_model', '--offload_guardrail_models'],
	env: {CUDA_VISIBLE_DEVICES: '0,1'},
};

test('golden: docker run', t => {
	t.deepEqual(dockerRunArgs(options), [
		'sudo', '-n', 'docker', 'run', '-d',
		'--name', 'cosmos-tui-rs_abc123',
		'--label', 'cosmos-tui.run=rs_abc123',
		'--gpus', 'all', '--ipc=host',
		'-e', 'PYTHONUNBUFFERED=1',
		'-e', 'PYTHONPATH=/workspace',
		'-e', 'CUDA_VISIBLE_DEVICES=0,1',
		'-v', '/srv/cosmos-transfer1:/workspace',
		'-v', '/home/gpu/.cache/huggingface:/root/.cache/huggingface',
		'-w', '/workspace',
		'--shm-size=8g',
		'nvcr.io/me/cosmos-transfer1:latest',
		'torchrun', '--nproc_per_node=2', '--nnodes=1', '--node_rank=0',
		'cosmos_transfer1/diffusion/inference/transfer.py',
		'--checkpoint_dir', '/workspace/checkpoints',
		'--controlnet_specs', '/workspace/runs/rs_abc123/spec.json',
		'--video_save_folder', '/workspace/runs/rs_abc123/outputs',
		'--num_gpus', '2',
		'--offload_text_encoder_model', '--offload_guardrail_models',
	]);
});

test('golden: docker run with plain docker, one GPU, no extras', t => {
	const args = dockerRunArgs({...options, docker: 'docker', numGpus: 1, extraArgs: [], offload: [], env: undefined});
	t.deepEqual(args.slice(0, 3), ['docker', 'run', '-d']);
	t.true(args.includes('--nproc_per_node=1'));
	t.deepEqual(args.slice(-2), ['--num_gpus', '1']);
	t.false(args.includes('CUDA_VISIBLE_DEVICES=0,1'));
});

test('a run placed on GPUs 1 and 2 gets exactly those: --gpus "device=1,2" (quotes included, as Docker parses CSV)', t => {
	const args = dockerRunArgs({...options, gpus: [1, 2]});
	t.is(args[args.indexOf('--gpus') + 1], '"device=1,2"');
	t.is(gpusValue([0]), '"device=0"');
	t.is(gpusValue([]), 'all');
	t.throws(() => gpusValue([-1]), {message: /Invalid GPU index/});
	t.throws(() => gpusValue([1.5]), {message: /Invalid GPU index/});
	// Through the one quoting function the value stays one word, quotes and all.
	t.true(buildCommand(args).includes(`'"device=1,2"'`));
});

test('the network: --network=host by config, none without, and no option-looking or spaced names', t => {
	t.true(dockerRunArgs({...options, network: 'host'}).includes('--network=host'));
	t.false(dockerRunArgs({...options, network: ''}).some(arg => arg.startsWith('--network')));
	for (const bad of ['-privileged', 'a b', 'host;rm', '--net=host']) {
		t.throws(() => dockerRunArgs({...options, network: bad}), {instanceOf: DockerCommandError, message: /Invalid network name/});
	}
});

test('image names must look like image references', t => {
	for (const good of ['nvcr.io/nvidia/cosmos-transfer1:latest', 'cosmos-sim:latest', 'localhost:5000/team/cosmos:b200', 'ubuntu', 'a/b/c@sha256:' + 'a'.repeat(64), 'registry.example.com/x_y__z:v1.2-rc']) {
		t.is(checkImage(good), good);
	}
	for (const bad of ['--privileged', '-v', 'a b', 'x;rm -rf ~', '$(id)', 'UPPER/case', 'a:', '', 'a@sha256:zz', 'name:tag with space']) {
		t.throws(() => checkImage(bad), {instanceOf: DockerCommandError}, bad);
	}
	t.throws(() => dockerPrefix('--host=tcp://x docker'), {message: /must start with a program/});
});

test('golden: the other builders', t => {
	const name = 'cosmos-tui-rs_abc123';
	t.deepEqual(dockerLogsArgs('podman', name), ['podman', 'logs', '-f', name]);
	t.deepEqual(dockerLogsArgs('docker', name, {follow: false, tail: 100}), ['docker', 'logs', '--tail', '100', name]);
	t.deepEqual(dockerWaitArgs('sudo -n docker', name), ['sudo', '-n', 'docker', 'wait', name]);
	t.deepEqual(dockerInspectArgs('docker', name), ['docker', 'inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', name]);
	t.deepEqual(dockerInspectArgs('docker', name, '{{json .State}}'), ['docker', 'inspect', '--format', '{{json .State}}', name]);
	t.deepEqual(dockerKillArgs('docker', name), ['docker', 'kill', '--signal', 'KILL', name]);
	t.deepEqual(dockerKillArgs('docker', name, 'SIGTERM'), ['docker', 'kill', '--signal', 'SIGTERM', name]);
	t.deepEqual(dockerRmArgs('docker', name), ['docker', 'rm', '-f', name]);
	t.deepEqual(dockerPsArgs('docker'), ['docker', 'ps', '-a', '--filter', 'label=cosmos-tui.run', '--format', '{{.Names}}|{{.State}}']);
});

test('the docker command is split on any whitespace', t => {
	t.deepEqual(dockerPrefix('  sudo\t-n   docker '), ['sudo', '-n', 'docker']);
	t.throws(() => dockerPrefix('   '), {instanceOf: DockerCommandError});
});

test('container names come from run ids and go back to them', t => {
	t.is(containerNameFor('rs_0a1b2c3d4e5f'), 'cosmos-tui-rs_0a1b2c3d4e5f');
	t.is(runIdFromContainerName('cosmos-tui-rs_0a1b2c3d4e5f'), 'rs_0a1b2c3d4e5f');
	t.is(runIdFromContainerName('/cosmos-tui-rs_1'), 'rs_1', 'docker inspect names start with /');
	t.is(runIdFromContainerName('other-container'), null);
	for (const bad of ['', 'rs 1', 'rs;1', '../x', '-rs', 'rs/1', 'rs$1', 'é', 'a\nb']) {
		t.throws(() => containerNameFor(bad), {instanceOf: DockerCommandError}, JSON.stringify(bad));
	}
});

test('builders refuse container names outside docker\'s charset', t => {
	for (const bad of ['x', '-rm', 'a b', 'a;b', 'a/b', '']) {
		t.throws(() => dockerRmArgs('docker', bad), {instanceOf: DockerCommandError}, bad);
		t.throws(() => dockerRunArgs({...options, containerName: bad}), {instanceOf: DockerCommandError}, bad);
	}
});

test('docker run refuses values that would change the command\'s shape', t => {
	const bad: Array<Partial<DockerRunOptions>> = [
		{numGpus: 0}, {numGpus: 1.5}, {numGpus: Number.NaN},
		{runId: 'a b'},
		{image: '--privileged'}, {image: 'img latest'}, {image: ''},
		{remoteDir: 'relative/dir'}, {remoteDir: '~/cosmos'}, {remoteDir: '/a:/etc'},
		{hfCacheDir: '/cache:ro'},
		{specPath: '--help'}, {outputDir: ''},
		{offload: ['--upsample_prompt']}, {offload: ['--offload_text_encoder_model; rm -rf /']},
		{env: {'BAD NAME': 'x'}}, {env: {'A=B': 'x'}}, {env: {OK: 'nul\0'}},
		{extraArgs: ['a\0b']},
	];
	for (const partial of bad) {
		t.throws(() => dockerRunArgs({...options, ...partial}), {instanceOf: DockerCommandError}, JSON.stringify(partial));
	}
	t.throws(() => dockerLogsArgs('docker', 'cosmos-tui-x', {tail: -1}), {instanceOf: DockerCommandError});
	t.throws(() => dockerKillArgs('docker', 'cosmos-tui-x', 'KILL; rm -rf /'), {instanceOf: DockerCommandError});
});

function runShell(command: string, cwd: string): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		execFile('/bin/sh', ['-c', command], {cwd, encoding: 'buffer'}, (error, stdout) => {
			if (error) reject(error);
			else resolve(stdout);
		});
	});
}

test('buildCommand(dockerRunArgs(...)) with hostile values keeps every value one argument', async t => {
	const dir = await mkdtemp(path.join(tmpdir(), 'docker-command-'));
	try {
		const canary = path.join(dir, 'canary');
		// `printf %s\0` stands in for docker: it prints each argument it receives, NUL-terminated.
		const hostile: DockerRunOptions = {
			...options,
			docker: 'printf %s\\0',
			image: 'registry.local:5000/img:tag', // image names are checked strictly; see the test above
			remoteDir: `/srv/my dir/'quoted'/$(touch ${canary})/\`touch ${canary}\``,
			hfCacheDir: `/cache/a;touch ${canary};b\nnewline`,
			extraArgs: ['--env', `X=$(touch ${canary})`, `--label=a b'c"d`, '*', ''],
			specPath: `/workspace/spec "x" & touch ${canary}.json`,
			outputDir: `/workspace/out | touch ${canary}`,
			env: {HF_TOKEN: `hf_'"; touch ${canary}; echo '`, EMPTY: ''},
		};
		const argv = dockerRunArgs(hostile);
		const stdout = await runShell(buildCommand(argv), dir);
		const received = stdout.toString('utf8').split('\0').slice(0, -1);
		t.deepEqual(received, argv.slice(2), 'the program receives exactly the argv after the prefix');
		t.deepEqual(await readdir(dir), [], 'nothing ran');
	} finally {
		await rm(dir, {recursive: true, force: true});
	}
});

test('parseInspectState reads status and exit code', t => {
	t.deepEqual(parseInspectState('exited 137\n'), {status: 'exited', exitCode: 137});
	t.deepEqual(parseInspectState('running 0'), {status: 'running', exitCode: 0});
	t.deepEqual(parseInspectState('exited -1'), {status: 'exited', exitCode: -1});
	t.is(parseInspectState('Error: no such container'), null);
	t.is(parseInspectState(''), null);
});

test('parsePsOutput keeps cosmos-tui containers and normalises docker and podman states', t => {
	const output = [
		'cosmos-tui-rs_1|running',
		'cosmos-tui-rs_2|Exited (137) 2 seconds ago',
		'cosmos-tui-rs_3|Up 5 minutes',
		'cosmos-tui-rs_4|Created',
		'somebody-else|running',
		'',
		'garbage line',
	].join('\n');
	t.deepEqual(parsePsOutput(output), [
		{runId: 'rs_1', name: 'cosmos-tui-rs_1', state: 'running'},
		{runId: 'rs_2', name: 'cosmos-tui-rs_2', state: 'exited'},
		{runId: 'rs_3', name: 'cosmos-tui-rs_3', state: 'running'},
		{runId: 'rs_4', name: 'cosmos-tui-rs_4', state: 'created'},
	]);
	t.is(normalizeState('exited'), 'exited');
});
