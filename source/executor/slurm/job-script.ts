// The batch script of one Slurm run (uploaded by SFTP as <run dir>/job.sh, then given to sbatch).
// POSIX sh. Fixed text, plus words made from values; every such word goes through quoteArg or
// buildCommand (shell-quote.ts), so no path, image, environment value or argument is ever read as
// shell syntax. The script writes the exit code to the exit file (the state source once Slurm
// forgets the job) and exits with it, so Slurm's own state (COMPLETED, FAILED + ExitCode) is the
// run's. Everything the job prints goes to sbatch's --output file, stdout and stderr merged.
//
// podman/docker: the container is started detached, named after the run, followed with `logs -f`
// and waited for in the background, because scancel kills the job's processes but not a
// container (its conmon is not one of them): the TERM trap removes it (slurm-single-machine note).
import {type SlurmContainer} from '../../config/schema.js';
import {DockerCommandError, MERGE_STDERR, RUN_LABEL, checkImage, containerNameFor} from '../docker-command.js';
import {WORKSPACE} from '../remote-layout.js';
import {buildCommand, quoteArg} from '../shell-quote.js';

const HF_CACHE_IN_CONTAINER = '/root/.cache/huggingface';
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Exit code of a job stopped by TERM (scancel, time limit, preemption): 128 + 15. */
export const TERMINATED_EXIT_CODE = 143;

export type JobScriptInput = {
	runId: string;
	container: SlurmContainer;
	/** podman/docker: how to call the engine on the compute node, e.g. ['sudo', '-n', 'docker']. */
	containerCommand: string[];
	/** podman/docker: an image name; enroot: --container-image's value; apptainer: a .sif path or docker:// reference. */
	image: string;
	/** The Cosmos-Transfer1 checkout on shared storage (absolute); mounted at /workspace, the job's working folder. */
	remoteDir: string;
	/** Hugging Face cache on the node (absolute), mounted at /root/.cache/huggingface. */
	hfCacheDir: string;
	/** The run's folder (absolute). */
	runDir: string;
	/** Extra environment for Cosmos (PYTHONUNBUFFERED and PYTHONPATH are always set). */
	env: Record<string, string>;
	/**
	 * The command that runs Cosmos: torchrun and its arguments, with container paths under /workspace
	 * (a MERGE_STDERR wrapper in front is dropped; container = "none" maps /workspace/... to remoteDir/...).
	 */
	torchrun: string[];
	/** container = "none": a file sourced before torchrun ("~/" means the job user's home); "": none. */
	envSetup: string;
	/** Where the script writes the exit code (runDir/exit_code). */
	exitFile: string;
	/** podman/docker: `--network=<name>` ([docker] network); empty or absent: the engine's default. */
	network?: string;
	/** podman/docker: extra `run` options ([docker] extra_args), passed as they are. */
	extraArgs?: readonly string[];
};

export class JobScriptError extends Error {
	override readonly name = 'JobScriptError';
}

/** An absolute path that can also stand inside a `SRC:DEST,SRC:DEST` mount list (no ':' or ','). */
function mountablePath(what: string, value: string): string {
	if (!value.startsWith('/') || /[:,\0]/.test(value)) throw new JobScriptError(`${what} must be an absolute path without ":" or ",": ${JSON.stringify(value)}`);
	return value;
}

function absolutePath(what: string, value: string): string {
	if (!value.startsWith('/') || value.includes('\0')) throw new JobScriptError(`${what} must be an absolute path: ${JSON.stringify(value)}`);
	return value;
}

/** A value that follows an option or stands where a program name goes must not look like an option. */
function notAnOption(what: string, value: string): string {
	if (value === '' || value.startsWith('-') || value.includes('\0')) throw new JobScriptError(`${what} must be non-empty and not start with "-": ${JSON.stringify(value)}`);
	return value;
}

/** The run's environment: always unbuffered Python with the checkout on the path, then the extras. */
function environment(input: JobScriptInput, workspace: string): Array<[string, string]> {
	const entries: Array<[string, string]> = [['PYTHONUNBUFFERED', '1'], ['PYTHONPATH', workspace]];
	for (const [name, value] of Object.entries(input.env)) {
		if (!ENV_NAME.test(name)) throw new JobScriptError(`Invalid environment variable name: ${JSON.stringify(name)}`);
		if (value.includes('\0')) throw new JobScriptError(`Environment variable ${name} contains a NUL character`);
		entries.push([name, value]);
	}
	return entries;
}

