// What the registry commands of the dialogs do: help, confirmation, the launch / rerun form and
// the new-prompt form. Split from use-commands.ts, which handles the main screen.
import type {Dispatch} from 'react';
import {helpLines} from '../keys/help.js';
import type {CommandId} from '../keys/registry.js';
import type {KeyPress} from '../keys/resolve.js';
import type {AppAction, AppState} from '../state/app-state.js';
import {reduceConfirm} from '../state/confirm.js';
import type {Actions} from './use-actions.js';

const HELP_LINES = helpLines().length;

type DialogDeps = {state: AppState; dispatch: Dispatch<AppAction>; actions: Actions; helpPage: number};

export function runDialogCommand(command: CommandId, press: KeyPress, {state, dispatch, actions, helpPage}: DialogDeps): void {
	const modal = state.modal;
	switch (command) {
		case 'help.close':
		case 'details.close':
		case 'message.close':
		case 'editor.cancel':
		case 'form.cancel':
			dispatch({type: 'close'});
			return;
		case 'help.down':
		case 'help.up': {
			if (modal?.kind !== 'help') return;
			const step = press.name.startsWith('page') ? helpPage - 1 : 1;
			const max = Math.max(0, HELP_LINES - helpPage);
			const next = Math.min(max, Math.max(0, modal.scroll + (command === 'help.down' ? step : -step)));
			dispatch({type: 'help-scroll', delta: next - modal.scroll});
			return;
		}

		case 'confirm.yes':
		case 'confirm.no':
		case 'confirm.switch':
		case 'confirm.choose': {
			if (modal?.kind !== 'confirm') return;
			const {state: next, answer} = reduceConfirm(modal.confirm, command === 'confirm.yes' ? 'yes' : command === 'confirm.no' ? 'no' : command === 'confirm.switch' ? 'switch' : 'choose');
			if (answer === 'yes') void actions.confirmed(next.intent);
			else if (answer === 'no') dispatch({type: 'close'});
			else dispatch({type: 'confirm', confirm: next});
			return;
		}

		case 'editor.next-field':
			dispatch({type: 'editor', action: {type: 'next-field'}});
			return;
		case 'editor.previous-field':
			dispatch({type: 'editor', action: {type: 'previous-field'}});
			return;
		case 'editor.increase':
		case 'editor.decrease':
			dispatch({type: 'editor', action: {type: 'step', direction: command === 'editor.increase' ? 1 : -1}});
			return;
		case 'editor.type':
			dispatch({type: 'editor', action: {type: 'type', text: press.text}});
			return;
		case 'editor.erase':
			dispatch({type: 'editor', action: {type: 'erase'}});
			return;
		case 'editor.advanced':
			dispatch({type: 'editor', action: {type: 'toggle-advanced'}});
			return;
		case 'editor.submit':
			if (modal?.kind === 'editor') void actions.submitRunForm(modal.form);
			return;

		case 'form.complete':
			if (modal?.kind !== 'prompt-form') return;
			if (modal.form.field === 'text') dispatch({type: 'prompt-form', action: {type: 'field', field: 'folder'}});
			else void actions.completeFolder(modal.form);
			return;
		case 'form.next-field':
		case 'form.previous-field':
			if (modal?.kind !== 'prompt-form') return;
			dispatch({type: 'prompt-form', action: {type: 'field', field: modal.form.field === 'text' ? 'folder' : 'text'}});
			return;
		case 'form.submit':
			if (modal?.kind !== 'prompt-form') return;
			if (modal.form.field === 'text') dispatch({type: 'prompt-form', action: {type: 'field', field: 'folder'}});
			else void actions.submitPromptForm(modal.form);
			return;
		case 'form.erase':
			dispatch({type: 'prompt-form', action: {type: 'erase'}});
			return;
		case 'form.clear':
			dispatch({type: 'prompt-form', action: {type: 'clear'}});
			return;
		case 'form.type':
			dispatch({type: 'prompt-form', action: {type: 'type', text: press.text}});
	}
}
