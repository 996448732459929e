/* @jsxRuntime automatic @jsxImportSource react */
// The queue view (4): the hosts with their GPUs, the runs launching or running, then the queued
// runs in order with the host and GPUs they want, when they should start and why they wait.
// Rows are windowed here (section titles included) so the selected row stays on screen.
import {Box} from 'ink';
import {batchLabel} from '../../domain/batch.js';
import {Text} from './text.js';
import {memo, useRef} from 'react';
import {STATUS_COLORS} from '../../format/format.js';
import type {HostStatus} from '../../executor/executor.js';
import type {GpuSlot, HostQueueView} from '../../service/queue.js';
import type {HostConnection, QueueSnapshot} from '../data/queue-watch.js';
import type {DurationSample} from '../state/eta.js';
import {scrollTop} from '../state/list-selection.js';
import {startsIn} from '../../format/format.js';
import {clusterUseText, nodeGpuText, partitionText} from '../../format/slurm-cluster.js';
import {shortId, type QueueItem, type QueueSection} from '../state/queue-items.js';
import {fitSegments, placementText, plain, runProgress, STATUS_ICONS, type Segment} from '../state/run-summary.js';
import {Pane} from './pane.js';
import {Segments} from './segments.js';

type Props = {
	sections: readonly QueueSection[];
	selectedId: string | null;
	queue: QueueSnapshot;
	width: number;
	height: number;
	now: number;
	durations: readonly DurationSample[];
};

type Line = {kind: 'title'; text: string} | {kind: 'note'; text: string} | {kind: 'columns'} | {kind: 'item'; item: QueueItem};

export const QueueView = memo(function QueueView({sections, selectedId, queue, width, height, now, durations}: Props) {
	const top = useRef(0);
	const inner = width - 2;
	const rows = Math.max(1, height - 2);
	const view = queue.view;
	const worker = view === null ? '' : view.worker ? `worker pid ${view.worker.pid}` : 'no worker yet (one starts while runs wait)';
	const status = view === null ? 'reading...' : `${view.queued.length} queued · ${view.active.length} active · ${worker}`;
	const lines: Line[] = sections.flatMap(section => [
		{kind: 'title', text: section.title} satisfies Line,
		...(section.items.length === 0 ? [{kind: 'note', text: 'none'} satisfies Line] : []),
		...(section.title.startsWith('Queued') && section.items.length > 0 ? [{kind: 'columns'} satisfies Line] : []),
		...section.items.map(item => ({kind: 'item', item}) satisfies Line),
	]);
	const selectedLine = lines.findIndex(line => line.kind === 'item' && line.item.id === selectedId);
	top.current = scrollTop(Math.max(0, selectedLine), lines.length, rows, top.current);
	return (
		<Pane title="4 Queue" status={status} focused width={width} height={height}>
			{view === null ? (
				<Text dimColor>reading the queue...</Text>
			) : (
				lines.slice(top.current, top.current + rows).map((line, i) => {
					const key = `${top.current + i}`;
					if (line.kind === 'title') {
						return (
							<Text key={key} bold underline wrap="truncate">
								{line.text}
							</Text>
						);
					}
					if (line.kind !== 'item') {
						return (
							<Text key={key} dimColor wrap="truncate">
								{line.kind === 'note' ? `  ${line.text}` : QUEUED_COLUMNS}
							</Text>
						);
					}
					const selected = line.item.id === selectedId;
					return (
						<Box key={line.item.id}>
							<Segments inverse={selected} segments={fitSegments(itemSegments(line.item, queue.connections, now, durations), inner, selected)} />
						</Box>
					);
				})
			)}
		</Pane>
	);
});

const QUEUED_COLUMNS = `${'#'.padStart(3)}  ${'run'.padEnd(15)}  ${'host'.padEnd(12)}  GPUs  ${'starts'.padEnd(7)}  why it waits`;

