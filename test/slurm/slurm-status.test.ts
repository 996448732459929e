// A Slurm host's status from Slurm's own output (captured from the test cluster, Slurm 22.05:
// fixtures/slurm-parse/): partitions from scontrol show partition, the GPU nodes with Slurm's
// allocation, this user's cosmos-tui jobs with their reason, and each part failing on its own.
import {readFileSync} from 'node:fs';
import test from 'ava';
import type {ExecResult, HostShell} from '../../source/executor/host-shell.js';
import {parseNodeGpus, parsePartitions, parseSqueue} from '../../source/executor/slurm/slurm-parse.js';
import {SHOW_NODES_ARGS, SHOW_PARTITIONS_ARGS, SINFO_VERSION_ARGS, SQUEUE_MINE_ARGS, clusterOf, slurmStatus} from '../../source/executor/slurm/slurm-status.js';

const fixture = (name: string) => readFileSync(new URL(`fixtures/slurm-parse/${name}.txt`, import.meta.url), 'utf8');

test('parsePartitions reads name, state, node count and the default mark of scontrol show partition -o', t => {
	t.deepEqual(parsePartitions(fixture('partition')), [{name: 'gpu', state: 'UP', nodes: 1, default: true}]);
	// A second, non-default partition that is down: the same line with other values.
	const batch = fixture('partition').replace('PartitionName=gpu', 'PartitionName=batch').replace('Default=YES', 'Default=NO').replace('State=UP', 'State=DOWN').replace('TotalNodes=1', 'TotalNodes=12');
	t.deepEqual(parsePartitions(`${fixture('partition')}${batch}`).map(partition => `${partition.name} ${partition.state} ${partition.nodes} ${partition.default}`), ['gpu UP 1 true', 'batch DOWN 12 false']);
	t.deepEqual(parsePartitions('No partitions in the system\n'), []);
});

test('clusterOf: partitions, the GPU nodes of the partition with their allocation, our jobs with a reason or null', t => {
	const cluster = clusterOf(parsePartitions(fixture('partition')), parseNodeGpus(fixture('node-busy-detail')), parseSqueue(fixture('squeue-mine')), 'gpu');
	t.deepEqual(cluster, {
		partitions: [{name: 'gpu', state: 'UP', nodes: 1, default: true}],
		nodes: [{name: 'vm', partitions: ['gpu'], state: 'MIXED', gpus: 2, gpusAllocated: 2}],
		jobs: [
			{runId: 'rs_toomany', jobId: '4', state: 'FAILED', reason: 'BadConstraints'},
			{runId: 'rs_000000000002', jobId: '3', state: 'PENDING', reason: 'Resources'},
			{runId: 'rs_000000000000', jobId: '1', state: 'RUNNING', reason: null},
			{runId: 'rs_000000000001', jobId: '2', state: 'RUNNING', reason: null},
		],
	});
});

test('clusterOf keeps only GPU nodes of the host partition (all of them with none configured) and only cosmos-tui jobs', t => {
	const nodes = [
		{node: 'a', state: 'IDLE', partitions: ['gpu'], total: 4, allocated: 1, allocatedIndexes: [2]},
		{node: 'b', state: 'IDLE', partitions: ['batch'], total: 2, allocated: 0, allocatedIndexes: []},
		{node: 'cpu1', state: 'IDLE', partitions: ['gpu'], total: 0, allocated: 0, allocatedIndexes: []},
		{node: 'c', state: 'MIXED', partitions: ['gpu'], total: 2, allocated: null, allocatedIndexes: null},
	];
	const jobs = [
		{jobId: '7', name: 'someone-elses-job', state: 'RUNNING', reason: 'None', nodes: 'a'},
		{jobId: '8', name: 'cosmos-tui-rs_0123456789ab', state: 'PENDING', reason: 'Priority', nodes: ''},
	];
	const inGpu = clusterOf([], nodes, jobs, 'gpu');
	t.deepEqual(inGpu.nodes.map(node => `${node.name} ${node.gpusAllocated}/${node.gpus}`), ['a 1/4', 'c 0/2']);
	t.deepEqual(inGpu.jobs, [{runId: 'rs_0123456789ab', jobId: '8', state: 'PENDING', reason: 'Priority'}]);
	t.deepEqual(clusterOf([], nodes, jobs, '').nodes.map(node => node.name), ['a', 'b', 'c']);
	t.deepEqual(clusterOf([], nodes, jobs, 'batch,gpu').nodes.map(node => node.name), ['a', 'b', 'c'], 'a comma list of partitions');
});

/** Answers each Slurm command with a fixture (or an exit code); nothing else is used by slurmStatus. */
class ScriptedShell implements HostShell {
	readonly description = 'scripted';
	constructor(private readonly answers: Map<string, ExecResult>) {}
	async exec(argv: readonly string[]): Promise<ExecResult> {
		return this.answers.get(argv.join(' ')) ?? {code: 127, stdout: '', stderr: `${argv[0]}: not found`};
	}
	home = unused;
	stat = unused;
	readdir = unused;
	mkdirp = unused;
	putFile = unused;
	writeFile = unused;
	readFile = unused;
	getFile = unused;
	rename = unused;
	remove = unused;
	close = unused;
}
async function unused(): Promise<never> {
	throw new Error('not used by slurmStatus');
}

const ok = (stdout: string): ExecResult => ({code: 0, stdout, stderr: ''});

test('slurmStatus fills cluster from the four commands; a failing scontrol show partition is a note, the rest still there', async t => {
	const answers = new Map([
		[SINFO_VERSION_ARGS.join(' '), ok(fixture('sinfo-version'))],
		[SHOW_NODES_ARGS.join(' '), ok(fixture('node-idle-detail'))],
		[SQUEUE_MINE_ARGS.join(' '), ok(fixture('squeue-pending'))],
		[SHOW_PARTITIONS_ARGS.join(' '), ok(fixture('partition'))],
	]);
	const status = await slurmStatus(new ScriptedShell(answers), 'gpu', 'login');
	t.true(status.connected);
	t.is(status.error, undefined);
	t.deepEqual(status.cluster?.partitions, [{name: 'gpu', state: 'UP', nodes: 1, default: true}]);
	t.deepEqual(status.cluster?.nodes, [{name: 'vm', partitions: ['gpu'], state: 'IDLE', gpus: 2, gpusAllocated: 0}]);
	t.deepEqual(status.cluster?.jobs.map(job => `${job.runId} ${job.state} ${job.reason}`), [
		'r-pending PENDING Resources',
		'r-fail PENDING Priority',
		'r-done PENDING Priority',
		'r-timeout RUNNING null',
		'r-cancel RUNNING null',
	]);

	answers.set(SHOW_PARTITIONS_ARGS.join(' '), {code: 1, stdout: '', stderr: 'slurm_load_partitions error: Unable to contact slurm controller'});
	const partial = await slurmStatus(new ScriptedShell(answers), 'gpu', 'login');
	t.deepEqual(partial.cluster?.partitions, []);
	t.is(partial.cluster?.nodes.length, 1);
	t.regex(partial.error ?? '', /scontrol show partition: slurm_load_partitions error/);
});
