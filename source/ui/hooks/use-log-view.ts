// The log pane's state for the selected run: reads the LogStore (outside React) when it says
// lines arrived, at most 20 times a second, and computes only the rows on screen. Selecting a run
// asks for its log (`show`: the saved log, tailed while the run is active).
import {useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore} from 'react';
import type {Run} from '../../domain/model.js';
import type {LogStore, LogView} from '../data/log-store.js';
import {
	allLines,
	filterLines,
	INITIAL_LOG_VIEW,
	logWindow,
	reduceLogView,
	type FilterIndex,
	type LineIndex,
	type LogViewAction,
	type LogViewState,
	type LogWindow,
} from '../state/log-view.js';

export type LogViewModel = {
	runId: string | null;
	view: LogView | null;
	state: LogViewState;
	window: LogWindow;
	apply(action: LogViewAction): void;
};

const EMPTY_SOURCE = {startSeq: 0, endSeq: 0, at: () => undefined};

export type ShownRun = Pick<Run, 'id' | 'status'>;

export function useLogView(store: LogStore, show: (run: ShownRun) => void, run: ShownRun | null, width: number, height: number): LogViewModel {
	const runId = run?.id ?? null;
	const version = useSyncExternalStore(store.subscribe, store.getVersion);
	// Shown once per selection, and again when a queued run starts (its log begins then).
	const queued = run?.status === 'queued';
	const latestRun = useRef(run);
	latestRun.current = run;
	useEffect(() => {
		if (latestRun.current) show(latestRun.current);
	}, [show, runId, queued]);

	// Another run: follow its end again (wrap, timestamps and the filter stay as chosen).
	const [viewState, setViewState] = useState({runId, state: INITIAL_LOG_VIEW});
	let current = viewState;
	if (viewState.runId !== runId) {
		current = {runId, state: reduceLogView(viewState.state, {type: 'reset'}, allLines(EMPTY_SOURCE), emptyWindow())};
		setViewState(current);
	}
	const {state} = current;

	const view = runId ? store.view(runId) : null;
	const source = view?.source ?? EMPTY_SOURCE;
	// The last filter result, extended with new lines instead of filtering everything again.
	const previousFilter = useRef<{source: unknown; index: FilterIndex} | null>(null);
	// `version` is a dependency on purpose: the ring buffer changes in place.
	const index: LineIndex = useMemo(() => {
		if (state.filter === '') return allLines(source);
		const previous = previousFilter.current?.source === source ? previousFilter.current.index : null;
		const next = filterLines(source, state.filter, previous);
		previousFilter.current = {source, index: next};
		return next;
	}, [source, state.filter, version]);
	const window = useMemo(() => logWindow(source, index, state, width, height), [source, index, state, width, height, version]);

	const latest = useRef({index, window});
	latest.current = {index, window};
	const apply = useCallback((action: LogViewAction) => {
		setViewState(previous => ({...previous, state: reduceLogView(previous.state, action, latest.current.index, latest.current.window)}));
	}, []);

	return {runId, view, state, window, apply};
}

function emptyWindow(): LogWindow {
	return {rows: [], firstIndex: -1, lastIndex: -1, height: 0, atEnd: true, total: 0};
}
