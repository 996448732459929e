// The Slurm parsers on real output of the test cluster (Slurm 22.05, captured into
// fixtures/slurm-parse/ from startSlurmCluster(): two fake GPUs, jobs pending, running, failed,
// cancelled, timed out and node-failed). sacct has no accounting there, so its rows are sacct's
// documented -P format.
import {readFileSync} from 'node:fs';
import test from 'ava';
import {
	gpuCount,
	gpuIndexes,
	parseExitCode,
	parseNodeGpus,
	parseSacct,
	parseScontrolJob,
	parseSinfo,
	parseSlurmVersion,
	parseSqueue,
} from '../../source/executor/slurm/slurm-parse.js';

const fixture = (name: string) => readFileSync(new URL(`fixtures/slurm-parse/${name}.txt`, import.meta.url), 'utf8');

test('parseSqueue reads pending jobs with their reason (Resources, Priority) and running ones with their node', t => {
	t.deepEqual(parseSqueue(fixture('squeue-pending')), [
		{jobId: '3', name: 'cosmos-tui-r-pending', state: 'PENDING', reason: 'Resources', nodes: ''},
		{jobId: '4', name: 'cosmos-tui-r-fail', state: 'PENDING', reason: 'Priority', nodes: ''},
		{jobId: '5', name: 'cosmos-tui-r-done', state: 'PENDING', reason: 'Priority', nodes: ''},
		{jobId: '1', name: 'cosmos-tui-r-timeout', state: 'RUNNING', reason: 'None', nodes: 'vm'},
		{jobId: '2', name: 'cosmos-tui-r-cancel', state: 'RUNNING', reason: 'None', nodes: 'vm'},
	]);
	const all = parseSqueue(fixture('squeue-all'));
	t.deepEqual(all.map(job => `${job.jobId} ${job.state} ${job.reason}`), [
		'5 COMPLETED None',
		'4 FAILED NonZeroExitCode',
		'2 RUNNING None',
		'3 RUNNING None',
		'1 TIMEOUT TimeLimit',
	]);
});

test('parseSqueue keeps a "|" inside a job name and skips lines that are not jobs', t => {
	t.deepEqual(parseSqueue('12|a|b|RUNNING|None|n1\nsqueue: error: Invalid user\n\n7_3|cosmos-tui-x|PENDING|Priority|\n'), [
		{jobId: '12', name: 'a|b', state: 'RUNNING', reason: 'None', nodes: 'n1'},
		{jobId: '7_3', name: 'cosmos-tui-x', state: 'PENDING', reason: 'Priority', nodes: ''},
	]);
	t.deepEqual(parseSqueue(''), []);
});

test('parseScontrolJob: state, reason, exit code, output file and nodes of each kind of job', t => {
	const cases: Array<[string, string, string, {code: number; signal: number}, string]> = [
		['scontrol-pending-resources', 'PENDING', 'Resources', {code: 0, signal: 0}, ''],
		['scontrol-pending-priority', 'PENDING', 'Priority', {code: 0, signal: 0}, ''],
		['scontrol-running', 'RUNNING', 'None', {code: 0, signal: 0}, 'vm'],
		['scontrol-completed', 'COMPLETED', 'None', {code: 0, signal: 0}, 'vm'],
		['scontrol-failed', 'FAILED', 'NonZeroExitCode', {code: 3, signal: 0}, 'vm'],
		['scontrol-cancelled', 'CANCELLED', 'None', {code: 0, signal: 15}, 'vm'],
		['scontrol-timeout', 'TIMEOUT', 'TimeLimit', {code: 0, signal: 15}, 'vm'],
		['scontrol-nodefail', 'NODE_FAIL', 'NodeDown', {code: 0, signal: 15}, 'vm'],
	];
	for (const [name, state, reason, exitCode, nodes] of cases) {
		const job = parseScontrolJob(fixture(name));
		t.truthy(job, name);
		t.like(job, {state, reason, exitCode, nodes}, name);
		t.regex(job!.stdout, /^\/tmp\/cosmos-slurm-\w+\/work\/cosmos-tui-r-\w+\.out$/, name);
		t.regex(job!.name, /^cosmos-tui-r-/, name);
	}
	const running = parseScontrolJob(fixture('scontrol-running'))!;
	t.is(running.jobId, '2');
	t.is(running.fields['AllocNode:Sid'], 'localhost:20115');
	t.is(running.fields['TresPerNode'], 'gres:gpu:1');
});

test('parseScontrolJob: an unknown job (scontrol prints an error) or empty output is null', t => {
	t.is(parseScontrolJob(fixture('scontrol-unknown')), null);
	t.is(parseScontrolJob(''), null);
});

test('parseScontrolJob keeps a value with spaces whole, up to the next Key=', t => {
	const job = parseScontrolJob('JobId=9 JobName=x JobState=PENDING Reason=ReqNodeNotAvail, Reserved for maintenance Dependency=(null) ExitCode=0:0 NodeList=(null)\n');
	t.is(job?.reason, 'ReqNodeNotAvail, Reserved for maintenance');
	t.is(job?.nodes, '');
});

