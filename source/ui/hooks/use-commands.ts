// What each registry command does on the main screen. The input hook resolves keys to commands;
// this maps them to state changes (dispatch), log view moves and service actions. Commands of the
// dialogs (help, confirmation, forms) are in dialog-commands.ts; the queue view's are with their
// bindings in keys/queue-keys.ts.
import {useApp} from 'ink';
import type {Dispatch} from 'react';
import type {QueueSnapshot} from '../data/queue-watch.js';
import {isQueueCommand, runQueueCommand, type QueueHandlers} from '../keys/queue-keys.js';
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
	/** The run keys need a run: on a sweep's row (or a host's) they say so. */
	const withRun = (act: (run: NonNullable<typeof selectedRun>) => void) => {
		if (selectedRun) act(selectedRun);
		else if (state.focus === 'queue' && model.selectedQueueItem?.kind === 'host') flash('a host: select a run');
		else if (selectedRunItem?.kind === 'sweep') flash(`${selectedRunItem.id} is a sweep: select one of its runs (Enter unfolds it)`);
	};

	return (command, press) => {
		if (isQueueCommand(command)) {
			runQueueCommand(command, {item: model.selectedQueueItem, hosts: deps.queue.view?.hosts ?? []}, queueHandlers, flash);
			return;
		}
		switch (command) {
			case 'app.interrupt':
			case 'app.quit':
				exit();
				return;
			case 'app.help':
				dispatch({type: 'open', modal: {kind: 'help', scroll: 0}});
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
				else dispatch({type: 'edit-filter', pane: state.focus});
				return;
			case 'filter.next':
			case 'filter.previous': {
				const direction = command === 'filter.next' ? 1 : -1;
				if (listFilter === '') flash(state.focus === 'queue' ? 'the queue view has no filter' : 'no filter yet: press / first');
				else if (state.focus === 'logs') logView.apply({type: 'match', direction});
				else if (state.focus !== 'queue') dispatch({type: 'move', pane: state.focus, ids: listIds[state.focus], move: {kind: 'cycle', delta: direction}});
				return;
			}

			case 'prompt.open':
				if (!selectedPrompt) return;
				dispatch({type: 'scope', scope: 'prompt'});
				dispatch({type: 'focus', pane: 'runs'});
				return;
			case 'prompt.run':
				if (selectedPrompt) actions.openLaunchForm(selectedPrompt);
				return;
			case 'prompt.delete':
				if (selectedPrompt) void actions.askDeletePrompt(selectedPrompt);
				return;
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
			case 'run.rerun':
				withRun(run => actions.openRerunForm(run));
				return;
			case 'run.cancel':
				withRun(run => actions.askCancel(run));
				return;
			case 'run.delete':
				withRun(run => void actions.askDeleteRun(run));
				return;
			case 'run.open-output':
				withRun(run => void actions.openOutput(run));
				return;
			case 'run.save-log':
				withRun(run => void actions.saveLog(run));
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
				setFilter([...editedFilter].slice(0, -1).join(''));
				return;
			case 'filter.type':
				setFilter(editedFilter + press.text.replaceAll(/[\r\n\t]/g, ' '));
				return;

			default:
				runDialogCommand(command, press, {state, dispatch, actions, helpPage: pages.help});
		}
	};
}
