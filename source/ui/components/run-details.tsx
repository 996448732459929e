/* @jsxRuntime automatic @jsxImportSource react */
// Enter on a run: everything about it, including the full prompt text, where it runs (or why it
// waits), its sweep and where its files are. Long values wrap (nothing is cut); the dialog
// scrolls when taller than the screen.
import {batchText} from '../../domain/batch.js';
import type {Sweep} from '../../domain/model.js';
import {ratingStars} from '../../domain/rating.js';
import {formatDate, formatDuration} from '../../format/format.js';
import type {QueueEntry} from '../../service/queue.js';
import type {RunRow} from '../data/live-data.js';
import {runDuration} from '../state/eta.js';
import {axesText} from '../state/run-items.js';
import {parametersText, placementText, plain, weightsText} from '../state/run-summary.js';
import {wrapText} from '../text/wrap.js';
import {dialogInnerWidth, Dialog} from './dialog.js';
import {ScrolledLines} from './scrolled-lines.js';
import {Text} from './text.js';

type Props = {
	run: RunRow | null;
	promptText: string | null;
	logPath: string;
	/** Its place in the queue while queued. */
	entry: QueueEntry | null;
	sweep: Sweep | null;
	/** The first row shown, and where the dialog says how far it can scroll. */
	scroll?: number;
	scrollMax?: {current: number};
	width: number;
	height: number;
};

const LABEL_WIDTH = 11;

export function RunDetails({run, promptText, logPath, entry, sweep, scroll = 0, scrollMax = {current: 0}, width, height}: Props) {
	if (!run) {
		return (
			<Dialog title="Run details" width={width} height={height}>
				<Text>This run is gone.</Text>
			</Dialog>
		);
	}
	const rows: Array<[string, string]> = [
		['status', `${run.status}${run.stage ? ` (${run.stage})` : ''}${run.stalled ? ' stalled: no output for a while' : ''}${run.cancel_requested_at && !run.completed_at ? ' · cancel asked' : ''}`],
		['placement', run.placement ? placementText(run).replace(/^on /, '') : `not placed yet; wants ${run.parameters.num_gpus} GPU(s) on ${run.host ?? 'any host'}`],
		['prompt', `${plain(run.promptName)} (${run.prompt_id})`],
		['text', plain(promptText ?? '')],
		['weights', weightsText(run)],
		['parameters', parametersText(run)],
		['created', formatDate(run.created_at)],
		['started', formatDate(run.started_at)],
		['finished', formatDate(run.completed_at)],
		['duration', formatDuration(runDuration(run))],
		[run.upscale ? 'upscale of' : 'rerun of', run.parent_run_id ? `${run.parent_run_id}${run.upscale ? ` (4K, weight ${run.upscale.control_weight})` : ''}` : '-'],
		['sweep', run.sweep_id ? `${run.sweep_id}${sweep ? ` · ${sweep.run_ids.length} runs · ${axesText(sweep)}` : ''}` : '-'],
		['output', run.outputs.video ?? '-'],
		['log', logPath],
		['job', run.remote ? `${run.remote.backend} ${run.remote.host} ${run.remote.job} ${run.remote.run_dir}` : '-'],
	];
	if (entry) rows.splice(2, 0, ['queue', `#${entry.position}, priority ${run.priority}: ${plain(entry.reason)}`]);
	if (run.enhance_prompt) rows.splice(4, 0, ['enhanced', plain(run.upsampled_prompt ?? 'the prompt upsampler rewrites the text first')]);
	if (run.enhance) {
		const wrote = run.upsampled_prompt ?? (run.status === 'success' ? '(no upsampled text came back)' : 'the prompt upsampler rewrites this prompt; its text becomes a new prompt, linked to this one');
		rows.splice(4, 0, ['upsampled', plain(wrote)], ['new prompt', run.enhance.prompt_id ?? '-']);
	}
	if (run.batch) rows.splice(rows.findIndex(([label]) => label === 'sweep') + 1, 0, ['batch', batchText(run.batch, run.id)]);
	if (run.rating != null || run.note) rows.push(['rating', `${ratingStars(run.rating) || 'not rated'}${run.note ? ` · ${plain(run.note)}` : ''}`]);
	if (run.error_message) rows.push(['error', `${run.failure_kind ? `${run.failure_kind}: ` : ''}${plain(run.error_message)}`]);
	return (
		<Dialog title={`Run ${run.id}`} width={width} height={height}>
			<ScrolledLines rows={detailRows(rows, dialogInnerWidth(width))} scroll={scroll} height={height} close="Esc closes" scrollMax={scrollMax} />
		</Dialog>
	);
}

/** Each label with its value wrapped beside it: "error      first row", "           next row". */
function detailRows(rows: ReadonlyArray<[string, string]>, width: number) {
	return rows.flatMap(([label, value]) =>
		// plain(): paths and job ids come from the store too, and go through the one sanitizer.
		wrapText(plain(value), Math.max(1, width - LABEL_WIDTH)).map((part, i) => (
			<Text key={`${label}-${i}`} wrap="truncate">
				<Text dimColor>{(i === 0 ? label : '').padEnd(LABEL_WIDTH)}</Text>
				{part}
			</Text>
		)),
	);
}
