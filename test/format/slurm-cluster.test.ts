// How a Slurm cluster reads in status, the header and the queue view, and why a run waits on it.
import test from 'ava';
import {clusterUse, clusterUseText, clusterWaitReason, jobText, nodeGpuText, partitionText} from '../../source/format/slurm-cluster.js';

const nodes = [
	{gpus: 2, gpusAllocated: 1},
	{gpus: 4, gpusAllocated: 4},
];

test('clusterUse and clusterUseText count GPUs over the nodes and our pending jobs', t => {
	const jobs = [{state: 'PENDING'}, {state: 'RUNNING'}, {state: 'PENDING'}, {state: 'COMPLETED'}];
	t.deepEqual(clusterUse({nodes, jobs}), {busy: 5, total: 6, queued: 2});
	t.is(clusterUseText({nodes, jobs}), '5/6 GPUs busy · 2 queued');
	t.is(clusterUseText({nodes: nodes.slice(0, 1), jobs: [{state: 'RUNNING'}]}), '1/2 GPUs busy');
	t.is(clusterUseText({nodes: [], jobs: []}), '0/0 GPUs busy');
});

test('nodeGpuText, partitionText and jobText', t => {
	t.is(nodeGpuText(nodes[0]!), 'GPUs 1 of 2 allocated');
	t.is(partitionText({name: 'gpu', state: 'UP', nodes: 1, default: true}), 'gpu (default) up, 1 node');
	t.is(partitionText({name: 'batch', state: 'DRAIN', nodes: 12, default: false}), 'batch drain, 12 nodes');
	t.is(jobText({state: 'PENDING', reason: 'Resources'}), 'pending: Resources');
	t.is(jobText({state: 'RUNNING', reason: null}), 'running');
});

test('clusterWaitReason: the reason of a running run whose job Slurm still queues, else null', t => {
	const progress = (stage: 'starting' | 'diffusion', message: string) => ({stage, fraction: 0.02, message, at: '2026-12-02T12:00:00.000Z'});
	t.is(clusterWaitReason({status: 'running', progress: progress('starting', 'queued on cluster: Resources')}), 'Resources');
	t.is(clusterWaitReason({status: 'running', progress: progress('starting', 'queued on cluster: Priority')}), 'Priority');
	// The job started (a later stage), the run ended, or nothing says it waits.
	t.is(clusterWaitReason({status: 'running', progress: progress('diffusion', 'queued on cluster: Resources')}), null);
	t.is(clusterWaitReason({status: 'cancelled', progress: progress('starting', 'queued on cluster: Resources')}), null);
	t.is(clusterWaitReason({status: 'running', progress: progress('starting', 'starting the container')}), null);
	t.is(clusterWaitReason({status: 'running', progress: null}), null);
});