/** The torchrun argv without the docker host's stderr wrapper (the job's output file merges both streams). */
function command(torchrun: readonly string[]): string[] {
	const wrapped = MERGE_STDERR.every((word, index) => torchrun[index] === word);
	const argv = wrapped ? torchrun.slice(MERGE_STDERR.length) : [...torchrun];
	if (argv.length === 0) throw new JobScriptError('The command to run is empty');
	notAnOption('The command to run', argv[0]!);
	return argv;
}

/** Lines every variant starts with: strict-ish settings, the exit-file writer, the working folder. */
function prologue(input: JobScriptInput, workDir: string): string[] {
	return [
		'#!/bin/sh',
		`# cosmos-tui run ${input.runId} (${input.container}); generated: every value below is quoted by quoteArg (shell-quote.ts).`,
		`exit_file=${quoteArg(absolutePath('The exit file', input.exitFile))}`,
		// Written to a temporary name and renamed: a reader never sees an empty or half-written file.
		'finish() {',
		'\tprintf \'%s\\n\' "$1" > "$exit_file.tmp" && mv -f "$exit_file.tmp" "$exit_file"',
		'\texit "$1"',
		'}',
		`cd ${quoteArg(workDir)} || finish 1`,
	];
}

/**
 * Runs a command in the background and waits for it: a shell waiting in `wait` runs its TERM
 * trap at once, one waiting for a foreground command only after that command ends.
 */
function runAndWait(commandLine: string): string[] {
	return [
		'trap \'finish 143\' TERM INT',
		`${commandLine} &`,
		'wait $!',
		'rc=$?',
		'finish "$rc"',
	];
}

function exportLines(entries: ReadonlyArray<[string, string]>, prefixes: readonly string[] = ['']): string[] {
	return entries.flatMap(([name, value]) => prefixes.map(prefix => `export ${prefix}${name}=${quoteArg(value)}`));
}

function containerScript(input: JobScriptInput): string[] {
	if (input.containerCommand.length === 0) throw new JobScriptError('The container command is empty');
	notAnOption('The container command', input.containerCommand[0]!);
	const engine = buildCommand(input.containerCommand);
	const name = containerNameFor(input.runId);
	const remoteDir = mountablePath('The remote folder', input.remoteDir);
	const hfCacheDir = mountablePath('The Hugging Face cache folder', input.hfCacheDir);
	const runDir = absolutePath('The run folder', input.runDir);
	const network = input.network ? [`--network=${notAnOption('The network', input.network)}`] : [];
	for (const arg of input.extraArgs ?? []) {
		if (arg.includes('\0')) throw new JobScriptError('An extra container argument contains a NUL character');
	}
	let image: string;
	try {
		image = checkImage(input.image);
	} catch (error) {
		if (error instanceof DockerCommandError) throw new JobScriptError(error.message);
		throw error;
	}
	const env = environment(input, WORKSPACE).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
	const options = [
		'run', '-d', '--name', name, '--label', `${RUN_LABEL}=${input.runId}`,
		// Every GPU of the node is visible; CUDA_VISIBLE_DEVICES (Slurm's choice, added below) picks the job's.
		'--gpus', 'all', '--ipc=host', ...network, ...env,
		'-v', `${remoteDir}:${WORKSPACE}`, '-v', `${hfCacheDir}:${HF_CACHE_IN_CONTAINER}`, '-w', WORKSPACE, '--init',
	];
	const imageAndCommand = [...(input.extraArgs ?? []), image, ...MERGE_STDERR, ...command(input.torchrun)];
	// sudo drops the job's environment, so the GPU list goes in as a value ("$CUDA_VISIBLE_DEVICES": Slurm's, one word), not by name.
	const run = `${engine} ${buildCommand(options)} -e "CUDA_VISIBLE_DEVICES=\${CUDA_VISIBLE_DEVICES-}" ${buildCommand(imageAndCommand)}`;
	return [
		...prologue(input, remoteDir),
		`name=${quoteArg(name)}`,
		`wait_file=${quoteArg(`${runDir}/container_exit`)}`,
		`remove_container() { ${engine} rm -f -t 2 "$name" >/dev/null 2>&1; }`,
		// Set before the container exists: a TERM during `run` still removes it.
		'trap \'remove_container; finish 143\' TERM INT',
		`${run} >/dev/null || finish $?`,
		`${engine} logs -f "$name" &`,
		'logs_pid=$!',
		`${engine} wait "$name" > "$wait_file" &`,
		'wait $!',
		// The last lines reach the output file before the container goes.
		'wait "$logs_pid"',
		'rc=$(cat "$wait_file" 2>/dev/null)',
		'case $rc in \'\'|*[!0-9]*) rc=1 ;; esac',
		`${engine} rm "$name" >/dev/null 2>&1`,
		'finish "$rc"',
	];
}

