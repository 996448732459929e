/* @jsxRuntime automatic @jsxImportSource react */
// The top line: each GPU host with its connection and its GPUs (the run on each, or free/busy),
// then run counts by status. When that does not fit, each host shows only how many GPUs are free.
// A Slurm host shows Slurm's count instead: "cluster ● 1/2 GPUs busy · 1 queued".
import {memo} from 'react';
import {RUN_STATUSES, type RunStatus} from '../../domain/model.js';
import {STATUS_COLORS} from '../../format/format.js';
import {clusterUse} from '../../format/slurm-cluster.js';
import type {GpuSlot, HostQueueView} from '../../service/queue.js';
import type {HostConnection, QueueSnapshot} from '../data/queue-watch.js';
import {shortId} from '../state/queue-items.js';
import {fitSegments, plain, STATUS_ICONS, type Segment} from '../state/run-summary.js';
import {Segments} from './segments.js';

type Props = {queue: QueueSnapshot; counts: Readonly<Record<RunStatus, number>> | null; width: number};

const COUNT_LABELS: Record<RunStatus, string> = {queued: 'queued', launching: 'launching', running: 'running', success: 'ok', failed: 'failed', cancelled: 'cancelled'};

const textLength = (segments: readonly Segment[]) => segments.reduce((sum, segment) => sum + [...segment.text].length, 0);

export const Header = memo(function Header({queue, counts, width}: Props) {
	const tail: Segment[] = [{text: '  │ '}, ...countSegments(counts)];
	const line = (compact: boolean): Segment[] => [{text: 'cosmos-tui ', bold: true}, ...hostsSegments(queue, compact), ...tail];
	const full = line(false);
	return <Segments segments={fitSegments(textLength(full) <= width ? full : line(true), width)} />;
});

export function countSegments(counts: Readonly<Record<RunStatus, number>> | null): Segment[] {
	return RUN_STATUSES.map(status => {
		const count = counts?.[status] ?? null;
		return {text: `${STATUS_ICONS[status]}${count ?? '…'} ${COUNT_LABELS[status]}  `, color: count ? STATUS_COLORS[status] : undefined, dim: !count};
	});
}

/** Every host: "gpu-1 ● 0:rs_1a2b3c 1:free", or with `compact` "gpu-1 ● 1/2 free". */
export function hostsSegments(queue: QueueSnapshot, compact: boolean): Segment[] {
	if (queue.noHost) return [{text: plain(queue.noHost), color: 'yellow'}];
	const views = new Map((queue.view?.hosts ?? []).map(host => [host.name, host]));
	const names = [...new Set([...views.keys(), ...Object.keys(queue.connections)])];
	if (names.length === 0) return [{text: '◌ reading the hosts...', color: 'yellow'}];
	return names.flatMap((name, index) => [
		...(index > 0 ? [{text: '  '}] : []),
		...hostSegments(name, views.get(name) ?? null, queue.connections[name] ?? {kind: 'checking'}, compact),
	]);
}

function hostSegments(name: string, view: HostQueueView | null, connection: HostConnection, compact: boolean): Segment[] {
	const segments: Segment[] = [{text: `${plain(name)} `, bold: true}, ...connectionSegments(connection)];
	if (view?.paused) segments.push({text: ' paused', color: 'yellow'});
	if (connection.kind === 'connected' && connection.cluster) {
		// Slurm places the jobs: its allocation is the truth, not the store's GPU slots.
		const {busy, total, queued} = clusterUse(connection.cluster);
		segments.push({text: ` ${busy}/${total} GPUs busy`, color: busy < total ? 'green' : undefined});
		if (queued > 0 && !compact) segments.push({text: ` · ${queued} queued`, color: 'yellow'});
	} else if (view?.gpus) {
		if (compact) segments.push({text: ` ${view.free}/${view.gpus.length} free`, color: view.free > 0 ? 'green' : undefined});
		else for (const gpu of view.gpus) segments.push(...gpuSegments(gpu));
	} else if (connection.kind === 'connected' && connection.gpus.length > 0) {
		// The store has no reading yet (no run went there): what nvidia-smi said just now.
		if (compact) segments.push({text: ` ${connection.gpus.length} GPUs`});
		else for (const gpu of connection.gpus) segments.push({text: ` ${gpu.index}:${gpu.utilizationPercent === null ? '?' : `${gpu.utilizationPercent}%`}`, dim: true});
	} else if (view) {
		segments.push({text: ` GPUs ?${view.problem && !compact ? ` (${plain(view.problem)})` : ''}`, color: 'yellow'});
	}
	return segments;
}

function connectionSegments(connection: HostConnection): Segment[] {
	switch (connection.kind) {
		case 'checking':
			return [{text: '◌', color: 'yellow'}];
		case 'error':
			return [{text: `✖ ${plain(connection.message)}${connection.unknownKey ? ' (R: trust it?)' : ''}`, color: 'red'}];
		case 'connected':
			return [
				{text: '●', color: 'green'},
				...(connection.dockerProblem ? [{text: ` ${connection.cluster ? 'slurm' : 'docker'}: ${plain(connection.dockerProblem)}`, color: 'red' as const}] : []),
			];
	}
}

function gpuSegments(gpu: GpuSlot): Segment[] {
	if (gpu.run_id) return [{text: ` ${gpu.index}:`, dim: true}, {text: shortId(gpu.run_id), color: 'cyan'}];
	if (gpu.busy) return [{text: ` ${gpu.index}:`, dim: true}, {text: 'busy', color: 'yellow'}];
	return [{text: ` ${gpu.index}:`, dim: true}, {text: 'free', color: 'green'}];
}
