// Where a Slurm job stands, from the best source that still knows it: `scontrol show job` while
// slurmctld remembers the job (MinJobAge after its end), then `sacct` where the cluster keeps
// accounting, else the exit-status file the job script writes. null: nobody knows the job.
import type {HostShell} from '../host-shell.js';
import {retryOnLoss} from '../log-follower.js';
import {checkJobId} from './slurm-layout.js';
import {parseSacct, parseScontrolJob} from './slurm-parse.js';

export type JobState = {
	/** Slurm's JobState word: PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT... */
	state: string;
	/** Slurm's Reason ("Resources", "Priority", "None", "NonZeroExitCode"); '' when unknown. */
	reason: string;
	/** The job's exit code; null while it runs or when it is not known. */
	exitCode: number | null;
	/** The signal that ended the job (scontrol's ExitCode "0:15"), 0 for none. */
	signal: number;
	/** Nodes the job runs on ('' while pending). */
	nodes: string;
	/** From submission to start, once the job has started (scontrol's SubmitTime and StartTime); null when not known. */
	pendingSeconds: number | null;
	/** The job will not change any more. */
	final: boolean;
	source: 'scontrol' | 'sacct' | 'exit_file';
};

/** Job states that will not change any more (squeue's long names). */
export const FINAL_STATES: ReadonlySet<string> = new Set([
	'COMPLETED',
	'FAILED',
	'CANCELLED',
	'TIMEOUT',
	'NODE_FAIL',
	'PREEMPTED',
	'OUT_OF_MEMORY',
	'BOOT_FAIL',
	'DEADLINE',
	'SPECIAL_EXIT',
	'REVOKED',
]);

/** The state word alone: sacct writes "CANCELLED by 1001". */
const stateWord = (state: string): string => state.trim().split(/\s+/, 1)[0]!.toUpperCase();

export function scontrolJobArgs(jobId: string): string[] {
	return ['scontrol', 'show', 'job', '-o', checkJobId(jobId)];
}

export function sacctArgs(jobId: string): string[] {
	return ['sacct', '-n', '-P', '-X', '-j', checkJobId(jobId), '-o', 'JobID,State,ExitCode'];
}

/** The exit-status file's number (the script writes `$rc` and a newline); null when it is not one. */
export function parseExitFile(text: string | null): number | null {
	const match = /^\s*(\d{1,3})\s*$/.exec(text ?? '');
	return match ? Number(match[1]) : null;
}

/** slurmctld did not answer (busy, restarting): the job's state is not known now; ask again later. */
export class SlurmUnavailableError extends Error {
	override readonly name = 'SlurmUnavailableError';
}

/** scontrol's answer for a job slurmctld no longer (or never) knew. */
const UNKNOWN_JOB = /invalid job id/i;

/** Seconds between two scontrol times ("2026-12-02T12:17:09", the host's local time); null when one is not a time. */
export function secondsBetween(from: string | undefined, to: string | undefined): number | null {
	const parse = (text: string | undefined) => (text && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(text) ? Date.parse(`${text}Z`) : Number.NaN);
	const seconds = (parse(to) - parse(from)) / 1000;
	return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

export async function readJobState(shell: HostShell, jobId: string, exitFile: string, signal?: AbortSignal): Promise<JobState | null> {
	const scontrol = await retryOnLoss(() => shell.exec(scontrolJobArgs(jobId), {signal}), signal);
	if (scontrol.code !== 0 && !UNKNOWN_JOB.test(scontrol.stderr)) {
		throw new SlurmUnavailableError(`scontrol show job ${jobId}: ${scontrol.stderr.trim().split('\n')[0] || `exit ${scontrol.code}`}`);
	}
	const record = scontrol.code === 0 ? parseScontrolJob(scontrol.stdout) : null;
	if (record) {
		const state = stateWord(record.state);
		const final = FINAL_STATES.has(state);
		return {
			state,
			reason: record.reason,
			exitCode: final ? record.exitCode.code : null,
			signal: record.exitCode.signal,
			nodes: record.nodes,
			pendingSeconds: state === 'PENDING' ? null : secondsBetween(record.fields['SubmitTime'], record.fields['StartTime']),
			final,
			source: 'scontrol',
		};
	}
	const sacct = await retryOnLoss(() => shell.exec(sacctArgs(jobId), {signal}), signal);
	const row = sacct.code === 0 ? parseSacct(sacct.stdout).find(entry => entry.jobId === jobId) : undefined;
	if (row) {
		const state = stateWord(row.state);
		const final = FINAL_STATES.has(state);
		return {state, reason: '', exitCode: final ? row.exitCode.code : null, signal: row.exitCode.signal, nodes: '', pendingSeconds: null, final, source: 'sacct'};
	}
	const code = parseExitFile(await retryOnLoss(() => shell.readFile(exitFile), signal));
	if (code === null) return null;
	// The script writes 143 when scancel's TERM reached it; what Slurm called it is forgotten.
	return {state: code === 0 ? 'COMPLETED' : 'FAILED', reason: '', exitCode: code, signal: 0, nodes: '', pendingSeconds: null, final: true, source: 'exit_file'};
}
