// What each registry command does on the main screen. The input hook resolves keys to commands;
// this maps them to state changes (dispatch), log view moves and service actions. Commands of the
// dialogs (help, confirmation, forms) are in dialog-commands.ts.
import {useApp} from 'ink';
import type {Dispatch} from 'react';
import type {CommandHandler} from './use-key-router.js';
import type {AppAction, AppState} from '../state/app-state.js';
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
	/** Rows inside each pane and the help, for paging. */
	pages: {prompts: number; runs: number; logs: number; help: number};
};

export function useCommands(deps: CommandDeps): CommandHandler {
	const {exit} = useApp();
	const {state, dispatch, model, logView, actions, pages} = deps;
	const {selectedPrompt, selectedRun} = model;

	const moveList = (delta: number | 'first' | 'last') => {
		if (state.focus === 'logs') return;
		const pane = state.focus;
		const ids = pane === 'prompts' ? model.promptIds : model.runIds;
		const move = delta === 'first' ? {kind: 'first' as const} : delta === 'last' ? {kind: 'last' as const} : {kind: 'by' as const, delta};
		dispatch({type: 'move', pane, ids, move});
	};
	const move = (lines: number) => (state.focus === 'logs' ? logView.apply({type: 'scroll', lines}) : moveList(lines));
	const page = state.focus === 'logs' ? pages.logs : pages[state.focus];
	const listFilter = state.focus === 'logs' ? logView.state.filter : state.filters[state.focus];
	const filterPane = state.editingFilter ?? state.focus;
	const setFilter = (filter: string) => {
		if (filterPane === 'logs') logView.apply({type: 'filter', filter});
		else dispatch({type: 'set-filter', pane: filterPane, filter});
	};
	const editedFilter = filterPane === 'logs' ? logView.state.filter : state.filters[filterPane];

	return (command, press) => {
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
				dispatch({type: 'focus', pane: command === 'focus.prompts' ? 'prompts' : command === 'focus.runs' ? 'runs' : 'logs'});
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
				dispatch({type: 'edit-filter', pane: state.focus});
				return;
			case 'filter.next':
			case 'filter.previous': {
				const direction = command === 'filter.next' ? 1 : -1;
				if (listFilter === '') dispatch({type: 'flash', text: 'no filter yet: press / first', tone: 'info'});
				else if (state.focus === 'logs') logView.apply({type: 'match', direction});
				else dispatch({type: 'move', pane: state.focus, ids: state.focus === 'prompts' ? model.promptIds : model.runIds, move: {kind: 'cycle', delta: direction}});
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
				if (selectedRun) dispatch({type: 'open', modal: {kind: 'details', runId: selectedRun.id}});
				return;
			case 'run.run-prompt':
				if (selectedRun) actions.openLaunchForm({id: selectedRun.prompt_id, name: selectedRun.promptName});
				return;
			case 'run.scope':
				dispatch({type: 'scope', scope: state.runScope === 'all' ? 'prompt' : 'all'});
				return;
			case 'run.rerun':
				if (selectedRun) actions.openRerunForm(selectedRun);
				return;
			case 'run.kill':
				if (selectedRun) actions.askKill(selectedRun);
				return;
			case 'run.delete':
				if (selectedRun) void actions.askDeleteRun(selectedRun);
				return;
			case 'run.open-output':
				if (selectedRun) void actions.openOutput(selectedRun);
				return;
			case 'run.save-log':
				if (selectedRun) void actions.saveLog(selectedRun);
				return;
			case 'log.wrap':
				logView.apply({type: 'toggle-wrap'});
				return;
			case 'log.timestamps':
				logView.apply({type: 'toggle-timestamps'});
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
