// What the panes show, derived on render from the live data, the queue and the app state: the
// filtered lists (runs grouped by sweep), the queue view's rows, and what is selected in each
// (by id, falling back to a neighbour). "The selected run" is the queue view's in the queue
// view, else the runs pane's.
import {useMemo} from 'react';
import type {Prompt, Run} from '../../domain/model.js';
import type {LiveSnapshot, RunRow} from '../data/live-data.js';
import type {QueueSnapshot} from '../data/queue-watch.js';
import type {AppState} from '../state/app-state.js';
import {promptMatches, runMatches} from '../state/filters.js';
import {resolveSelection} from '../state/list-selection.js';
import {queueItems, queueSections, type QueueItem, type QueueSection} from '../state/queue-items.js';
import {runItems, type RunItem} from '../state/run-items.js';

export type ScreenModel = {
	prompts: readonly Prompt[];
	promptIds: readonly string[];
	promptIndex: number;
	selectedPrompt: Prompt | null;
	/** Runs that pass the filter (without sweep rows). */
	runs: readonly RunRow[];
	runItems: readonly RunItem[];
	runIds: readonly string[];
	runIndex: number;
	/** The runs pane's selected row. */
	selectedRunItem: RunItem | null;
	queueSections: readonly QueueSection[];
	queueIds: readonly string[];
	queueIndex: number;
	selectedQueueItem: QueueItem | null;
	/** The run the run keys act on, the log shows and the details strip describes. */
	selectedRun: RunRow | null;
};

export function useScreenModel(live: LiveSnapshot, queue: QueueSnapshot, state: AppState): ScreenModel {
	const prompts = useMemo(() => live.prompts.filter(prompt => promptMatches(prompt, state.filters.prompts)), [live.prompts, state.filters.prompts]);
	const runs = useMemo(() => live.runs.filter(run => runMatches(run, state.filters.runs)), [live.runs, state.filters.runs]);
	const items = useMemo(() => runItems(runs, live.sweeps, state.folded), [runs, live.sweeps, state.folded]);
	const promptIds = useMemo(() => prompts.map(prompt => prompt.id), [prompts]);
	const runIds = useMemo(() => items.map(item => item.id), [items]);
	const sections = useMemo(() => {
		// The freshest copy of a run is the live one (progress); the queue view's is as last read.
		const rows = new Map(live.runs.map(run => [run.id, run]));
		const names = new Map(live.prompts.map(prompt => [prompt.id, prompt.name]));
		const rowOf = (run: Run): RunRow => rows.get(run.id) ?? {...run, promptName: names.get(run.prompt_id) ?? run.prompt_id};
		return queueSections(queue.view, rowOf);
	}, [queue.view, live.runs, live.prompts]);
	const queued = useMemo(() => queueItems(sections), [sections]);
	const queueIds = useMemo(() => queued.map(item => item.id), [queued]);

	const promptSelection = resolveSelection(promptIds, state.selection.prompts);
	const runSelection = resolveSelection(runIds, state.selection.runs);
	const queueSelection = resolveSelection(queueIds, state.selection.queue);
	const selectedRunItem = items[runSelection.index] ?? null;
	const selectedQueueItem = queued[queueSelection.index] ?? null;
	const paneRun = selectedRunItem?.kind === 'run' ? selectedRunItem.run : null;
	const queueRun = selectedQueueItem?.kind === 'run' ? selectedQueueItem.run : null;
	return {
		prompts,
		promptIds,
		promptIndex: promptSelection.index,
		selectedPrompt: prompts[promptSelection.index] ?? null,
		runs,
		runItems: items,
		runIds,
		runIndex: runSelection.index,
		selectedRunItem,
		queueSections: sections,
		queueIds,
		queueIndex: queueSelection.index,
		selectedQueueItem,
		selectedRun: state.focus === 'queue' ? queueRun : paneRun,
	};
}
