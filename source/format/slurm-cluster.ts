// How a Slurm host's cluster reads in `status`, the header and the queue view, and why a run waits
// in Slurm's queue. Pure text from plain data (the executor's HostStatus['cluster'] fits these
// shapes); callers pass what came from the host through the sanitizer.
import type {Run} from '../domain/model.js';

type NodeUse = {gpus: number; gpusAllocated: number};
type JobState = {state: string};
type ClusterUse = {nodes: readonly NodeUse[]; jobs: readonly JobState[]};
type PartitionInfo = {name: string; state: string; nodes: number; default: boolean};

/** GPUs allocated and in all over the nodes, and how many of our jobs Slurm still holds back. */
export function clusterUse(cluster: ClusterUse): {busy: number; total: number; queued: number} {
	return {
		busy: cluster.nodes.reduce((sum, node) => sum + node.gpusAllocated, 0),
		total: cluster.nodes.reduce((sum, node) => sum + node.gpus, 0),
		queued: cluster.jobs.filter(job => job.state === 'PENDING').length,
	};
}

/** "1/2 GPUs busy · 1 queued" ("· n queued" only when some wait). */
export function clusterUseText(cluster: ClusterUse): string {
	const {busy, total, queued} = clusterUse(cluster);
	return `${busy}/${total} GPUs busy${queued > 0 ? ` · ${queued} queued` : ''}`;
}

/** "GPUs 1 of 2 allocated". */
export function nodeGpuText(node: NodeUse): string {
	return `GPUs ${node.gpusAllocated} of ${node.gpus} allocated`;
}

/** "gpu (default) up, 1 node". */
export function partitionText(partition: PartitionInfo): string {
	const nodes = `${partition.nodes} node${partition.nodes === 1 ? '' : 's'}`;
	return `${partition.name}${partition.default ? ' (default)' : ''} ${partition.state.toLowerCase()}, ${nodes}`;
}

/** "pending: Resources", "running", "failed: NonZeroExitCode". */
export function jobText(job: {state: string; reason: string | null}): string {
	return `${job.state.toLowerCase()}${job.reason ? `: ${job.reason}` : ''}`;
}

/** What the Slurm executor's progress message says while the job is PENDING (slurm-executor.ts). */
export const CLUSTER_WAIT_PREFIX = 'queued on cluster: ';

/**
 * "Resources" for a running run whose Slurm job still waits in the queue (its progress is
 * stage 'starting' with "queued on cluster: Resources"), else null.
 */
export function clusterWaitReason(run: Pick<Run, 'status' | 'progress'>): string | null {
	const progress = run.progress;
	if (run.status !== 'running' || progress?.stage !== 'starting' || !progress.message.startsWith(CLUSTER_WAIT_PREFIX)) return null;
	return progress.message.slice(CLUSTER_WAIT_PREFIX.length).trim() || null;
}
