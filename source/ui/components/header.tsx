/* @jsxRuntime automatic @jsxImportSource react */
// The top line: the host and its connection state, GPU use when known, run counts by status.
import {memo} from 'react';
import {RUN_STATUSES, type RunStatus} from '../../domain/model.js';
import {STATUS_COLORS} from '../../format/format.js';
import type {HostState} from '../data/live-data.js';
import {fitSegments, plain, STATUS_ICONS, type Segment} from '../state/run-summary.js';
import {Segments} from './segments.js';

type Props = {hostLabel: string; host: HostState; counts: Readonly<Record<RunStatus, number>> | null; width: number};

const COUNT_LABELS: Record<RunStatus, string> = {running: 'running', pending: 'pending', success: 'ok', failed: 'failed', cancelled: 'cancelled'};

export const Header = memo(function Header({hostLabel, host, counts, width}: Props) {
	const segments: Segment[] = [{text: 'cosmos-tui ', bold: true}, ...hostSegments(hostLabel, host), {text: '  │ '}];
	for (const status of ['running', 'pending', ...RUN_STATUSES.filter(s => s !== 'running' && s !== 'pending')] as RunStatus[]) {
		const count = counts?.[status] ?? null;
		segments.push({text: `${STATUS_ICONS[status]} ${count ?? '…'} ${COUNT_LABELS[status]}  `, color: count ? STATUS_COLORS[status] : undefined, dim: !count});
	}
	return <Segments segments={fitSegments(segments, width)} />;
});

export function hostSegments(label: string, host: HostState): Segment[] {
	switch (host.kind) {
		case 'none':
			return [{text: 'no GPU host configured', color: 'yellow'}];
		case 'checking':
			return [{text: `${label} `}, {text: '◌ connecting...', color: 'yellow'}];
		case 'error':
			return [{text: `${label} `}, {text: `✖ ${plain(host.message)}`, color: 'red'}];
		case 'connected': {
			const gpus = host.status.gpus;
			const segments: Segment[] = [{text: `${label} `}, {text: '● connected', color: 'green'}];
			if (!host.status.docker.ok) segments.push({text: ` docker: ${plain(host.status.docker.detail)}`, color: 'red'});
			for (const gpu of gpus.slice(0, 4)) {
				// nvidia-smi says [N/A] for what a GPU cannot measure (null here): show "?".
				const gib = (mib: number | null) => (mib === null ? '?' : (mib / 1024).toFixed(0));
				const use = gpu.utilizationPercent === null ? '?' : `${gpu.utilizationPercent}%`;
				segments.push({text: `  GPU${gpu.index} ${use} ${gib(gpu.memoryUsedMiB)}/${gib(gpu.memoryTotalMiB)}G`, color: (gpu.utilizationPercent ?? 0) > 0 ? 'cyan' : undefined});
			}
			if (gpus.length > 4) segments.push({text: ` +${gpus.length - 4} GPUs`, dim: true});
			return segments;
		}
	}
}
