/* @jsxRuntime automatic @jsxImportSource react */
// The application: state, live data, the queue and the log view wired to the screen and the key
// registry.
import {useCallback, useEffect, useReducer, useRef, useSyncExternalStore} from 'react';
import {isActive} from '../../domain/model.js';
import type {UiRuntime} from '../data/runtime.js';
import {useActions} from '../hooks/use-actions.js';
import {useCommands} from '../hooks/use-commands.js';
import {useFlash} from '../hooks/use-flash.js';
import {useHostKeyQuestion} from '../hooks/use-host-key-question.js';
import {useKeyRouter} from '../hooks/use-key-router.js';
import {useLogView, type ShownRun} from '../hooks/use-log-view.js';
import {useNow} from '../hooks/use-now.js';
import {useScreenModel} from '../hooks/use-screen-model.js';
import {useTerminalSize} from '../hooks/use-terminal-size.js';
import {useMouse} from '../input/use-mouse.js';
import {activeContexts} from '../keys/contexts.js';
import {computeLayout, innerSize} from '../layout/layout.js';
import {INITIAL_APP_STATE, reduceApp} from '../state/app-state.js';
import {needsPin} from '../state/list-selection.js';
import {Screen} from './screen.js';
import {TooSmall} from './too-small.js';

export function App({runtime}: {runtime: UiRuntime}) {
	const size = useTerminalSize();
	const live = useSyncExternalStore(runtime.live.subscribe, runtime.live.getSnapshot);
	const queue = useSyncExternalStore(runtime.queue.subscribe, runtime.queue.getSnapshot);
	const [state, dispatch] = useReducer(reduceApp, INITIAL_APP_STATE);
	// A message takes a row of its own above the key bar while it shows.
	const layout = computeLayout(size.columns, size.rows, state.pane, state.logZoom && state.focus === 'logs', state.flash !== null);
	const model = useScreenModel(live, queue, state);
	const logSize = layout.kind === 'too-small' ? {width: 0, height: 0} : innerSize(layout.logs);
	const show = useCallback((run: ShownRun) => runtime.tails.show(run), [runtime]);
	const logView = useLogView(runtime.logs, show, model.selectedRun, logSize.width, logSize.height);
	const actions = useActions(runtime, dispatch);
	useFlash(state.flash, runtime.notices, dispatch);
	useHostKeyQuestion(queue.hostKeyQuestion, state.modal !== null, dispatch);
	// Elapsed times and start estimates count up only while a run is on a host.
	const now = useNow(live.runs.some(run => isActive(run.status) && run.status !== 'queued') || (queue.view?.active.length ?? 0) > 0);

	// Pin the selection to the item shown (first on start, a neighbour after a delete), so that
	// runs appearing above it do not move it.
	const pinPrompt = needsPin(model.promptIds, state.selection.prompts);
	const pinRun = needsPin(model.runIds, state.selection.runs);
	const pinQueued = needsPin(model.queueIds, state.selection.queue);
	useEffect(() => {
		if (pinPrompt) dispatch({type: 'move', pane: 'prompts', ids: model.promptIds, move: {kind: 'id', id: pinPrompt}});
		if (pinRun) dispatch({type: 'move', pane: 'runs', ids: model.runIds, move: {kind: 'id', id: pinRun}});
		if (pinQueued) dispatch({type: 'move', pane: 'queue', ids: model.queueIds, move: {kind: 'id', id: pinQueued}});
	}, [pinPrompt, pinRun, pinQueued, model.promptIds, model.runIds, model.queueIds]);

	// The runs pane lists one prompt's runs or all of them; the live data reads what is asked.
	const scopedPrompt = state.runScope === 'prompt' ? (model.selectedPrompt?.id ?? null) : null;
	useEffect(() => runtime.live.showRunsOf(scopedPrompt), [runtime, scopedPrompt]);

	const contexts = activeContexts(state);
	const pages =
		layout.kind === 'too-small'
			? {prompts: 1, runs: 1, logs: 1, queue: 1, help: 1}
			: {prompts: layout.prompts.height - 2, runs: layout.runs.height - 2, logs: logSize.height, queue: layout.body.height - 2, help: layout.body.height - 3};
	// How far the open details or message can scroll: known once drawn (it depends on the width).
	const scrollMax = useRef(0);
	const onCommand = useCommands({state, dispatch, model, logView, actions, queue, pages, scrollMax});
	const onMouse = useMouse({layout, state, model, logView, dispatch});
	useKeyRouter(contexts, onCommand, onMouse);

	if (layout.kind === 'too-small') return <TooSmall {...layout} />;
	return (
		<Screen
			layout={layout}
			state={state}
			model={model}
			live={live}
			queue={queue}
			logView={logView}
			contexts={contexts}
			scrollMax={scrollMax}
			now={now}
			logPath={id => runtime.service.files.logPath(id)}
			promptText={id => runtime.service.getPromptOrNull(id)?.prompt_text ?? null}
			setup={runtime.setup}
		/>
	);
}
