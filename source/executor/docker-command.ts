// Docker command lines as argv arrays, shared by the SSH and the local executor. The SSH executor
// joins them with buildCommand (shell-quote.ts); the local one passes them to execFile. The
// container engine command is configurable ("docker", "sudo -n docker", "podman"), so every
// builder takes it as its first argument.
/** Label on every container cosmos-tui starts; its value is the run id. */
export const RUN_LABEL = 'cosmos-tui.run';
export const CONTAINER_PREFIX = 'cosmos-tui-';
/** `docker inspect --format` for state; parse the answer with parseInspectState. */
export const INSPECT_STATE_FORMAT = '{{.State.Status}} {{.State.ExitCode}}';
/** `docker ps --format` for cosmos-tui containers; parse the answer with parsePsOutput. */
export const PS_FORMAT = '{{.Names}}|{{.State}}';

const TRANSFER_SCRIPT = 'cosmos_transfer1/diffusion/inference/transfer.py';
const WORKSPACE = '/workspace';
const HF_CACHE_IN_CONTAINER = '/root/.cache/huggingface';

/** Transfer1's offload flags (contract §1); nothing else may be passed as one. */
export const OFFLOAD_FLAGS = [
	'--offload_diffusion_transformer',
	'--offload_text_encoder_model',
	'--offload_guardrail_models',
	'--offload_prompt_upsampler',
] as const;

/** Docker's container name rule: [a-zA-Z0-9][a-zA-Z0-9_.-]+ */
const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
/** Run ids become part of a container name and a label value, so they use the name charset. */
const RUN_ID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SIGNAL = /^(?:SIG)?[A-Z][A-Z0-9+-]*$|^\d{1,2}$/;

export class DockerCommandError extends Error {
	override readonly name = 'DockerCommandError';
}

/** "sudo -n docker" → ['sudo', '-n', 'docker']. */
export function dockerPrefix(docker: string): string[] {
	const parts = docker.trim().split(/\s+/).filter(part => part !== '');
	if (parts.length === 0) throw new DockerCommandError('The docker command is empty');
	if (parts[0]!.startsWith('-')) throw new DockerCommandError(`The docker command must start with a program, not an option: ${JSON.stringify(docker)}`);
	return parts;
}

export function checkRunId(runId: string): string {
	if (!RUN_ID.test(runId) || runId.length > 200) throw new DockerCommandError(`Invalid run id for a container: ${JSON.stringify(runId)}`);
	return runId;
}

export function checkContainerName(name: string): string {
	if (!CONTAINER_NAME.test(name) || name.length > 255) throw new DockerCommandError(`Invalid container name: ${JSON.stringify(name)}`);
	return name;
}

/** The container name for a run: cosmos-tui-<runId>. */
export function containerNameFor(runId: string): string {
	return checkContainerName(`${CONTAINER_PREFIX}${checkRunId(runId)}`);
}

/** The run id back from a cosmos-tui container name, or null for other names. */
export function runIdFromContainerName(name: string): string | null {
	const clean = name.startsWith('/') ? name.slice(1) : name;
	if (!clean.startsWith(CONTAINER_PREFIX)) return null;
	const runId = clean.slice(CONTAINER_PREFIX.length);
	return RUN_ID.test(runId) ? runId : null;
}

/** Docker network names: [a-zA-Z0-9][a-zA-Z0-9_.-]* ("host", "bridge", "none" or a user network). */
function checkNetwork(network: string): string {
	if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(network)) throw new DockerCommandError(`Invalid network name: ${JSON.stringify(network)}`);
	return network;
}

/**
 * An image reference as Docker reads one: [registry[:port]/]path[:tag][@sha256:digest], lowercase
 * path components (a first component is a registry only with a dot, a port or as localhost). Anything else (an option, spaces, shell text) is refused before any run starts.
 */