function enrootScript(input: JobScriptInput): string[] {
	const remoteDir = mountablePath('The remote folder', input.remoteDir);
	const hfCacheDir = mountablePath('The Hugging Face cache folder', input.hfCacheDir);
	const image = notAnOption('The image', input.image);
	const env = environment(input, WORKSPACE);
	const srun = [
		'srun',
		`--container-image=${image}`,
		`--container-mounts=${remoteDir}:${WORKSPACE},${hfCacheDir}:${HF_CACHE_IN_CONTAINER}`,
		`--container-workdir=${WORKSPACE}`,
		// pyxis passes the job's environment, but the image's own values win unless named here.
		`--container-env=${env.map(([name]) => name).join(',')}`,
		...command(input.torchrun),
	];
	return [...prologue(input, remoteDir), ...exportLines(env), ...runAndWait(buildCommand(srun))];
}

function apptainerScript(input: JobScriptInput): string[] {
	const remoteDir = mountablePath('The remote folder', input.remoteDir);
	const hfCacheDir = mountablePath('The Hugging Face cache folder', input.hfCacheDir);
	const image = notAnOption('The image', input.image);
	const exec = [
		'apptainer', 'exec', '--nv',
		'--bind', `${remoteDir}:${WORKSPACE},${hfCacheDir}:${HF_CACHE_IN_CONTAINER}`,
		'--pwd', WORKSPACE,
		image, ...command(input.torchrun),
	];
	// APPTAINERENV_X sets X in the container over the image's own value; the job's CUDA_VISIBLE_DEVICES passes through.
	const env = exportLines(environment(input, WORKSPACE), ['', 'APPTAINERENV_']);
	return [...prologue(input, remoteDir), ...env, ...runAndWait(buildCommand(exec))];
}

/** `. file`, with a leading "~/" as the job user's home (quoted words are never tilde-expanded). */
function sourceLines(envSetup: string): string[] {
	if (envSetup === '') return [];
	if (envSetup.includes('\0')) throw new JobScriptError('env_setup contains a NUL character');
	const file = envSetup.startsWith('~/') ? `"$HOME"/${quoteArg(envSetup.slice(2))}` : quoteArg(envSetup);
	return [
		`env_setup=${file}`,
		'if [ ! -r "$env_setup" ]; then echo "cosmos-tui: cannot read env_setup $env_setup" >&2; finish 1; fi',
		'. "$env_setup"',
	];
}

/** No container mounts the checkout at /workspace, so arguments naming /workspace/... name the checkout itself. */
function onHost(argv: readonly string[], remoteDir: string): string[] {
	return argv.map(word => (word === WORKSPACE ? remoteDir : word.startsWith(`${WORKSPACE}/`) ? `${remoteDir}${word.slice(WORKSPACE.length)}` : word));
}

function plainScript(input: JobScriptInput): string[] {
	const remoteDir = absolutePath('The remote folder', input.remoteDir);
	return [
		...prologue(input, remoteDir),
		...sourceLines(input.envSetup),
		// The activation may change folder; the run's paths are relative to the checkout.
		`cd ${quoteArg(remoteDir)} || finish 1`,
		...exportLines(environment(input, remoteDir)),
		...runAndWait(buildCommand(onHost(command(input.torchrun), remoteDir))),
	];
}

/** The whole job script; throws JobScriptError for a value no script could carry safely. */
export function buildJobScript(input: JobScriptInput): string {
	const lines = (() => {
		switch (input.container) {
			case 'podman':
			case 'docker':
				return containerScript(input);
			case 'enroot':
				return enrootScript(input);
			case 'apptainer':
				return apptainerScript(input);
			case 'none':
				return plainScript(input);
		}
	})();
	return `${lines.join('\n')}\n`;
}