test('parseExitCode reads "code:signal" and nothing else', t => {
	t.deepEqual(parseExitCode('3:0'), {code: 3, signal: 0});
	t.deepEqual(parseExitCode('0:15'), {code: 0, signal: 15});
	t.is(parseExitCode(''), null);
	t.is(parseExitCode('3'), null);
});

test('parseSacct reads -P rows: "CANCELLED by <uid>", a truncated "+" and the exit code', t => {
	const text = '41|COMPLETED|0:0\n42|FAILED|3:0\n43|CANCELLED by 1001|0:15\n44|TIMEOUT|0:0\n45|OUT_OF_MEMORY|0:125\n46|CANCELLED+|0:15\n';
	t.deepEqual(parseSacct(text), [
		{jobId: '41', state: 'COMPLETED', exitCode: {code: 0, signal: 0}, cancelledBy: null},
		{jobId: '42', state: 'FAILED', exitCode: {code: 3, signal: 0}, cancelledBy: null},
		{jobId: '43', state: 'CANCELLED', exitCode: {code: 0, signal: 15}, cancelledBy: '1001'},
		{jobId: '44', state: 'TIMEOUT', exitCode: {code: 0, signal: 0}, cancelledBy: null},
		{jobId: '45', state: 'OUT_OF_MEMORY', exitCode: {code: 0, signal: 125}, cancelledBy: null},
		{jobId: '46', state: 'CANCELLED', exitCode: {code: 0, signal: 15}, cancelledBy: null},
	]);
	// Without accounting sacct prints an error (captured) and no row.
	t.deepEqual(parseSacct(fixture('sacct')), []);
});

test('parseSinfo: node, partition (default marked), GPUs and state', t => {
	t.deepEqual(parseSinfo(fixture('sinfo-busy')), [{node: 'vm', partition: 'gpu', defaultPartition: true, gres: 'gpu:2', gpus: 2, state: 'mixed'}]);
	t.deepEqual(parseSinfo('a100-01|batch|gpu:a100:4(S:0-1)|idle\ncpu-01|cpu|(null)|down*\n'), [
		{node: 'a100-01', partition: 'batch', defaultPartition: false, gres: 'gpu:a100:4(S:0-1)', gpus: 4, state: 'idle'},
		{node: 'cpu-01', partition: 'cpu', defaultPartition: false, gres: '(null)', gpus: 0, state: 'down*'},
	]);
});

test('gpuCount and gpuIndexes read the GRES forms', t => {
	t.is(gpuCount('gpu:2'), 2);
	t.is(gpuCount('gpu:h100:8(S:0,1)'), 8);
	t.is(gpuCount('gpu:a100:2,gpu:v100:1,shard:4'), 3);
	t.is(gpuCount('(null)'), 0);
	t.deepEqual(gpuIndexes('gpu:2(IDX:0-1)'), [0, 1]);
	t.deepEqual(gpuIndexes('gpu:h100:3(IDX:0,2-3)'), [0, 2, 3]);
	t.deepEqual(gpuIndexes('gpu:a100:0(IDX:N/A),gpu:v100:1(IDX:5)'), [5]);
	t.is(gpuIndexes('gpu:2'), null);
});

test('parseNodeGpus: GresUsed with -d, else AllocTRES (which the test cluster does not fill for GPUs)', t => {
	t.deepEqual(parseNodeGpus(fixture('node-busy-detail')), [{node: 'vm', state: 'MIXED', partitions: ['gpu'], total: 2, allocated: 2, allocatedIndexes: null}]);
	t.deepEqual(parseNodeGpus(fixture('node-busy')), [{node: 'vm', state: 'MIXED', partitions: ['gpu'], total: 2, allocated: null, allocatedIndexes: null}]);
	t.deepEqual(parseNodeGpus(fixture('node-idle')), [{node: 'vm', state: 'IDLE', partitions: ['gpu'], total: 2, allocated: null, allocatedIndexes: null}]);
	const real = 'NodeName=g1 Gres=gpu:h100:4(S:0-1) GresUsed=gpu:h100:2(IDX:1,3) State=MIXED Partitions=gpu,long AllocTRES=cpu=16,gres/gpu=2\n'
		+ 'NodeName=g2 Gres=gpu:h100:4 State=IDLE Partitions=gpu AllocTRES=cpu=4,gres/gpu=1,gres/gpu:h100=1\n';
	t.deepEqual(parseNodeGpus(real), [
		{node: 'g1', state: 'MIXED', partitions: ['gpu', 'long'], total: 4, allocated: 2, allocatedIndexes: [1, 3]},
		{node: 'g2', state: 'IDLE', partitions: ['gpu'], total: 4, allocated: 1, allocatedIndexes: null},
	]);
});

test('parseSlurmVersion reads sinfo --version', t => {
	t.is(parseSlurmVersion(fixture('sinfo-version')), '22.05.8');
	t.is(parseSlurmVersion('slurm 23.11.4\n'), '23.11.4');
	t.is(parseSlurmVersion('sinfo: command not found'), null);
});
