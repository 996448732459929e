// Why a Slurm job ended badly: Slurm's own verdict (time limit, node failure, preemption, host
// memory, a cancel from outside) where its state says so, else the log-based kinds of the Docker
// host (failure-classifier.ts: GPU memory, guardrail, NCCL, missing checkpoints...). One-line hints.
import type {FailureKind} from '../../domain/model.js';
import {type Failure, classifyFailure} from '../failure-classifier.js';
import type {SlurmExitCode} from './slurm-parse.js';

export type SlurmEndInput = {
	/** Slurm's job state (scontrol/squeue/sacct; "CANCELLED by 1001" is read as CANCELLED); null: not known. */
	state: string | null;
	/** scontrol's Reason ("TimeLimit", "NodeDown", "NonZeroExitCode"...); '' or absent when unknown. */
	reason?: string;
	/** The job's exit code (the script's, i.e. the container's), Slurm's "code:signal", or null when unknown. */
	exitCode: number | SlurmExitCode | null;
	/** The last lines of the job's output, oldest first. */
	logTail: readonly string[];
	outputExists: boolean;
	/** cosmos-tui asked for the cancel (its kill marker exists). */
	cancelledByUs: boolean;
	/** As FailureInput.missingOutput. */
	missingOutput?: string;
};

const HINTS = {
	time_limit: 'Slurm stopped the job at its time limit; raise [slurm] time_limit, or use a partition that allows longer jobs.',
	node_fail: 'The compute node failed while the job ran; rerun it (Slurm places it on a working node).',
	preempted: 'A higher-priority job preempted this one; rerun it, or use a partition or QOS that is not preempted.',
	host_oom: 'The job ran out of host memory (RAM, not GPU); ask for more (sbatch_args = ["--mem=64G"]) or turn on offloading.',
	cancelled_outside: 'The job was cancelled outside cosmos-tui (scancel, or an administrator); rerun it if that was not meant.',
} as const satisfies Partial<Record<FailureKind, string>>;
type SlurmKind = keyof typeof HINTS;

/** Final states that name their own cause (CANCELLED is decided after the log, which may say why). */
const STATE_KINDS: Readonly<Record<string, SlurmKind>> = {
	TIMEOUT: 'time_limit',
	DEADLINE: 'time_limit',
	NODE_FAIL: 'node_fail',
	BOOT_FAIL: 'node_fail',
	PREEMPTED: 'preempted',
	OUT_OF_MEMORY: 'host_oom',
};

/**
 * slurmstepd's own lines in the output file, e.g.
 * `slurmstepd-node1: error: *** JOB 18 ON node1 CANCELLED AT 2026-12-02T12:19:33 DUE TO TIME LIMIT ***`
 * (or `DUE TO NODE FAILURE, SEE SLURMCTLD LOG FOR DETAILS`, `DUE TO PREEMPTION`, nothing for scancel)
 * and `slurmstepd: error: Detected 1 oom_kill event in StepId=18.batch. ...`. They count only at the
 * start of a line, where no echo of the prompt can put them (transfer.py prints it inside JSON).
 */
const STEPD_CANCEL = /^slurmstepd(?:-[^:\s]*)?: error: \*\*\* (?:JOB|STEP) \S+ ON \S+ CANCELLED AT \S+(?: DUE TO ([^*]+?))? \*\*\*/;
const STEPD_OOM = /^slurmstepd(?:-[^:\s]*)?: error: Detected \d+ oom[-_]kill events? in /;

const DUE_TO: ReadonlyArray<[RegExp, SlurmKind]> = [
	[/^TIME LIMIT$/, 'time_limit'],
	[/^PREEMPTION$/, 'preempted'],
	[/^NODE FAILURE/, 'node_fail'],
];

/** What slurmstepd wrote last about the job's end, if anything. */
function stepdVerdict(logTail: readonly string[]): SlurmKind | null {
	for (let index = logTail.length - 1; index >= 0; index--) {
		const line = logTail[index]!;
		if (STEPD_OOM.test(line)) return 'host_oom';
		const cancel = STEPD_CANCEL.exec(line);
		if (cancel) {
			const due = cancel[1];
			if (due === undefined) return 'cancelled_outside';
			return DUE_TO.find(([pattern]) => pattern.test(due))?.[1] ?? 'cancelled_outside';
		}
	}
	return null;
}

/** The state word alone, upper case: "CANCELLED by 1001" and sacct's truncated "CANCELLED+" → CANCELLED. */
function stateWord(state: string | null): string {
	return (state ?? '').trim().split(/\s+/, 1)[0]!.replace(/\+$/, '').toUpperCase();
}

/** Exit code for classifyFailure: the code, or minus the signal that ended the job (its convention). */
function exitNumber(exitCode: SlurmEndInput['exitCode']): number | null {
	if (exitCode === null || typeof exitCode === 'number') return exitCode;
	return exitCode.signal > 0 && exitCode.code === 0 ? -exitCode.signal : exitCode.code;
}

const slurmFailure = (kind: SlurmKind): Failure => ({kind, hint: HINTS[kind]});

/**
 * null: the job succeeded (exit 0 and the output video exists). Otherwise the failure: a cancel we
 * asked for is 'killed'; Slurm's state where it names a cause; then slurmstepd's lines in the log
 * (the only witness once Slurm has forgotten the job and the exit file says 143); a CANCELLED
 * state is a cancel from outside; everything else is read from the exit code and the log.
 */
export function classifySlurmEnd(input: SlurmEndInput): Failure | null {
	const exitCode = exitNumber(input.exitCode);
	const state = stateWord(input.state);
	if (input.cancelledByUs) return classifyFailure({exitCode, logTail: input.logTail, outputExists: false, killedByUser: true});
	if (state === 'COMPLETED') return classifyFailure({exitCode, logTail: input.logTail, outputExists: input.outputExists, missingOutput: input.missingOutput});
	const byState = STATE_KINDS[state];
	if (byState) return slurmFailure(byState);
	const byLog = stepdVerdict(input.logTail);
	if (byLog) return slurmFailure(byLog);
	if (state === 'CANCELLED') return slurmFailure('cancelled_outside');
	return classifyFailure({exitCode, logTail: input.logTail, outputExists: input.outputExists, missingOutput: input.missingOutput});
}
