// A Slurm host's state for `host status` and the UI: connection, Slurm's version (in HostStatus's
// `docker` field), the GPUs of the partition's nodes, idle or allocated, and this user's
// cosmos-tui jobs; `cluster` carries the same as data (partitions, nodes, jobs with their reason).
// Each part fails on its own and becomes a note, not an exception.
import {HostError} from '../../domain/errors.js';
import {runIdFromContainerName} from '../docker-command.js';
import type {GpuInfo, HostStatus} from '../executor.js';
import type {HostShell} from '../host-shell.js';
import {retryOnLoss} from '../log-follower.js';
import {UnknownHostKeyError} from '../ssh-connect.js';
import {
	type NodeGpus,
	type SlurmPartition,
	type SqueueJob,
	SQUEUE_FORMAT,
	parseNodeGpus,
	parsePartitions,
	parseSlurmVersion,
	parseSqueue,
} from './slurm-parse.js';

export type ClusterStatus = NonNullable<HostStatus['cluster']>;

/** `scontrol show node -d -o`: -d adds GresUsed, the one allocation count every cluster shows. */
export const SHOW_NODES_ARGS = ['scontrol', 'show', 'node', '-d', '-o'];
export const SINFO_VERSION_ARGS = ['sinfo', '--version'];
export const SHOW_PARTITIONS_ARGS = ['scontrol', 'show', 'partition', '-o'];
/** This user's jobs, finished ones included while Slurm lists them (as `docker ps -a` lists exited containers). */
export const SQUEUE_MINE_ARGS = ['squeue', '-h', '--me', '-t', 'all', '-o', SQUEUE_FORMAT];

/** Ids of this user's jobs with that name, finished ones included while Slurm lists them. */
export function squeueJobIdsArgs(jobName: string): string[] {
	return ['squeue', '-h', '--me', '-t', 'all', `--name=${jobName}`, '-o', '%i'];
}

const firstLine = (text: string): string => text.trim().split('\n').find(line => line.trim() !== '')?.trim() ?? '';

/**
 * One GpuInfo per GPU of the nodes in `partition` ('' = every node with GPUs), numbered across
 * nodes; the name says the node and whether Slurm has given the GPU to a job. Slurm knows nothing
 * of memory, load or temperature: those stay null.
 */
export function gpusOfNodes(nodes: readonly NodeGpus[], partition: string): GpuInfo[] {
	const gpus: GpuInfo[] = [];
	for (const node of nodes) {
		if (partition !== '' && !node.partitions.includes(partition)) continue;
		for (let index = 0; index < node.total; index++) {
			const allocated = node.allocatedIndexes ? node.allocatedIndexes.includes(index) : node.allocated === null ? null : index < node.allocated;
			const use = allocated === null ? '' : allocated ? ' allocated' : ' idle';
			gpus.push({index: gpus.length, name: `${node.node} gpu ${index}${use}`, memoryUsedMiB: null, memoryTotalMiB: null, utilizationPercent: null, temperatureC: null});
		}
	}
	return gpus;
}

export async function slurmGpus(shell: HostShell, partition: string, description: string): Promise<GpuInfo[]> {
	const result = await retryOnLoss(() => shell.exec(SHOW_NODES_ARGS));
	if (result.code !== 0) throw new HostError(`scontrol show node failed on ${description}: ${firstLine(result.stderr) || firstLine(result.stdout) || `exit ${result.code}`}`);
	return gpusOfNodes(parseNodeGpus(result.stdout), partition);
}

/**
 * The `cluster` block: every partition, the nodes of `partition` ('' = every node; a comma list:
 * any of them) that have GPUs, with how many Slurm has allocated, and this user's cosmos-tui jobs
 * (other jobs are not ours).
 */