function itemSegments(item: QueueItem, connections: QueueSnapshot['connections'], now: number, durations: readonly DurationSample[]): Segment[] {
	if (item.kind === 'host') return hostRow(item.host, connections[item.host.name]);
	const {run, entry} = item;
	const extra: Segment[] = [
		{text: `  ${plain(run.promptName)}`, dim: true},
		...(run.sweep_id ? [{text: `  ${run.sweep_id}`, dim: true}] : []),
		...(run.batch ? [{text: `  ${batchLabel(run.batch)}`, dim: true}] : []),
	];
	if (entry === null) {
		return [
			{text: `${STATUS_ICONS[run.status]} `, color: STATUS_COLORS[run.status]},
			{text: `${run.id}  `},
			{text: `${run.status.padEnd(9)}  `, color: STATUS_COLORS[run.status]},
			{text: `${placementText(run).padEnd(20)}  `, dim: true},
			...(run.status === 'running' ? runProgress(run, now, durations, 8) : [{text: run.cancel_requested_at ? 'cancelling' : (run.stage ?? '')}]),
			...extra,
		];
	}
	const gpus = run.parameters.num_gpus;
	return [
		{text: `${String(entry.position).padStart(3)}  `, bold: true},
		{text: `${run.id}  `},
		{text: `${(run.host ?? 'any host').slice(0, 12).padEnd(12)}  `, dim: run.host === null},
		{text: `${String(gpus).padStart(4)}  `},
		{text: `${startsIn(entry.expected_start, now).padEnd(7)}  `, color: 'cyan'},
		{text: run.cancel_requested_at ? 'cancelling' : plain(entry.reason), color: run.cancel_requested_at ? 'yellow' : undefined},
		...extra,
	];
}

function hostRow(host: HostQueueView, connection: HostConnection | undefined): Segment[] {
	const segments: Segment[] = [{text: `${plain(host.name).padEnd(14)} `, bold: true}];
	if (connection?.kind === 'error') segments.push({text: '✖ ', color: 'red'});
	else if (connection?.kind === 'connected') segments.push({text: '● ', color: 'green'});
	else segments.push({text: '◌ ', color: 'yellow'});
	segments.push(host.paused ? {text: 'paused ', color: 'yellow'} : {text: 'ready  ', dim: true});
	if (connection?.kind === 'connected' && connection.cluster) {
		segments.push(...clusterSegments(connection.cluster));
	} else if (host.gpus === null) {
		segments.push({text: `GPUs unknown${host.problem ? `: ${plain(host.problem)}` : ''}`, color: 'yellow'});
	} else {
		segments.push({text: `${host.free} of ${host.gpus.length} free `});
		for (const gpu of host.gpus) segments.push(...gpuSlot(gpu));
	}
	if (connection?.kind === 'error') segments.push({text: `  ${plain(connection.message)}`, color: 'red'});
	return segments;
}

/** A Slurm host: "1/2 GPUs busy · 1 queued  partition gpu (default) up, 1 node  node vm GPUs 1 of 2 allocated". */
function clusterSegments(cluster: NonNullable<HostStatus['cluster']>): Segment[] {
	return [
		{text: clusterUseText(cluster)},
		...cluster.partitions.flatMap(partition => [{text: '  partition ', dim: true}, {text: plain(partitionText(partition))}]),
		...cluster.nodes.flatMap(node => [
			{text: '  node ', dim: true},
			{text: `${plain(node.name)} `},
			{text: nodeGpuText(node), color: node.gpusAllocated < node.gpus ? ('green' as const) : ('yellow' as const)},
		]),
	];
}

function gpuSlot(gpu: GpuSlot): Segment[] {
	const label: Segment = {text: ` GPU ${gpu.index} `, dim: true};
	if (gpu.run_id) return [label, {text: shortId(gpu.run_id), color: 'cyan'}];
	if (gpu.busy) return [label, {text: `busy${gpu.memory_used_mib === null ? '' : ` (${Math.round(gpu.memory_used_mib / 1024)} GiB used)`}`, color: 'yellow'}];
	return [label, {text: 'free', color: 'green'}];
}
