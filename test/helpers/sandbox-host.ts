// Test harness: a real "GPU host" on loopback for integration tests.
//
//   import {startSandboxHost, connectToSandbox, type SandboxHost} from '../helpers/sandbox-host.js';
//   let sandbox: SandboxHost;
//   test.before(async () => { sandbox = await startSandboxHost(); });
//   test.after.always(async () => { await sandbox?.stop(); });
//
// or, for a test file whose tests all use one host, sandboxSuite() from sandbox-suite.ts.
//
// What it is: an OpenSSH server on 127.0.0.1:<random port> with its own host key, a login user
// (`cosmossim`, /bin/sh, no rc files, key login with a per-sandbox ed25519 key), and on that user's
// PATH a `docker` command (rootful podman via `sudo -n`) and a stand-in `nvidia-smi` (two GPUs,
// from `gpusPath`). The image `cosmos-sim:latest` has `torchrun`/`python` that act like
// cosmos_transfer1/diffusion/inference/transfer.py; a spec field picks the behaviour:
//   "cosmos_sim": {"mode": "ok"|"slow"|"stall"|"flood"|"oom"|"guardrail"|"crash"|"nccl"|"hostile"|"paced",
//                  "seconds": n, "clips": n, "lines": n, "rate": n, "stall_seconds": n, "hostile_files": bool,
//                  "load_seconds": n, "clip_seconds": n, "fail_sample": i|[i, ...]}
// (load_seconds: time spent loading the models, once per process; clip_seconds: time per clip, per
// batch sample; fail_sample: in batch mode, the guardrail blocks the video of sample i, from 0).
// Files the container writes into remoteDir are owned by root (as with real Docker).
// The canary: `canaryPath` must never exist; its folder is writable by the login user.
// Needs root; the first call per process installs missing Debian packages and builds the image.
import {chownSync, mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {randomBytes} from 'node:crypto';
import {join} from 'node:path';
import {NodeSSH, type Config} from 'node-ssh';

export {startSandboxHost, type SandboxHost, type SandboxHostOptions} from '../../sandbox/host/sandbox-host.js';
export {DEFAULT_GPUS_CSV} from '../../sandbox/host/sandbox-files.js';
import type {SandboxHost} from '../../sandbox/host/sandbox-host.js';

/** Escape sequences the "hostile" mode prints (raw, inside log lines on stdout and stderr). */
export const HOSTILE_SEQUENCES: Record<string, string> = JSON.parse(
	readFileSync(new URL('../../sandbox/image/stand-in/hostile-sequences.json', import.meta.url), 'utf8'),
) as Record<string, string>;

/** True when this machine can host a sandbox (root). Use it to skip, e.g. `const run = canRunSandbox() ? test : test.skip`. */
export function canRunSandbox(): boolean {
	return process.getuid?.() === 0;
}

/** node-ssh connect options for the sandbox, verifying its host key. */
export function sandboxSshConfig(sandbox: SandboxHost): Config {
	const expected = Buffer.from(sandbox.hostPublicKey.split(' ')[1] ?? '', 'base64');
	return {
		host: sandbox.host,
		port: sandbox.port,
		username: sandbox.username,
		privateKeyPath: sandbox.privateKeyPath,
		readyTimeout: 10_000,
		hostVerifier: (key: Buffer) => key.equals(expected),
	};
}

export async function connectToSandbox(sandbox: SandboxHost): Promise<NodeSSH> {
	return new NodeSSH().connect(sandboxSshConfig(sandbox));
}

/** Runs fn with a connection to the sandbox, closing it afterwards. */
export async function withSandboxSsh<T>(sandbox: SandboxHost, fn: (ssh: NodeSSH) => Promise<T>): Promise<T> {
	const ssh = await connectToSandbox(sandbox);
	try {
		return await fn(ssh);
	} finally {
		ssh.dispose();
	}
}

/** POSIX shell quoting: each argument that needs it in single quotes, joined with spaces. */
export function shellJoin(args: readonly string[]): string {
	return args.map(arg => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`)).join(' ');
}

/** The command a run executes inside the container (contract section 1), as an argv. */
export function transferCommand(options: {specPath: string; outputDir: string; numGpus?: number; checkpointDir?: string}): string[] {
	const gpus = String(options.numGpus ?? 1);
	return [
		'torchrun',
		`--nproc_per_node=${gpus}`,
		'--nnodes=1',
		'--node_rank=0',
		'cosmos_transfer1/diffusion/inference/transfer.py',
		'--checkpoint_dir',
		options.checkpointDir ?? '/workspace/checkpoints',
		'--controlnet_specs',
		options.specPath,
		'--video_save_folder',
		options.outputDir,
		'--num_gpus',
		gpus,
		'--offload_text_encoder_model',
		'--offload_guardrail_models',
	];
}

export type CommandResult = {code: number | null; stdout: string; stderr: string};

/**
 * Runs a command over SSH without node-ssh's buffering or trimming; onStdoutLine sees each
 * complete stdout line as it arrives (split on \n only).
 */
export function streamCommand(ssh: NodeSSH, command: string, onStdoutLine?: (line: string) => void): Promise<CommandResult> {
	return new Promise((resolve, reject) => {
		const connection = ssh.connection;
		if (!connection) {
			reject(new Error('not connected'));
			return;
		}
		connection.exec(command, (error, channel) => {
			if (error) {
				reject(error);
				return;
			}
			let stdout = '';
			let stderr = '';
			let partial = '';
			let code: number | null = null;
			channel.on('data', (chunk: Buffer) => {
				const text = chunk.toString('utf8');
				stdout += text;
				if (!onStdoutLine) return;
				const lines = (partial + text).split('\n');
				partial = lines.pop() ?? '';
				for (const line of lines) onStdoutLine(line);
			});
			channel.stderr.on('data', (chunk: Buffer) => {
				stderr += chunk.toString('utf8');
			});
			channel.on('exit', (exitCode: number | null) => {
				code = exitCode;
			});
			channel.on('close', () => resolve({code, stdout, stderr}));
		});
	});
}

export type SimRun = {
	runId: string;
	container: string;
	/** Host paths. */
	runDir: string;
	outputDir: string;
	inputVideo: string;
	/** Paths as the container sees them (relative to /workspace). */
	remote: {runDir: string; specPath: string; outputDir: string; inputVideo: string};
};

export type SimRunOptions = {
	numGpus?: number;
	checkpointDir?: string;
	/** Wrap the command as `sh -c 'cd /workspace && PYTHONPATH=. torchrun ...'`. */
	shell?: boolean;
	launcher?: 'torchrun' | 'python';
	dockerArgs?: string[];
	/** More transfer.py arguments, appended to the command (e.g. `['--batch_input_path', path]`). */
	extraArgs?: string[];
};

/**
 * Writes a run folder (spec.json + a fake input video) into the sandbox's remoteDir, owned by the
 * login user, and starts it the way the executor does: `docker run -d --label cosmos-tui.run=<id> ...`.
 * `spec` gets the paths (relative to /workspace) and returns the spec JSON object; its "cosmos_sim"
 * block (mode, seconds, clips, lines, rate, stall_seconds, hostile_files, load_seconds,
 * clip_seconds, fail_sample: see the top of this file) picks how the stand-in model behaves.
 */
export async function startSimRun(
	ssh: NodeSSH,
	sandbox: SandboxHost,
	spec: (paths: {inputVideo: string; runDir: string}) => Record<string, unknown>,
	options: SimRunOptions = {},
): Promise<SimRun> {
	const runId = `run-${randomBytes(4).toString('hex')}`;
	const remoteRunDir = `runs/${runId}`;
	const remote = {
		runDir: remoteRunDir,
		specPath: `${remoteRunDir}/spec.json`,
		outputDir: `${remoteRunDir}/outputs`,
		inputVideo: `${remoteRunDir}/inputs/color.mp4`,
	};
	const runDir = join(sandbox.remoteDir, remoteRunDir);
	const owner = statSync(sandbox.remoteDir);
	for (const dir of [join(sandbox.remoteDir, 'runs'), runDir, join(runDir, 'inputs')]) {
		mkdirSync(dir, {recursive: true});
		chownSync(dir, owner.uid, owner.gid);
	}
	const inputVideo = join(sandbox.remoteDir, remote.inputVideo);
	writeFileSync(inputVideo, Buffer.concat([Buffer.from('\0\0\0\x18ftypmp42'), randomBytes(2048)]));
	writeFileSync(join(sandbox.remoteDir, remote.specPath), JSON.stringify(spec({inputVideo: remote.inputVideo, runDir: remote.runDir}), null, 2));
	for (const file of [inputVideo, join(sandbox.remoteDir, remote.specPath)]) chownSync(file, owner.uid, owner.gid);

	let command = transferCommand({specPath: remote.specPath, outputDir: remote.outputDir, numGpus: options.numGpus, checkpointDir: options.checkpointDir});
	command.push(...(options.extraArgs ?? []));
	if (options.launcher === 'python') command = ['python', ...command.slice(4)];
	if (options.shell) command = ['sh', '-c', `cd /workspace && PYTHONPATH=. ${shellJoin(command)}`];
	const container = `cosmos-${runId}`;
	const result = await streamCommand(
		ssh,
		shellJoin([
			sandbox.dockerCommand, 'run', '-d', '--name', container, '--label', `cosmos-tui.run=${runId}`,
			'--gpus', 'all', '--ipc=host', '-e', 'PYTHONUNBUFFERED=1',
			'-v', `${sandbox.remoteDir}:/workspace`, '-v', `${sandbox.hfCacheDir}:/root/.cache/huggingface`, '-w', '/workspace',
			...(options.dockerArgs ?? []), sandbox.image, ...command,
		]),
	);
	if (result.code !== 0) throw new Error(`docker run failed (${result.code}): ${result.stderr}`);
	return {runId, container, runDir, outputDir: join(sandbox.remoteDir, remote.outputDir), inputVideo, remote};
}

export type FinishedSimRun = SimRun & {exitCode: number; stdout: string; stderr: string};

/**
 * startSimRun, then waits for the container to exit, takes its logs (with `follow`: from a
 * `docker logs -f` started right away, as the executor follows a run) and removes it.
 */
export async function runSimToEnd(
	ssh: NodeSSH,
	sandbox: SandboxHost,
	spec: (paths: {inputVideo: string; runDir: string}) => Record<string, unknown>,
	options: SimRunOptions = {},
	follow = false,
): Promise<FinishedSimRun> {
	const job = await startSimRun(ssh, sandbox, spec, options);
	const logs = follow ? await streamCommand(ssh, shellJoin(['docker', 'logs', '-f', job.container])) : undefined;
	const waited = await streamCommand(ssh, shellJoin(['docker', 'wait', job.container]));
	const {stdout, stderr} = logs ?? (await streamCommand(ssh, shellJoin(['docker', 'logs', job.container])));
	await streamCommand(ssh, shellJoin(['docker', 'rm', job.container]));
	return {...job, exitCode: Number(waited.stdout.trim()), stdout, stderr};
}
