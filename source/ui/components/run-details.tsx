/* @jsxRuntime automatic @jsxImportSource react */
// Enter on a run: everything about it, including the full prompt text, where it runs (or why it
// waits), its sweep and where its files are.
import {Text} from 'ink';
import type {Sweep} from '../../domain/model.js';
import {formatDate, formatDuration} from '../../format/format.js';
import type {QueueEntry} from '../../service/queue.js';
import type {RunRow} from '../data/live-data.js';
import {runDuration} from '../state/eta.js';
import {axesText} from '../state/run-items.js';
import {parametersText, placementText, plain, weightsText} from '../state/run-summary.js';
import {Dialog} from './dialog.js';

type Props = {
	run: RunRow | null;
	promptText: string | null;
	logPath: string;
	/** Its place in the queue while queued. */
	entry: QueueEntry | null;
	sweep: Sweep | null;
	width: number;
	height: number;
};

export function RunDetails({run, promptText, logPath, entry, sweep, width, height}: Props) {
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
		['rerun of', run.parent_run_id ?? '-'],
		['sweep', run.sweep_id ? `${run.sweep_id}${sweep ? ` · ${sweep.run_ids.length} runs · ${axesText(sweep)}` : ''}` : '-'],
		['output', run.outputs.video ?? '-'],
		['log', logPath],
		['job', run.remote ? `${run.remote.backend} ${run.remote.host} ${run.remote.job} ${run.remote.run_dir}` : '-'],
	];
	if (entry) rows.splice(2, 0, ['queue', `#${entry.position}, priority ${run.priority}: ${plain(entry.reason)}`]);
	if (run.error_message) rows.push(['error', `${run.failure_kind ? `${run.failure_kind}: ` : ''}${plain(run.error_message)}`]);
	return (
		<Dialog title={`Run ${run.id}`} width={width} height={height}>
			{rows.slice(0, Math.max(1, height - 5)).map(([label, value]) => (
				<Text key={label} wrap="truncate">
					<Text dimColor>{label.padEnd(11)}</Text>
					{value}
				</Text>
			))}
			<Text dimColor>Esc closes</Text>
		</Dialog>
	);
}
