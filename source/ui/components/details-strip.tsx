/* @jsxRuntime automatic @jsxImportSource react */
// Under the panes: the selected run's weights, parameters, duration, where it runs (or why it
// waits), its sweep, output path or failure.
import {Box} from 'ink';
import {Text} from './text.js';
import {memo} from 'react';
import {isActive} from '../../domain/model.js';
import {batchLabel} from '../../domain/batch.js';
import {ratingStars} from '../../domain/rating.js';
import {formatDate, formatDuration, STATUS_COLORS} from '../../format/format.js';
import type {QueueEntry} from '../../service/queue.js';
import type {RunRow} from '../data/live-data.js';
import {runDuration} from '../state/eta.js';
import {sweepRow, type RunItem} from '../state/run-items.js';
import {fitSegments, parametersText, placementText, plain, weightsText, type Segment} from '../state/run-summary.js';
import {Segments} from './segments.js';

/** `sweep`: the sweep row selected in the runs pane; `note`: what to say with no run selected. */
type Props = {
	run: RunRow | null;
	logPath: string | null;
	width: number;
	height: number;
	now: number;
	entry: QueueEntry | null;
	sweep?: RunItem | null;
	note?: string | null;
};

export const DetailsStrip = memo(function DetailsStrip({run, logPath, width, height, now, entry, sweep, note}: Props) {
	if (!run && sweep?.kind === 'sweep') {
		return (
			<Box height={height} flexDirection="column">
				<Segments segments={fitSegments(sweepRow(sweep), width)} />
				<Text dimColor wrap="truncate">
					{`prompt ${plain(sweep.runs[0]?.promptName ?? '-')}${sweep.sweep?.base_run_id ? ` · varies ${sweep.sweep.base_run_id}` : ' · varies the defaults'} · Enter folds or unfolds it; select one of its runs for the run keys`}
				</Text>
			</Box>
		);
	}
	if (!run) {
		return (
			<Box height={height} flexDirection="column">
				<Text dimColor wrap="truncate">{note ?? 'No run selected. r runs the selected prompt; ? lists every key.'}</Text>
			</Box>
		);
	}
	const lines = detailLines(run, logPath, now, entry).slice(0, height);
	return (
		<Box height={height} flexDirection="column">
			{lines.map((segments, i) => (
				<Segments key={i} segments={fitSegments(segments, width)} />
			))}
		</Box>
	);
});

/** `entry`: the run's place in the queue while it is queued. */
export function detailLines(run: RunRow, logPath: string | null, now: number, entry: QueueEntry | null = null): Segment[][] {
	const duration = isActive(run.status) ? (run.started_at ? (now - Date.parse(run.started_at)) / 1000 : null) : runDuration(run);
	const first: Segment[] = [
		{text: `${run.id} `, bold: true},
		{text: run.status, color: STATUS_COLORS[run.status]},
		...(run.stalled ? [{text: ' stalled', color: 'yellow' as const, bold: true}] : []),
		...(run.cancel_requested_at && isActive(run.status) ? [{text: ' cancelling', color: 'yellow' as const}] : []),
		{text: ` · ${formatDuration(duration)} · created ${formatDate(run.created_at)} · prompt ${plain(run.promptName)}`},
	];
	if (run.parent_run_id) first.push({text: ` · ${run.upscale ? '4K upscale' : 'rerun'} of ${run.parent_run_id}`, dim: true});
	if (run.sweep_id) first.push({text: ` · sweep ${run.sweep_id}`, dim: true});
	if (run.batch) first.push({text: ` · ${batchLabel(run.batch)}`, dim: true});
	if (run.rating != null) first.push({text: ` · ${ratingStars(run.rating)}`, color: 'yellow'});
	if (run.note) first.push({text: ` · note: ${plain(run.note)}`, dim: true});
	const second: Segment[] = [{text: 'weights ', dim: true}, {text: weightsText(run)}, {text: '  ', dim: true}, {text: parametersText(run), dim: true}];
	let third: Segment[];
	if (run.status === 'failed') {
		third = [{text: `${run.failure_kind ?? 'failed'}: `, color: 'red', bold: true}, {text: plain(run.error_message ?? 'see the log')}];
	} else if (run.enhance && run.status === 'success') {
		third = [{text: 'new prompt ', dim: true}, {text: run.enhance.prompt_id ?? '-'}, {text: `  ${plain(run.upsampled_prompt ?? '')}`, dim: true}];
	} else if (run.outputs.video) {
		third = [{text: 'output ', dim: true}, {text: run.outputs.video}, {text: '  (o opens it)', dim: true}];
	} else if (run.status === 'cancelled') {
		third = [{text: plain(run.error_message ?? 'cancelled'), dim: true}];
	} else if (run.status === 'queued') {
		const where = `${run.parameters.num_gpus} GPU(s) on ${run.host ?? 'any host'}`;
		third = entry
			? [{text: `#${entry.position} in the queue `, color: 'yellow'}, {text: `· ${where} · ${plain(entry.reason)}`, dim: true}]
			: [{text: `queued for ${where}`, dim: true}];
	} else {
		third = [...(run.placement ? [{text: `${placementText(run)}  `, color: 'cyan' as const}] : []), {text: 'log ', dim: true}, {text: logPath ?? '-'}];
	}
	return [first, second, third];
}