export function clusterOf(partitions: readonly SlurmPartition[], nodes: readonly NodeGpus[], jobs: readonly SqueueJob[], partition: string): ClusterStatus {
	// The host's partition may be a comma list (the job starts in whichever frees up first).
	const wanted = partition.split(',').map(name => name.trim()).filter(Boolean);
	return {
		partitions: partitions.map(({name, state, nodes: count, default: isDefault}) => ({name, state, nodes: count, default: isDefault})),
		nodes: nodes
			.filter(node => node.total > 0 && (wanted.length === 0 || wanted.some(name => node.partitions.includes(name))))
			// GresUsed is always there with -d; a cluster that shows no allocation at all counts none.
			.map(node => ({name: node.node, partitions: node.partitions, state: node.state, gpus: node.total, gpusAllocated: node.allocated ?? 0})),
		jobs: jobs.flatMap(job => {
			const runId = runIdFromContainerName(job.name);
			return runId === null ? [] : [{runId, jobId: job.jobId, state: job.state, reason: job.reason === '' || job.reason === 'None' ? null : job.reason}];
		}),
	};
}

/** A job's state for the status list: "running", "completed", or "pending (Resources)". */
export function jobStateText(state: string, reason: string): string {
	const word = state.toLowerCase();
	return word === 'pending' && reason !== '' && reason !== 'None' ? `${word} (${reason})` : word;
}

export async function slurmStatus(shell: HostShell, partition: string, host: string): Promise<HostStatus> {
	const status: HostStatus = {host, connected: false, docker: {ok: false, detail: 'not connected'}, gpus: [], containers: []};
	const [version, nodes, queue, partitions] = await Promise.allSettled([
		shell.exec(SINFO_VERSION_ARGS),
		shell.exec(SHOW_NODES_ARGS),
		shell.exec(SQUEUE_MINE_ARGS),
		shell.exec(SHOW_PARTITIONS_ARGS),
	]);
	// exec only rejects when the command could not be run at all: no connection (or a refused one).
	if (version.status === 'rejected' && nodes.status === 'rejected' && queue.status === 'rejected' && partitions.status === 'rejected') {
		status.error = (version.reason as Error).message;
		if (version.reason instanceof UnknownHostKeyError) status.unknownHostKey = version.reason.key;
		return status;
	}
	status.connected = true;
	const problems: string[] = [];
	const detailOf = (settled: PromiseSettledResult<{code: number | null; stdout: string; stderr: string}>): string =>
		settled.status === 'fulfilled' ? firstLine(settled.value.stderr) || firstLine(settled.value.stdout) || `exit ${settled.value.code}` : (settled.reason as Error).message;
	const slurmVersion = version.status === 'fulfilled' && version.value.code === 0 ? parseSlurmVersion(version.value.stdout) : null;
	if (slurmVersion) {
		status.docker = {ok: true, detail: `slurm ${slurmVersion}`};
	} else {
		status.docker = {ok: false, detail: detailOf(version)};
		problems.push(`sinfo: ${status.docker.detail}`);
	}
	let nodeGpus: NodeGpus[] = [];
	if (nodes.status === 'fulfilled' && nodes.value.code === 0) {
		nodeGpus = parseNodeGpus(nodes.value.stdout);
		status.gpus = gpusOfNodes(nodeGpus, partition);
		if (status.gpus.length === 0) problems.push(partition ? `no GPU in partition ${partition}` : 'no node with GPUs');
	} else {
		problems.push(`scontrol show node: ${detailOf(nodes)}`);
	}
	let jobs: SqueueJob[] = [];
	if (queue.status === 'fulfilled' && queue.value.code === 0) {
		jobs = parseSqueue(queue.value.stdout);
		status.containers = jobs.flatMap(job => {
			const runId = runIdFromContainerName(job.name);
			return runId === null ? [] : [{runId, name: `${job.name} (job ${job.jobId})`, state: jobStateText(job.state, job.reason)}];
		});
	} else {
		problems.push(`squeue: ${detailOf(queue)}`);
	}
	let slurmPartitions: SlurmPartition[] = [];
	if (partitions.status === 'fulfilled' && partitions.value.code === 0) slurmPartitions = parsePartitions(partitions.value.stdout);
	else problems.push(`scontrol show partition: ${detailOf(partitions)}`);
	status.cluster = clusterOf(slurmPartitions, nodeGpus, jobs, partition);
	if (problems.length > 0) status.error = problems.join('; ');
	return status;
}
