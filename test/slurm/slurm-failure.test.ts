// How a finished Slurm job is classified: Slurm's own causes from its state (or, once Slurm has
// forgotten the job, slurmstepd's line in the output file, as captured from the test cluster),
// a cancel we asked for, and the Docker host's log-based kinds for everything else.
import {readFileSync} from 'node:fs';
import test from 'ava';
import {FAILURE_KINDS, type FailureKind} from '../../source/domain/model.js';
import {type SlurmEndInput, classifySlurmEnd} from '../../source/executor/slurm/slurm-failure.js';

const end = (fields: Partial<SlurmEndInput>): SlurmEndInput => ({state: 'COMPLETED', reason: 'None', exitCode: 0, logTail: [], outputExists: true, cancelledByUs: false, ...fields});

/** slurmstepd's lines as the test cluster wrote them into jobs' output files (fixtures/slurm-parse/job-outputs.txt). */
const captured = readFileSync(new URL('fixtures/slurm-parse/job-outputs.txt', import.meta.url), 'utf8').split('\n').filter(line => line.startsWith('slurmstepd'));
const capturedLine = (pattern: RegExp): string => captured.find(line => pattern.test(line))!;
const STEPD = {
	timeLimit: capturedLine(/DUE TO TIME LIMIT/),
	cancelled: capturedLine(/CANCELLED AT \S+ \*\*\*$/),
	nodeFailure: capturedLine(/DUE TO NODE FAILURE/),
	// Not producible on the test cluster (no preemption, no cgroups): Slurm's wording.
	preemption: 'slurmstepd: error: *** JOB 7 ON gpu-01 CANCELLED AT 2026-12-02T12:20:00 DUE TO PREEMPTION ***',
	oomKill: 'slurmstepd: error: Detected 1 oom_kill event in StepId=8.batch. Some of your processes may have been killed by the cgroup out-of-memory handler.',
};

test('a COMPLETED job with its video is a success; without it, the Docker host\'s verdict', t => {
	t.is(classifySlurmEnd(end({})), null);
	t.is(classifySlurmEnd(end({state: null, exitCode: 0})), null, 'state from the exit file only');
	t.is(classifySlurmEnd(end({outputExists: false}))?.kind, 'other');
});

test('Slurm\'s own end states become their kinds, each with a one-line hint', t => {
	const cases: Array<[string, string, FailureKind]> = [
		['TIMEOUT', 'TimeLimit', 'time_limit'],
		['DEADLINE', 'DeadLine', 'time_limit'],
		['NODE_FAIL', 'NodeDown', 'node_fail'],
		['BOOT_FAIL', 'NodeDown', 'node_fail'],
		['PREEMPTED', 'None', 'preempted'],
		['OUT_OF_MEMORY', 'OutOfMemory', 'host_oom'],
		['CANCELLED', 'None', 'cancelled_outside'],
		['CANCELLED by 1001', '', 'cancelled_outside'],
		['CANCELLED+', '', 'cancelled_outside'],
	];
	for (const [state, reason, kind] of cases) {
		const failure = classifySlurmEnd(end({state, reason, exitCode: {code: 0, signal: 15}, outputExists: false}));
		t.is(failure?.kind, kind, state);
		t.true(FAILURE_KINDS.includes(failure!.kind), state);
		t.regex(failure!.hint, /^[^\n]{20,200}$/, state);
	}
	t.regex(classifySlurmEnd(end({state: 'TIMEOUT', outputExists: false}))!.hint, /time_limit/);
});

test('a cancel we asked for is "killed", whatever Slurm calls it', t => {
	for (const state of ['CANCELLED', 'CANCELLED by 0', 'TIMEOUT', null]) {
		t.deepEqual(classifySlurmEnd(end({state, exitCode: 143, outputExists: false, cancelledByUs: true})), {kind: 'killed', hint: 'Stopped on request.'}, String(state));
	}
});

test('the captured slurmstepd lines are there', t => {
	t.is(captured.length, 3);
	for (const line of Object.values(STEPD)) t.regex(line, /^slurmstepd/);
});

test('once Slurm has forgotten the job (exit file 143), slurmstepd\'s line in the output tells why', t => {
	const forgotten = (line: string) => classifySlurmEnd(end({state: 'FAILED', reason: '', exitCode: 143, outputExists: false, logTail: ['[rank0]: step 3/35', line]}))?.kind;
	t.is(forgotten(STEPD.timeLimit), 'time_limit');
	t.is(forgotten(STEPD.cancelled), 'cancelled_outside');
	t.is(forgotten(STEPD.nodeFailure), 'node_fail');
	t.is(forgotten(STEPD.preemption), 'preempted');
	t.is(forgotten(STEPD.oomKill), 'host_oom');
	t.is(classifySlurmEnd(end({state: null, exitCode: 143, outputExists: false, logTail: [STEPD.timeLimit]}))?.kind, 'time_limit');
});

test('slurmstepd\'s words count only at the start of a line (a prompt echoed in the log cannot fake them)', t => {
	const echoed = `    "prompt": "${STEPD.timeLimit}",`;
	const failure = classifySlurmEnd(end({state: 'FAILED', exitCode: 3, outputExists: false, logTail: [`x ${STEPD.timeLimit}`, echoed]}));
	t.is(failure?.kind, 'other');
	t.regex(failure!.hint, /exit 3/);
});

test('a FAILED job is read like a Docker run: GPU OOM, guardrail, NCCL, missing checkpoints, exit code', t => {
	const failed = (logTail: string[], exitCode: number | {code: number; signal: number} = 1) => classifySlurmEnd(end({state: 'FAILED', reason: 'NonZeroExitCode', exitCode, outputExists: false, logTail}))?.kind;
	t.is(failed(['torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB']), 'oom');
	t.is(failed(['[12-02 12:00:00|CRITICAL|guardrail.py:10:run] Input text prompt 0 is not safe']), 'guardrail');
	t.is(failed(['[rank0]:[E] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=1)']), 'nccl_timeout');
	t.is(failed(['FileNotFoundError: [Errno 2] No such file or directory: \'checkpoints/model.pt\'']), 'missing_checkpoints');
	t.is(failed([], 125), 'start_failed');
	t.is(failed([], 3), 'other');
	t.is(failed([], {code: 0, signal: 9}), 'killed', 'ended by SIGKILL: code 0, signal 9');
});

test('Slurm\'s state wins over the log: a TIMEOUT whose log shows an error is still the time limit', t => {
	t.is(classifySlurmEnd(end({state: 'TIMEOUT', exitCode: 0, outputExists: false, logTail: ['RuntimeError: boom']}))?.kind, 'time_limit');
	t.is(classifySlurmEnd(end({state: 'OUT_OF_MEMORY', exitCode: 137, outputExists: false, logTail: ['Killed']}))?.kind, 'host_oom');
});
