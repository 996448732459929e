// The sbatch command line for one run, as an argv array (joined by buildCommand in shell-quote.ts).
// Every value sits inside one `--option=value` word, so nothing from the config can become an
// option of its own except [slurm] sbatch_args, which are options by rule (each starts with "-").
// The job script holds everything else; it is uploaded by SFTP and named last.
import {GRES_COUNT, type Config} from '../../config/schema.js';
import {ConfigError} from '../../domain/errors.js';
import {checkRunId, containerNameFor} from '../docker-command.js';

export type SbatchSettings = Pick<Config['slurm'], 'partition' | 'account' | 'qos' | 'time_limit' | 'gres' | 'sbatch_args'>;

export type SbatchInput = {
	runId: string;
	/** The run's folder on the host (absolute, on storage the compute nodes see). */
	runDir: string;
	/** GPUs the run asks for: {n} of the gres template. */
	numGpus: number;
	/** The host's [slurm] settings. */
	slurm: SbatchSettings;
};

/** `gpu:{n}` with n = 2 → `gpu:2`; a template without {n} is a configuration error. */
export function gresFor(template: string, n: number): string {
	if (!template.includes(GRES_COUNT)) throw new ConfigError(`[slurm] gres must contain ${GRES_COUNT} for the GPU count, got ${JSON.stringify(template)}`);
	if (!Number.isInteger(n) || n < 1 || n > 64) throw new ConfigError(`a run needs 1 to 64 GPUs, got ${n}`);
	return template.replaceAll(GRES_COUNT, String(n));
}

/** A value that becomes part of one `--name=value` word: non-empty (else the option is left out), one line. */
function optionWord(name: string, value: string): string[] {
	if (value === '') return [];
	if (/[\0\n\r]/.test(value)) throw new ConfigError(`[slurm] ${name} must be one line`);
	return [`--${name}=${value}`];
}

/** sbatch reads `%j`, `%x`… in --output as patterns (and a backslash turns them all off), so neither may appear. */
function checkRunDir(runDir: string): string {
	if (!runDir.startsWith('/') || /[\0\n\r%\\]/.test(runDir)) {
		throw new ConfigError(`the run folder must be an absolute path on one line without "%" or "\\" (sbatch reads them in --output): ${JSON.stringify(runDir)}`);
	}
	return runDir;
}

/**
 * ['sbatch', '--parsable', '--job-name=cosmos-tui-<runId>', '--output=<runDir>/slurm.out', '--gres=…',
 * optional --partition/--account/--qos/--time, '--no-requeue', ...sbatch_args, '<runDir>/job.sh'].
 * --output without --error: stdout and stderr go to one file, in order. --no-requeue: a job that
 * Slurm would restart (node failure, preemption) ends instead, so its output file is never
 * truncated under a follower, and the run fails with the reason (slurm-failure.ts).
 */
export function sbatchArgs(input: SbatchInput): string[] {
	const {slurm} = input;
	checkRunId(input.runId);
	const runDir = checkRunDir(input.runDir);
	for (const arg of slurm.sbatch_args) {
		if (!arg.startsWith('-') || arg.includes('\0')) throw new ConfigError(`[slurm] sbatch_args must be options starting with "-", got ${JSON.stringify(arg)}`);
	}
	return [
		'sbatch',
		'--parsable',
		`--job-name=${containerNameFor(input.runId)}`,
		`--output=${runDir}/slurm.out`,
		`--gres=${gresFor(slurm.gres, input.numGpus)}`,
		...optionWord('partition', slurm.partition),
		...optionWord('account', slurm.account),
		...optionWord('qos', slurm.qos),
		...optionWord('time', slurm.time_limit),
		'--no-requeue',
		...slurm.sbatch_args,
		`${runDir}/job.sh`,
	];
}
