// What each registry command does on the main screen. The input hook resolves keys to commands;
// this maps them to state changes (dispatch), log view moves and service actions. Commands of the
// dialogs (help, confirmation, forms) are in dialog-commands.ts; the queue view's, the selected
// run's and the prompts pane's are with their bindings (and why they cannot run now) in
// keys/queue-keys.ts, keys/run-keys.ts and keys/prompt-keys.ts.
import {useApp} from 'ink';
import type {Dispatch} from 'react';
import type {QueueSnapshot} from '../data/queue-watch.js';
import {activeContexts} from '../keys/contexts.js';
import {isPromptCommand, runPromptCommand, type PromptHandlers} from '../keys/prompt-keys.js';
import {isQueueCommand, runQueueCommand, type QueueHandlers} from '../keys/queue-keys.js';
import {isRunCommand, runRunCommand, runTarget, type RunHandlers} from '../keys/run-keys.js';
import type {CommandHandler} from './use-key-router.js';
import type {AppAction, AppState, Focus} from '../state/app-state.js';
import type {Actions} from './use-actions.js';
import {runDialogCommand} from './dialog-commands.js';
import type {LogViewModel} from './use-log-view.js';
import type {ScreenModel} from './use-screen-model.js';

export type CommandDeps = {
	state: AppState;
	dispatch: Dispatch<AppAction>;
	model: ScreenModel;
	logView: LogViewModel;
	actions: Actions;
	queue: QueueSnapshot;
	/** Rows inside each pane, the queue view and the help, for paging. */
	pages: {prompts: number; runs: number; logs: number; queue: number; help: number};
	/** How far the open details or message can scroll, as last drawn. */
	scrollMax: {current: number};
};

const FOCUS_KEYS = {'focus.prompts': 'prompts', 'focus.runs': 'runs', 'focus.logs': 'logs', 'focus.queue': 'queue'} as const satisfies Record<string, Focus>;

