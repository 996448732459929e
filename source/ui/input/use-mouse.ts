// The mouse on the main screen: reads the screen's layout, lists and log view, and turns each
// event from the key router into the same state changes as the keys (mouse-actions.ts says which).
import {useRef, type Dispatch} from 'react';
import type {MouseHandler} from '../hooks/use-key-router.js';
import type {LogViewModel} from '../hooks/use-log-view.js';
import type {ScreenModel} from '../hooks/use-screen-model.js';
import type {Layout} from '../layout/layout.js';
import type {AppAction, AppState, ListPane} from '../state/app-state.js';
import {listTops, mouseIntent} from './mouse-actions.js';

type MouseDeps = {layout: Layout; state: AppState; model: ScreenModel; logView: LogViewModel; dispatch: Dispatch<AppAction>};

export function useMouse({layout, state, model, logView, dispatch}: MouseDeps): MouseHandler {
	// Kept render by render alongside the lists, so a click maps to the row as drawn.
	const tops = useRef<Record<ListPane, number>>({prompts: 0, runs: 0});
	const shown = layout.kind !== 'too-small' && !layout.zoomed && state.modal === null && state.focus !== 'queue';
	tops.current = listTops(tops.current, shown, {
		prompts: {selected: model.promptIndex, count: model.prompts.length, height: layout.kind === 'too-small' ? 0 : layout.prompts.height - 2},
		runs: {selected: model.runIndex, count: model.runItems.length, height: layout.kind === 'too-small' ? 0 : layout.runs.height - 2},
	});
	const ids = {prompts: model.promptIds, runs: model.runIds, queue: model.queueIds};
	const counts = {prompts: model.prompts.length, runs: model.runItems.length};

	return event => {
		const intent = mouseIntent(event, {layout, focus: state.focus, modal: state.modal !== null, tops: tops.current, counts});
		if (!intent) return;
		switch (intent.kind) {
			case 'scroll':
				if (intent.target === 'logs') logView.apply({type: 'scroll', lines: intent.lines});
				else dispatch({type: 'move', pane: intent.target, ids: ids[intent.target], move: {kind: 'by', delta: intent.lines}});
				return;
			case 'select': {
				dispatch({type: 'focus', pane: intent.pane});
				const id = ids[intent.pane][intent.index];
				if (id !== undefined) dispatch({type: 'move', pane: intent.pane, ids: ids[intent.pane], move: {kind: 'id', id}});
				return;
			}
			case 'focus':
				dispatch({type: 'focus', pane: intent.pane});
		}
	};
}