const IMAGE = /^(?:(?:localhost|[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+)(?::\d+)?\/|[a-zA-Z0-9-]+:\d+\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::\w[\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

export function checkImage(image: string): string {
	if (!IMAGE.test(image) || image.length > 512) throw new DockerCommandError(`The image ${JSON.stringify(image)} is not an image name (like nvcr.io/nvidia/cosmos-transfer1:latest)`);
	return image;
}

/** A value that follows an option must not itself look like an option. */
function checkValue(what: string, value: string): string {
	if (value === '' || value.startsWith('-')) throw new DockerCommandError(`${what} must be non-empty and not start with "-": ${JSON.stringify(value)}`);
	if (value.includes('\0')) throw new DockerCommandError(`${what} contains a NUL character`);
	return value;
}

/** A host folder for `-v host:container`: absolute (no shell expands `~` here) and without ':'. */
function checkHostDir(what: string, dir: string): string {
	if (!dir.startsWith('/') || dir.includes(':') || dir.includes('\0')) {
		throw new DockerCommandError(`${what} must be an absolute path without ":": ${JSON.stringify(dir)}`);
	}
	return dir;
}

export type DockerRunOptions = {
	/** "docker", "sudo -n docker", "podman": split on whitespace into the argv prefix. */
	docker: string;
	image: string;
	containerName: string;
	runId: string;
	/** Host folder holding the Transfer1 checkout (with checkpoints/), mounted at /workspace. */
	remoteDir: string;
	/** Host Hugging Face cache, mounted at /root/.cache/huggingface. */
	hfCacheDir: string;
	numGpus: number;
	/** The host GPUs the container may use (`--gpus '"device=1,2"'`); empty: all of them. */
	gpus?: readonly number[];
	/** `--network=<name>` ("host": no network set-up per container); empty or absent: the engine's default. */
	network?: string;
	/** Extra `docker run` options from the configuration, passed as they are. */
	extraArgs: readonly string[];
	/** Spec JSON path inside the container. */
	specPath: string;
	/** Output folder inside the container. */
	outputDir: string;
	/** A batch: its samples' JSONL inside the container (transfer.py --batch_input_path). */
	batchInputPath?: string;
	/** Subset of OFFLOAD_FLAGS. */
	offload: readonly string[];
	env?: Record<string, string>;
	/** `--init`: a tiny init as PID 1 forwards SIGTERM to torchrun and reaps its children. */
	init?: boolean;
	/**
	 * Run the command as `sh -c 'exec "$@" 2>&1' sh torchrun ...`: stderr joins stdout inside the
	 * container, so `docker logs` replays one stream in one order and a line count is exact.
	 */
	mergeStderr?: boolean;
};

/** The command wrapper of DockerRunOptions.mergeStderr; the script is fixed text, the argv follows as "$@". */
export const MERGE_STDERR = ['sh', '-c', 'exec "$@" 2>&1', 'sh'] as const;

/** `docker run -d ...` that starts Transfer1 under torchrun in a labelled, named container. */
export function dockerRunArgs(options: DockerRunOptions): string[] {
	const {numGpus} = options;
	if (!Number.isInteger(numGpus) || numGpus < 1 || numGpus > 64) throw new DockerCommandError(`numGpus must be an integer from 1 to 64, got ${numGpus}`);
	const container = containerArgs(options);
	const specPath = checkValue('The spec path', options.specPath);
	const outputDir = checkValue('The output folder', options.outputDir);
	for (const flag of options.offload) {
		if (!(OFFLOAD_FLAGS as readonly string[]).includes(flag)) throw new DockerCommandError(`Unknown offload flag: ${JSON.stringify(flag)}`);
	}
	return [
		...container,
		'torchrun',
		`--nproc_per_node=${numGpus}`,
		'--nnodes=1',
		'--node_rank=0',
		TRANSFER_SCRIPT,
		'--checkpoint_dir',
		`${WORKSPACE}/checkpoints`,
		'--controlnet_specs',
		specPath,
		'--video_save_folder',
		outputDir,
		'--num_gpus',
		String(numGpus),
		...(options.batchInputPath === undefined ? [] : ['--batch_input_path', checkValue('The batch input path', options.batchInputPath)]),
		...options.offload,
	];
}

/** What a run's container is, whatever it runs: the options that are not the command's. */
type ContainerOptions = Omit<DockerRunOptions, 'numGpus' | 'specPath' | 'outputDir' | 'batchInputPath' | 'offload'>;

/** `docker run -d ...` up to the image and the stderr wrapper: name, label, GPUs, mounts, settings. */
function containerArgs(options: ContainerOptions): string[] {
	const name = checkContainerName(options.containerName);
	const runId = checkRunId(options.runId);
	const image = checkImage(options.image);
	const remoteDir = checkHostDir('The remote folder', options.remoteDir);
	const hfCacheDir = checkHostDir('The Hugging Face cache folder', options.hfCacheDir);
	const env: string[] = [];
	for (const [key, value] of Object.entries(options.env ?? {})) {
		if (!ENV_NAME.test(key)) throw new DockerCommandError(`Invalid environment variable name: ${JSON.stringify(key)}`);
		if (value.includes('\0')) throw new DockerCommandError(`Environment variable ${key} contains a NUL character`);
		env.push('-e', `${key}=${value}`);
	}
	for (const arg of options.extraArgs) {
		if (arg.includes('\0')) throw new DockerCommandError('An extra docker argument contains a NUL character');
	}
	return [
		...dockerPrefix(options.docker),
		'run',
		'-d',
		'--name',
		name,
		'--label',
		`${RUN_LABEL}=${runId}`,
		'--gpus',
		gpusValue(options.gpus ?? []),
		'--ipc=host',
		...(options.network ? [`--network=${checkNetwork(options.network)}`] : []),
		'-e',
		'PYTHONUNBUFFERED=1',
		'-e',
		`PYTHONPATH=${WORKSPACE}`,
		...env,
		'-v',
		`${remoteDir}:${WORKSPACE}`,
		'-v',
		`${hfCacheDir}:${HF_CACHE_IN_CONTAINER}`,
		'-w',
		WORKSPACE,
		...(options.init ? ['--init'] : []),
		...options.extraArgs,
		image,
		...(options.mergeStderr ? MERGE_STDERR : []),
	];
}

/** The standalone prompt upsampler (contract §1), run from the checkout like transfer.py. */
export const UPSAMPLER_SCRIPT = 'cosmos_transfer1/auxiliary/upsampler/inference/upsampler_pipeline.py';

/**
 * The fixed script that runs the upsampler: `sh -c UPSAMPLER_SH sh <prompt file> <input video>
 * <checkpoint dir> <stdout copy>`. The prompt text never is a word of any command line: the script
 * reads it from the file the launch wrote ("$(cat "$1")", one argument, `--prompt=` so a text that
 * starts with "-" stays a value). torchrun runs as upstream needs it (RANK set). Its stdout is shown
 * live and copied to the stdout file (tee), its stderr goes straight to the log; the exit status
 * goes through a file beside the copy, as POSIX sh has no pipefail. Every value is an argument.
 */
export const UPSAMPLER_SH = [
	'out=$4',
	'[ -r "$1" ] || { echo "cosmos-tui: cannot read the prompt file $1" >&2; exit 1; }',
	'mkdir -p "${out%/*}" || exit 1',
	`{ torchrun --nproc_per_node=1 ${UPSAMPLER_SCRIPT} --prompt="$(cat "$1")" --input_video="$2" --checkpoint_dir="$3" --offload_prompt_upsampler; echo "$?" > "$out.exit"; } | tee "$out"`,
	'rc=$(cat "$out.exit" 2>/dev/null)',
	"case $rc in ''|*[!0-9]*) rc=1 ;; esac",
	'exit "$rc"',
].join('\n');

export type UpsamplerPaths = {
	/** The file holding the prompt text (in the container). */
	promptFile: string;
	/** The prompt's colour video (in the container). */
	inputVideo: string;
	/** The copy of the upsampler's stdout (in the container, in the run's output folder). */
	stdoutFile: string;
	/** Default: /workspace/checkpoints, as transfer.py gets it. */
	checkpointDir?: string;
};

/** The command that runs the upsampler in the container: the fixed script and its four arguments. */
export function upsamplerCommand(paths: UpsamplerPaths): string[] {
	return [
		'sh',
		'-c',
		UPSAMPLER_SH,
		'sh',
		checkValue('The prompt file', paths.promptFile),
		checkValue('The input video', paths.inputVideo),
		checkValue('The checkpoint folder', paths.checkpointDir ?? `${WORKSPACE}/checkpoints`),
		checkValue('The upsampler output file', paths.stdoutFile),
	];
}

/**
 * `docker run -d ...` for a prompt upsampler run: the same container as dockerRunArgs makes (name,
 * label, GPUs, mounts, settings, stderr merged), on one GPU, running upsamplerCommand instead of
 * transfer.py.
 */
export function dockerRunUpsamplerArgs(options: Omit<ContainerOptions, 'mergeStderr'> & UpsamplerPaths): string[] {
	return [...containerArgs({...options, mergeStderr: true}), ...upsamplerCommand(options)];
}

/**
 * Docker's --gpus value for specific devices: `"device=1,2"`, quotes included (Docker parses the
 * value as CSV, so a bare comma would split the list); podman takes the same.
 */
export function gpusValue(gpus: readonly number[]): string {
	if (gpus.length === 0) return 'all';
	for (const gpu of gpus) {
		if (!Number.isInteger(gpu) || gpu < 0 || gpu > 1023) throw new DockerCommandError(`Invalid GPU index: ${gpu}`);
	}
	return `"device=${gpus.join(',')}"`;
}

/** `docker version --format {{.Server.Version}}`: fails unless the engine answers. */
export function dockerVersionArgs(docker: string): string[] {
	return [...dockerPrefix(docker), 'version', '--format', '{{.Server.Version}}'];
}

/** `docker logs [-f] [--tail N] <name>`: the container's stdout and stderr. */
export function dockerLogsArgs(docker: string, containerName: string, options: {follow?: boolean; tail?: number} = {}): string[] {
	const args = [...dockerPrefix(docker), 'logs'];
	if (options.follow ?? true) args.push('-f');
	if (options.tail !== undefined) {
		if (!Number.isInteger(options.tail) || options.tail < 0) throw new DockerCommandError(`tail must be a non-negative integer, got ${options.tail}`);
		args.push('--tail', String(options.tail));
	}
	args.push(checkContainerName(containerName));
	return args;
}

/** `docker wait <name>`: blocks until the container exits, then prints its exit code. */
export function dockerWaitArgs(docker: string, containerName: string): string[] {
	return [...dockerPrefix(docker), 'wait', checkContainerName(containerName)];
}

/** `docker inspect --format <format> <name>`. */
export function dockerInspectArgs(docker: string, containerName: string, format: string = INSPECT_STATE_FORMAT): string[] {
	return [...dockerPrefix(docker), 'inspect', '--format', checkValue('The inspect format', format), checkContainerName(containerName)];
}

/** `docker kill --signal <signal> <name>`. */
export function dockerKillArgs(docker: string, containerName: string, signal = 'KILL'): string[] {
	if (!SIGNAL.test(signal)) throw new DockerCommandError(`Invalid signal: ${JSON.stringify(signal)}`);
	return [...dockerPrefix(docker), 'kill', '--signal', signal, checkContainerName(containerName)];
}

/** `docker rm -f <name>`. */
export function dockerRmArgs(docker: string, containerName: string): string[] {
	return [...dockerPrefix(docker), 'rm', '-f', checkContainerName(containerName)];
}

/** `docker ps -a` limited to cosmos-tui containers, one `name|state` per line. */
export function dockerPsArgs(docker: string): string[] {
	return [...dockerPrefix(docker), 'ps', '-a', '--filter', `label=${RUN_LABEL}`, '--format', PS_FORMAT];
}

export type ContainerState = {status: string; exitCode: number};

/** Parse the output of dockerInspectArgs with INSPECT_STATE_FORMAT ("exited 137"). */
export function parseInspectState(output: string): ContainerState | null {
	const match = /^\s*([a-z]+)\s+(-?\d+)\s*$/.exec(output);
	if (!match) return null;
	return {status: match[1]!, exitCode: Number(match[2])};
}

/** Parse the output of dockerPsArgs into the containers of HostStatus. */
export function parsePsOutput(output: string): Array<{runId: string; name: string; state: string}> {
	const containers: Array<{runId: string; name: string; state: string}> = [];
	for (const line of output.split('\n')) {
		const [name, state] = line.trim().split('|');
		if (!name || state === undefined) continue;
		const runId = runIdFromContainerName(name);
		if (runId !== null) containers.push({runId, name, state: normalizeState(state)});
	}
	return containers;
}

/**
 * Docker's `{{.State}}` is a word ("running", "exited"); podman 4 prints its status text there
 * ("Up 5 minutes", "Exited (137) 2 seconds ago", "Created"). Both become docker's word.
 */
export function normalizeState(state: string): string {
	const word = state.trim().split(/[\s(]/, 1)[0]!.toLowerCase();
	return word === 'up' ? 'running' : word;
}
