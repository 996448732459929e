// logs and status: the commands that look at runs' logs and at the GPU hosts.
import {UsageError} from '../../domain/errors.js';
import type {HostReport} from '../../service/workflow-service.js';
import type {Command, Context} from '../command.js';
import {isActive} from '../../domain/model.js';
import {jobText, nodeGpuText, partitionText} from '../../format/slurm-cluster.js';
import {followRuns} from './run.js';

export const logsCommand: Command = {
	name: 'logs',
	args: '<run-id>',
	summary: "print a run's saved log; --follow keeps streaming until the run ends",
	flags: ['follow', 'tail', 'acceptNewHostKey'],
	minArgs: 1,
	maxArgs: 1,
	complete: {args: ['run-id']},
	async run(context, [id]) {
		const tail = context.flags.tail === undefined ? null : Number(context.flags.tail);
		if (tail !== null && (!Number.isInteger(tail) || tail < 0)) throw new UsageError(`--tail must be a whole number, got "${context.flags.tail}"`);
		const service = await context.service();
		const run = service.getRun(service.resolveId('runs', id!));
		const {out} = context;
		const print = (line: string) => out.line(out.remote(line));
		const follow = Boolean(context.flags.follow) && isActive(run.status);
		// The log is read in slices, never whole: --tail alone reads from the end.
		if (tail !== null && !follow) {
			for (const line of await service.readLogTail(run.id, tail)) print(line);
			return 0;
		}
		// In order; with --tail only the last lines are kept, so the count says exactly where following starts.
		const last: string[] = [];
		const saved = await service.streamLog(run.id, block => {
			// A block of lines is sanitized and written as one (newlines kept).
			if (tail === null) return print(block);
			last.push(...block.split('\n'));
			if (last.length > tail) last.splice(0, last.length - tail);
		});
		for (const line of last) print(line);
		if (!follow) return 0;
		const finished = await followRuns(context, service, [run], saved);
		return finished === null ? 130 : finished[0]?.status === 'success' ? 0 : 1;
	},
};

export const statusCommand: Command = {
	name: 'status',
	args: '',
	summary: 'each GPU host: connection, docker, GPUs, cosmos-tui containers, and runs out of step with them',
	flags: ['acceptNewHostKey', 'json'],
	minArgs: 0,
	maxArgs: 0,
	async run(context) {
		const service = await context.service();
		const reports = await service.hostReports();
		// One host: the report itself (the shape before several hosts); several: a list.
		if (context.flags.json) context.out.json(reports.length === 1 ? reports[0] : reports);
		else reports.forEach((report, index) => {
			if (index > 0) context.out.line();
			printReport(context, report);
		});
		return reports.every(report => report.connected && report.docker.ok) ? 0 : 1;
	},
};

function printReport({out}: Context, report: HostReport): void {
	const row = (label: string, text: string) => out.line(`${label.padEnd(11)}${text}`);
	row('host', `${report.name}${report.name === report.host ? '' : ` (${report.host})`} ${report.connected ? out.paint('green', 'connected') : out.paint('red', 'not connected')}`);
	if (report.error) row('error', out.paint('red', report.error));
	if (!report.connected) return;
	const cluster = report.cluster;
	row(cluster ? 'slurm' : 'docker', report.docker.ok ? `ok (${report.docker.detail})` : out.paint('red', report.docker.detail));
	if (cluster) printCluster(row, cluster);
	else printGpusAndContainers(row, report);
	const what = cluster ? 'Slurm job' : 'container';
	for (const id of report.runsWithoutContainer) {
		row('warning', out.paint('yellow', `run ${id} is running in the store but has no ${what} on the host`));
	}
	for (const c of report.containersWithoutRun) {
		row('warning', out.paint('yellow', `${what} ${c.name} (${c.state}) belongs to no run in the store`));
	}
}

type Row = (label: string, text: string) => void;

/** A Slurm host: its partitions, the GPU nodes with Slurm's allocation, and our jobs with state and reason. */
function printCluster(row: Row, cluster: NonNullable<HostReport['cluster']>): void {
	if (cluster.partitions.length === 0) row('partitions', 'none reported by scontrol');
	for (const partition of cluster.partitions) row('partition', partitionText(partition));
	if (cluster.nodes.length === 0) row('nodes', 'no node with GPUs');
	for (const node of cluster.nodes) row('node', `${node.name}  ${node.state.toLowerCase()}  ${nodeGpuText(node)}`);
	if (cluster.jobs.length === 0) row('jobs', 'no cosmos-tui jobs');
	for (const job of cluster.jobs) row('job', `${job.runId}  job ${job.jobId}  ${jobText(job)}`);
}

function printGpusAndContainers(row: Row, report: HostReport): void {
	if (report.gpus.length === 0) row('gpus', 'none reported by nvidia-smi');
	for (const gpu of report.gpus) {
		const memory = gpu.memoryUsedMiB === null || gpu.memoryTotalMiB === null ? 'memory n/a' : `${gpu.memoryUsedMiB}/${gpu.memoryTotalMiB} MiB`;
		const util = gpu.utilizationPercent === null ? 'n/a' : `${gpu.utilizationPercent}%`;
		const temp = gpu.temperatureC === null ? '' : `  ${gpu.temperatureC}°C`;
		row(`gpu ${gpu.index}`, `${gpu.name}  ${util} busy  ${memory}${temp}`);
	}
	if (report.containers.length === 0) row('containers', 'no cosmos-tui containers');
	for (const c of report.containers) row('container', `${c.name}  ${c.state}`);
}
