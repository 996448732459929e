// What the registry commands of the dialogs do: help, confirmation, the launch / rerun form and
// the new-prompt form. Split from use-commands.ts, which handles the main screen.
import type {Dispatch} from 'react';
import {whyNotPrepareCommand} from '../keys/prepare-keys.js';
import type {CommandId} from '../keys/registry.js';
import type {KeyPress} from '../keys/resolve.js';
import type {AppAction, AppState} from '../state/app-state.js';
import {reduceConfirm} from '../state/confirm.js';
import type {Actions} from './use-actions.js';

/** `scrollMax`: how far the open help, details or message can scroll, as last drawn. */
type DialogDeps = {state: AppState; dispatch: Dispatch<AppAction>; actions: Actions; helpPage: number; scrollMax?: number};

export function runDialogCommand(command: CommandId, press: KeyPress, {state, dispatch, actions, helpPage, scrollMax = 0}: DialogDeps): void {
	const modal = state.modal;
	switch (command) {
		case 'help.close':
			// Esc clears the help's filter first, then closes.
			if (press.name === 'esc' && modal?.kind === 'help' && modal.filter) dispatch({type: 'help-filter', filter: '', typing: false});
			else dispatch({type: 'close'});
			return;
		case 'help.filter':
			if (modal?.kind === 'help') dispatch({type: 'help-filter', filter: modal.filter ?? '', typing: true});
			return;
		case 'help-filter.apply':
		case 'help-filter.cancel':
		case 'help-filter.erase':
		case 'help-filter.type': {
			if (modal?.kind !== 'help') return;
			const filter = modal.filter ?? '';
			if (command === 'help-filter.apply') dispatch({type: 'help-filter', filter, typing: false});
			else if (command === 'help-filter.cancel') dispatch({type: 'help-filter', filter: '', typing: false});
			else if (command === 'help-filter.erase') dispatch({type: 'help-filter', filter: [...filter].slice(0, -1).join(''), typing: true});
			else dispatch({type: 'help-filter', filter: filter + press.text.replaceAll(/[\r\n\t]/g, ' '), typing: true});
			return;
		}
		case 'details.down':
		case 'details.up':
		case 'message.down':
		case 'message.up': {
			if (modal?.kind !== 'details' && modal?.kind !== 'message') return;
			const step = press.name.startsWith('page') ? Math.max(1, helpPage - 3) : 1;
			const from = Math.min(modal.scroll ?? 0, scrollMax);
			const next = Math.min(scrollMax, Math.max(0, from + (command.endsWith('.down') ? step : -step)));
			dispatch({type: 'modal-scroll', scroll: next});
			return;
		}
		case 'note.save':
		case 'note.erase':
		case 'note.clear':
		case 'note.type': {
			if (modal?.kind !== 'note') return;
			if (command === 'note.save') void actions.saveNote(modal.runId, modal.text);
			else {
				const text = command === 'note.clear' ? '' : command === 'note.erase' ? [...modal.text].slice(0, -1).join('') : modal.text + press.text.replaceAll(/[\r\n\t]/g, ' ');
				dispatch({type: 'open', modal: {...modal, text, error: null}});
			}

			return;
		}

		case 'host-key.accept':
			if (modal?.kind === 'host-key' && !modal.busy) void actions.acceptHostKey(modal.host, modal.key);
			return;
		case 'host-key.refuse':
			if (modal?.kind === 'host-key' && !modal.busy) actions.refuseHostKey(modal.host);
			return;
		case 'details.close':
		case 'message.close':
		case 'editor.cancel':
		case 'form.cancel':
		case 'note.cancel':
			dispatch({type: 'close'});
			return;
		case 'help.down':
		case 'help.up': {
			if (modal?.kind !== 'help') return;
			const step = press.name.startsWith('page') ? helpPage - 1 : 1;
			const max = scrollMax;
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
			// Tab completes the folder path in the folder field, and moves on elsewhere.
			if (modal?.kind !== 'prompt-form') return;
			if (modal.form.field === 'folder') void actions.completeFolder(modal.form);
			else dispatch({type: 'prompt-form', action: {type: 'move', direction: 1}});
			return;
		case 'form.next-field':
		case 'form.previous-field':
			dispatch({type: 'prompt-form', action: {type: 'move', direction: command === 'form.next-field' ? 1 : -1}});
			return;
		case 'form.submit':
			if (modal?.kind !== 'prompt-form') return;
			if (modal.form.field === 'folder') void actions.submitPromptForm(modal.form);
			else dispatch({type: 'prompt-form', action: {type: 'enter'}});
			return;
		case 'form.erase':
			dispatch({type: 'prompt-form', action: {type: 'erase'}});
			return;
		case 'form.clear':
			dispatch({type: 'prompt-form', action: {type: 'clear'}});
			return;
		case 'form.type':
			dispatch({type: 'prompt-form', action: {type: 'type', text: press.text}});
			return;

		case 'prepare.confirm':
		case 'prepare.back': {
			if (modal?.kind !== 'prompt-form' || !modal.form.prepare) return;
			const why = whyNotPrepareCommand(modal.form);
			if (why !== null) dispatch({type: 'flash', text: why, tone: 'info'});
			else if (command === 'prepare.confirm') void actions.preparePromptForm(modal.form);
			else dispatch({type: 'prompt-form', action: {type: 'prepare-back'}});
		}
	}
}
