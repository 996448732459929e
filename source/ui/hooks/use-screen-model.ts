// What the panes show, derived on render from the live data and the app state: the filtered
// lists and the selected prompt and run (by id, falling back to a neighbour).
import {useMemo} from 'react';
import type {Prompt} from '../../domain/model.js';
import type {LiveSnapshot, RunRow} from '../data/live-data.js';
import type {AppState} from '../state/app-state.js';
import {promptMatches, runMatches} from '../state/filters.js';
import {resolveSelection} from '../state/list-selection.js';

export type ScreenModel = {
	prompts: readonly Prompt[];
	promptIds: readonly string[];
	promptIndex: number;
	selectedPrompt: Prompt | null;
	runs: readonly RunRow[];
	runIds: readonly string[];
	runIndex: number;
	selectedRun: RunRow | null;
};

export function useScreenModel(live: LiveSnapshot, state: AppState): ScreenModel {
	const prompts = useMemo(() => live.prompts.filter(prompt => promptMatches(prompt, state.filters.prompts)), [live.prompts, state.filters.prompts]);
	const runs = useMemo(() => live.runs.filter(run => runMatches(run, state.filters.runs)), [live.runs, state.filters.runs]);
	const promptIds = useMemo(() => prompts.map(prompt => prompt.id), [prompts]);
	const runIds = useMemo(() => runs.map(run => run.id), [runs]);
	const promptSelection = resolveSelection(promptIds, state.selection.prompts);
	const runSelection = resolveSelection(runIds, state.selection.runs);
	return {
		prompts,
		promptIds,
		promptIndex: promptSelection.index,
		selectedPrompt: prompts[promptSelection.index] ?? null,
		runs,
		runIds,
		runIndex: runSelection.index,
		selectedRun: runs[runSelection.index] ?? null,
	};
}
