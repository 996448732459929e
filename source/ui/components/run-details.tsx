/* @jsxRuntime automatic @jsxImportSource react */
// Enter on a run: everything about it, including the full prompt text and where its files are.
import {Text} from 'ink';
import {formatDate, formatDuration} from '../../format/format.js';
import type {RunRow} from '../data/live-data.js';
import {runDuration} from '../state/eta.js';
import {parametersText, plain, weightsText} from '../state/run-summary.js';
import {Dialog} from './dialog.js';

type Props = {run: RunRow | null; promptText: string | null; logPath: string; width: number; height: number};

export function RunDetails({run, promptText, logPath, width, height}: Props) {
	if (!run) {
		return (
			<Dialog title="Run details" width={width} height={height}>
				<Text>This run is gone.</Text>
			</Dialog>
		);
	}
	const rows: Array<[string, string]> = [
		['status', `${run.status}${run.stage ? ` (${run.stage})` : ''}${run.stalled ? ' stalled' : ''}`],
		['prompt', `${plain(run.promptName)} (${run.prompt_id})`],
		['text', plain(promptText ?? '')],
		['weights', weightsText(run)],
		['parameters', parametersText(run)],
		['created', formatDate(run.created_at)],
		['started', formatDate(run.started_at)],
		['finished', formatDate(run.completed_at)],
		['duration', formatDuration(runDuration(run))],
		['rerun of', run.parent_run_id ?? '-'],
		['output', run.outputs.video ?? '-'],
		['log', logPath],
		['host', run.remote ? `${run.remote.host} ${run.remote.container} ${run.remote.run_dir}` : '-'],
	];
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