export function useCommands(deps: CommandDeps): CommandHandler {
	const {exit} = useApp();
	const {state, dispatch, model, logView, actions, pages} = deps;
	const {selectedPrompt, selectedRun, selectedRunItem} = model;
	const flash = (text: string) => dispatch({type: 'flash', text, tone: 'info'});

	const listIds = {prompts: model.promptIds, runs: model.runIds, queue: model.queueIds};
	const moveList = (delta: number | 'first' | 'last') => {
		if (state.focus === 'logs') return;
		const pane = state.focus;
		const move = delta === 'first' ? {kind: 'first' as const} : delta === 'last' ? {kind: 'last' as const} : {kind: 'by' as const, delta};
		dispatch({type: 'move', pane, ids: listIds[pane], move});
	};
	const move = (lines: number) => (state.focus === 'logs' ? logView.apply({type: 'scroll', lines}) : moveList(lines));
	const page = pages[state.focus];
	const listFilter = state.focus === 'logs' ? logView.state.filter : state.focus === 'queue' ? '' : state.filters[state.focus];
	const filterPane = state.editingFilter ?? state.focus;
	const setFilter = (filter: string) => {
		if (filterPane === 'logs') logView.apply({type: 'filter', filter});
		else if (filterPane !== 'queue') dispatch({type: 'set-filter', pane: filterPane, filter});
	};
	const editedFilter = filterPane === 'logs' ? logView.state.filter : filterPane === 'queue' ? '' : state.filters[filterPane];
	const queueHandlers: QueueHandlers = {
		details: runId => dispatch({type: 'open', modal: {kind: 'details', runId}}),
		move: (runId, where) => void actions.moveRun(runId, where),
		setPaused: (host, paused) => void actions.setPaused(host, paused),
	};
	const runHandlers: RunHandlers = {
		rerun: run => actions.openRerunForm(run),
		cancel: run => actions.askCancel(run),
		delete: run => void actions.askDeleteRun(run),
		openOutput: run => void actions.openOutput(run),
		saveLog: run => void actions.saveLog(run),
		openFolder: run => void actions.openOutputFolder(run),
		rate: (run, delta) => void actions.rate(run, delta),
		note: run => dispatch({type: 'open', modal: {kind: 'note', runId: run.id, text: run.note ?? '', error: null}}),
		upscale: run => void actions.upscale(run),
		enhance: run => void actions.enhance(run),
	};
	const promptHandlers: PromptHandlers = {
		open: () => {
			dispatch({type: 'scope', scope: 'prompt'});
			dispatch({type: 'focus', pane: 'runs'});
		},
		run: prompt => actions.openLaunchForm(prompt),
		delete: prompt => void actions.askDeletePrompt(prompt),
		enhance: prompt => void actions.enhancePrompt(prompt),
	};

	return (command, press) => {
		if (isQueueCommand(command)) {
			runQueueCommand(command, {item: model.selectedQueueItem, hosts: deps.queue.view?.hosts ?? []}, queueHandlers, flash);
			return;
		}
		if (isRunCommand(command)) {
			runRunCommand(command, runTarget(state.focus, model), runHandlers, flash);
			return;
		}
		if (isPromptCommand(command)) {
			runPromptCommand(command, selectedPrompt, state.filters.prompts, promptHandlers, flash);
			return;
		}
		switch (command) {
			case 'app.interrupt':
			case 'app.quit':
				exit();
				return;
			case 'app.help':
				// The keys of where `?` was pressed come first.
				dispatch({type: 'open', modal: {kind: 'help', scroll: 0, first: activeContexts(state), filter: '', typing: false}});
				return;
			case 'app.last-message':
				if (state.lastFlash) dispatch({type: 'open', modal: {kind: 'message', title: state.lastFlash.tone === 'error' ? 'Error' : 'Message', text: state.lastFlash.text}});
				else flash('no message yet');
				return;
			case 'app.refresh':
				actions.refresh();
				return;
			case 'app.back':
				if (state.focus === 'logs' && logView.state.filter !== '') logView.apply({type: 'filter', filter: ''});
				else dispatch({type: 'back'});
				return;
			case 'focus.next':
				dispatch({type: 'focus-step', direction: 1});
				return;
			case 'focus.previous':
				dispatch({type: 'focus-step', direction: -1});
				return;
			case 'focus.prompts':
			case 'focus.runs':
			case 'focus.logs':
			case 'focus.queue':
				dispatch({type: 'focus', pane: FOCUS_KEYS[command]});
				return;
			case 'prompt.create':
				actions.openPromptForm();
				return;

			case 'nav.down':
				move(1);
				return;
			case 'nav.up':
				move(-1);
				return;
			case 'nav.page-down':
				move(Math.max(1, page - 1));
				return;
			case 'nav.page-up':
				move(-Math.max(1, page - 1));
				return;
			case 'nav.top':
				if (state.focus === 'logs') logView.apply({type: 'top'});
				else moveList('first');
				return;
			case 'nav.bottom':
				if (state.focus === 'logs') logView.apply({type: 'bottom'});
				else moveList('last');
				return;
			case 'filter.start':
				if (state.focus === 'queue') flash('the queue view has no filter: / filters the runs pane (2)');
				else dispatch({type: 'edit-filter', pane: state.focus, selected: listFilter !== ''});
				return;
			case 'filter.next':
			case 'filter.previous': {
				const direction = command === 'filter.next' ? 1 : -1;
				if (listFilter === '') flash(state.focus === 'queue' ? 'the queue view has no filter' : 'no filter yet: press / first');
				else if (state.focus === 'logs') logView.apply({type: 'match', direction});
				else if (state.focus !== 'queue') dispatch({type: 'move', pane: state.focus, ids: listIds[state.focus], move: {kind: 'cycle', delta: direction}});
				return;
			}

			case 'run.details':
				if (selectedRunItem?.kind === 'sweep') dispatch({type: 'toggle-fold', sweepId: selectedRunItem.id});
				else if (selectedRun) dispatch({type: 'open', modal: {kind: 'details', runId: selectedRun.id}});
				return;
			case 'run.run-prompt': {
				const promptOf = selectedRunItem?.kind === 'sweep' ? selectedRunItem.runs[0] : selectedRun;
				if (promptOf) actions.openLaunchForm({id: promptOf.prompt_id, name: promptOf.promptName});
				return;
			}
			case 'run.scope':
				dispatch({type: 'scope', scope: state.runScope === 'all' ? 'prompt' : 'all'});
				return;
			case 'log.wrap':
				logView.apply({type: 'toggle-wrap'});
				return;
			case 'log.timestamps':
				logView.apply({type: 'toggle-timestamps'});
				return;
			case 'log.zoom':
				dispatch({type: 'toggle-zoom'});
				return;

			case 'filter.apply':
				dispatch({type: 'edit-filter', pane: null});
				return;
			case 'filter.cancel':
				setFilter('');
				dispatch({type: 'edit-filter', pane: null});
				return;
			case 'filter.erase':
			case 'filter.clear':
				setFilter(state.filterSelected || command === 'filter.clear' ? '' : [...editedFilter].slice(0, -1).join(''));
				dispatch({type: 'edit-filter', pane: state.editingFilter});
				return;
			case 'filter.type':
				// Typing over a reopened filter replaces its selected text.
				setFilter((state.filterSelected ? '' : editedFilter) + press.text.replaceAll(/[\r\n\t]/g, ' '));
				dispatch({type: 'edit-filter', pane: state.editingFilter});
				return;

			default:
				runDialogCommand(command, press, {state, dispatch, actions, helpPage: pages.help, scrollMax: deps.scrollMax.current});
		}
	};
}
