// `cosmos-tui status` (text and --json) and `list runs` against the real single-machine Slurm
// (startSlurmSandbox): the partition, the node's GPUs idle and allocated from Slurm itself, our
// jobs with state and reason, and a run Slurm holds back shown as "queued on cluster: <reason>".
import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {canRunSlurm, pollUntil} from '../helpers/slurm-cluster.js';
import {slurmCli} from '../helpers/slurm-cli.js';

const serial = canRunSlurm() ? test.serial : test.serial.skip;
const cli = slurmCli('cosmos-slurm-status-');
const {run} = cli;
type Cluster = {
	partitions: Array<{name: string; state: string; nodes: number; default: boolean}>;
	nodes: Array<{name: string; partitions: string[]; state: string; gpus: number; gpusAllocated: number}>;
	jobs: Array<{runId: string; jobId: string; state: string; reason: string | null}>;
};
const statusJson = async () => {
	const result = await run('status', '--json');
	return JSON.parse(result.stdout) as {connected: boolean; docker: {ok: boolean; detail: string}; cluster?: Cluster};
};
type RunJson = {id: string; status: string; progress: {message: string} | null};
const show = async (id: string) => (JSON.parse((await run('show', id, '--json')).stdout) as {run: RunJson}).run;

serial('status of an idle cluster: the partition, the node with GPUs 0 of 2 allocated, no jobs; --json carries cluster', async t => {
	const text = await run('status');
	t.is(text.code, 0, text.stderr);
	t.regex(text.stdout, /^slurm +ok \(slurm \d+\.\d+/m);
	t.regex(text.stdout, new RegExp(`^partition +${cli.slurm.cluster.partition} \\(default\\) up, 1 node$`, 'm'));
	t.regex(text.stdout, new RegExp(`^node +${cli.slurm.cluster.nodeName} +idle +GPUs 0 of 2 allocated$`, 'm'));
	t.regex(text.stdout, /^jobs +no cosmos-tui jobs$/m);

	const json = await statusJson();
	t.true(json.connected && json.docker.ok);
	t.deepEqual(json.cluster, {
		partitions: [{name: cli.slurm.cluster.partition, state: 'UP', nodes: 1, default: true}],
		nodes: [{name: cli.slurm.cluster.nodeName, partitions: [cli.slurm.cluster.partition], state: 'IDLE', gpus: 2, gpusAllocated: 0}],
		jobs: [],
	});
});

serial('three one-GPU runs on two GPUs: status shows GPUs 2 of 2 allocated and the pending job with its reason; list runs says why it waits', async t => {
	await writeFile(path.join(cli.slurm.sandbox.remoteDir, 'cosmos-sim.json'), JSON.stringify({mode: 'slow', seconds: 60, clips: 2}));
	const ids: string[] = [];
	for (const text of ['one', 'two', 'three']) {
		const submitted = await run('run', `A slow ${text}`, cli.inputs, '--detach');
		t.is(submitted.code, 0, submitted.stderr);
		ids.push(submitted.stdout.trim());
	}
	// Slurm's own answer first: both GPUs allocated, our three jobs, one PENDING with its reason. (A job
	// can be pending for a moment before the scheduler's first pass starts it: which one waits is
	// known only once two run.)
	const cluster = await pollUntil(async () => {
		const json = await statusJson();
		const {cluster: state} = json;
		return state?.nodes[0]?.gpusAllocated === 2 && state.jobs.length === 3 && state.jobs.filter(job => job.state === 'RUNNING').length === 2 ? state : undefined;
	}, 60_000, 'both GPUs allocated, two jobs running and a third');
	t.deepEqual(cluster.jobs.map(job => job.runId).sort(), [...ids].sort());
	const pending = cluster.jobs.find(job => job.state !== 'RUNNING')!;
	t.is(pending.state, 'PENDING');
	t.regex(pending.reason ?? '', /^(Resources|Priority)$/);
	// The run of that job says why it waits, from Slurm's reason.
	const waiting = await pollUntil(async () => {
		const candidate = await show(pending.runId);
		return candidate.status === 'running' && candidate.progress?.message.startsWith('queued on cluster: ') ? candidate : undefined;
	}, 60_000, 'the pending job\'s run queued on the cluster');
	t.regex(waiting.progress!.message, /^queued on cluster: (Resources|Priority)/);
	t.regex(pending.jobId, /^\d+$/);

	const text = await run('status');
	t.regex(text.stdout, new RegExp(`^node +${cli.slurm.cluster.nodeName} +(mixed|allocated) +GPUs 2 of 2 allocated$`, 'm'));
	t.regex(text.stdout, new RegExp(`^job +${waiting.id} +job ${pending.jobId} +pending: (Resources|Priority)$`, 'm'));
	t.regex(text.stdout, new RegExp(`^job +${ids.find(id => id !== waiting.id)} +job \\d+ +(running|pending: \\w+)`, 'm'));

	const list = await run('list', 'runs');
	t.is(list.code, 0, list.stderr);
	// Slurm may change a pending job's reason between two looks (Priority, then Resources).
	t.regex(list.stdout, new RegExp(`${waiting.id} +running \\(queued on cluster: (Resources|Priority)\\)`));

	for (const id of ids) t.is((await run('cancel', id)).code, 0);
	for (const id of ids) await pollUntil(async () => ((await show(id)).status === 'cancelled' ? true : undefined), 60_000, `${id} cancelled`);
});
