// Where the Slurm executor reads a job's state: scontrol while slurmctld knows the job, then sacct,
// then the exit file the job script writes; a slurmctld that does not answer is not a lost job.
// A scripted HostShell stands in for the login node (outputs as Slurm 22.05 prints them).
import test from 'ava';
import type {ExecOptions, ExecResult, HostShell} from '../../source/executor/host-shell.js';
import {SlurmUnavailableError, parseExitFile, readJobState, secondsBetween} from '../../source/executor/slurm/job-state.js';
import {checkJobId, parseSubmittedJobId} from '../../source/executor/slurm/slurm-layout.js';
import {gpusOfNodes, jobStateText} from '../../source/executor/slurm/slurm-status.js';

type Answers = {scontrol: ExecResult; sacct?: ExecResult; exitFile?: string | null};

/** Answers scontrol and sacct as scripted and serves the exit file; records the commands run. */
function scriptedShell(answers: Answers): HostShell & {commands: string[][]} {
	const commands: string[][] = [];
	const fail = async (): Promise<never> => {
		throw new Error('not used');
	};
	return {
		commands,
		description: 'scripted',
		async exec(argv: readonly string[], _options?: ExecOptions): Promise<ExecResult> {
			commands.push([...argv]);
			if (argv[0] === 'scontrol') return answers.scontrol;
			if (argv[0] === 'sacct') return answers.sacct ?? {code: 1, stdout: '', stderr: 'Slurm accounting storage is disabled'};
			throw new Error(`unexpected ${argv.join(' ')}`);
		},
		readFile: async () => answers.exitFile ?? null,
		home: fail, stat: fail, readdir: fail, mkdirp: fail, putFile: fail, writeFile: fail, getFile: fail, rename: fail, remove: fail,
		close: async () => undefined,
	};
}

const RUNNING = 'JobId=7 JobName=cosmos-tui-rs_1 UserId=cosmossim(1001) JobState=RUNNING Reason=None ExitCode=0:0 SubmitTime=2026-12-02T12:17:09 StartTime=2026-12-02T12:17:12 NodeList=vm StdOut=/r/slurm.out';
const CANCELLED = 'JobId=7 JobName=cosmos-tui-rs_1 JobState=CANCELLED Reason=None ExitCode=0:15 SubmitTime=2026-12-02T12:17:09 StartTime=2026-12-02T12:17:12 NodeList=vm';
const UNKNOWN: ExecResult = {code: 1, stdout: '', stderr: 'slurm_load_jobs error: Invalid job id specified'};

test('scontrol while Slurm knows the job: state, nodes, time in the queue; no exit code while it runs', async t => {
	const shell = scriptedShell({scontrol: {code: 0, stdout: RUNNING, stderr: ''}});
	const state = await readJobState(shell, '7', '/r/exit_code');
	t.like(state, {state: 'RUNNING', reason: 'None', exitCode: null, nodes: 'vm', pendingSeconds: 3, final: false, source: 'scontrol'});
	t.deepEqual(shell.commands, [['scontrol', 'show', 'job', '-o', '7']]);
});

test('a job ended by scancel: final, exit 0 with signal 15', async t => {
	const state = await readJobState(scriptedShell({scontrol: {code: 0, stdout: CANCELLED, stderr: ''}}), '7', '/r/exit_code');
	t.like(state, {state: 'CANCELLED', exitCode: 0, signal: 15, final: true});
});

test('forgotten by slurmctld: sacct where accounting exists ("CANCELLED by 1001")', async t => {
	const shell = scriptedShell({scontrol: UNKNOWN, sacct: {code: 0, stdout: '7|CANCELLED by 1001|0:15\n', stderr: ''}, exitFile: '143\n'});
	const state = await readJobState(shell, '7', '/r/exit_code');
	t.like(state, {state: 'CANCELLED', exitCode: 0, signal: 15, final: true, source: 'sacct'});
});

test('forgotten and no accounting: the exit file decides; without one nobody knows the job', async t => {
	t.like(await readJobState(scriptedShell({scontrol: UNKNOWN, exitFile: '0\n'}), '7', '/r/exit_code'), {state: 'COMPLETED', exitCode: 0, final: true, source: 'exit_file'});
	t.like(await readJobState(scriptedShell({scontrol: UNKNOWN, exitFile: '3\n'}), '7', '/r/exit_code'), {state: 'FAILED', exitCode: 3, final: true});
	t.is(await readJobState(scriptedShell({scontrol: UNKNOWN, exitFile: null}), '7', '/r/exit_code'), null);
});

test('slurmctld not answering is SlurmUnavailableError, not an unknown job', async t => {
	const shell = scriptedShell({scontrol: {code: 1, stdout: '', stderr: 'slurm_load_jobs error: Socket timed out on send/recv operation'}, exitFile: null});
	await t.throwsAsync(readJobState(shell, '7', '/r/exit_code'), {instanceOf: SlurmUnavailableError, message: /Socket timed out/});
});

test('job ids from sbatch and from the store; exit file and time helpers', t => {
	t.is(parseSubmittedJobId('42\n'), '42');
	t.is(parseSubmittedJobId('42;cluster\n'), '42');
	t.is(parseSubmittedJobId('Submitted batch job 42'), null);
	t.throws(() => checkJobId('42; rm -rf ~'));
	t.is(parseExitFile('143\n'), 143);
	t.is(parseExitFile(''), null);
	t.is(parseExitFile('x'), null);
	t.is(secondsBetween('2026-12-02T12:17:09', '2026-12-02T12:18:10'), 61);
	t.is(secondsBetween('2026-12-02T12:17:09', 'Unknown'), null);
});

test('status text of a job and the GPUs of a partition\'s nodes, idle or allocated', t => {
	t.is(jobStateText('PENDING', 'Resources'), 'pending (Resources)');
	t.is(jobStateText('RUNNING', 'None'), 'running');
	const nodes = [
		{node: 'n1', state: 'MIXED', partitions: ['gpu'], total: 2, allocated: 1, allocatedIndexes: [1]},
		{node: 'n2', state: 'IDLE', partitions: ['cpu'], total: 0, allocated: 0, allocatedIndexes: []},
		{node: 'n3', state: 'ALLOCATED', partitions: ['gpu', 'long'], total: 1, allocated: null, allocatedIndexes: null},
	];
	t.deepEqual(gpusOfNodes(nodes, 'gpu').map(gpu => `${gpu.index}:${gpu.name}`), ['0:n1 gpu 0 idle', '1:n1 gpu 1 allocated', '2:n3 gpu 0']);
	t.deepEqual(gpusOfNodes(nodes, 'long').map(gpu => gpu.name), ['n3 gpu 0']);
	t.is(gpusOfNodes(nodes, '').length, 3);
});
