// The screen's state and its pure reducer: focus, selections (by id), filters, the open dialog
// and the transient message. Service calls happen elsewhere (use-actions.ts) and report back
// here as actions.
import {PANES, type Pane} from '../layout/layout.js';
import type {ConfirmState} from './confirm.js';
import {moveSelection, NO_SELECTION, type ListMove, type ListSelection} from './list-selection.js';
import {reducePromptForm, type PromptFormAction, type PromptFormState} from './prompt-form.js';
import {reduceWeightsForm, type WeightsFormAction, type WeightsFormState} from './weights-form.js';

export type ListPane = 'prompts' | 'runs';

export type Modal =
	| {kind: 'help'; scroll: number}
	| {kind: 'confirm'; confirm: ConfirmState}
	| {kind: 'editor'; form: WeightsFormState}
	| {kind: 'prompt-form'; form: PromptFormState}
	| {kind: 'details'; runId: string}
	| {kind: 'message'; title: string; text: string};

export type Flash = {text: string; tone: 'info' | 'error'; seq: number};

export type AppState = {
	focus: Pane;
	modal: Modal | null;
	selection: Record<ListPane, ListSelection>;
	/** The runs pane shows all runs, or those of the selected prompt. */
	runScope: 'all' | 'prompt';
	filters: Record<ListPane, string>;
	/** The pane whose filter is being typed. */
	editingFilter: Pane | null;
	flash: Flash | null;
	flashSeq: number;
};

export type AppAction =
	| {type: 'focus'; pane: Pane}
	| {type: 'focus-step'; direction: 1 | -1}
	| {type: 'back'}
	| {type: 'move'; pane: ListPane; ids: readonly string[]; move: ListMove}
	| {type: 'scope'; scope: 'all' | 'prompt'}
	| {type: 'edit-filter'; pane: Pane | null}
	| {type: 'set-filter'; pane: ListPane; filter: string}
	| {type: 'open'; modal: Modal}
	| {type: 'close'}
	| {type: 'editor'; action: WeightsFormAction}
	| {type: 'prompt-form'; action: PromptFormAction}
	| {type: 'confirm'; confirm: ConfirmState}
	| {type: 'help-scroll'; delta: number}
	| {type: 'flash'; text: string; tone: 'info' | 'error'}
	| {type: 'flash-clear'; seq: number};

export const INITIAL_APP_STATE: AppState = {
	focus: 'runs',
	modal: null,
	selection: {prompts: NO_SELECTION, runs: NO_SELECTION},
	runScope: 'all',
	filters: {prompts: '', runs: ''},
	editingFilter: null,
	flash: null,
	flashSeq: 0,
};

export function reduceApp(state: AppState, action: AppAction): AppState {
	switch (action.type) {
		case 'focus':
			return {...state, focus: action.pane, editingFilter: null};
		case 'focus-step': {
			const at = PANES.indexOf(state.focus);
			return {...state, focus: PANES[(at + action.direction + PANES.length) % PANES.length]!, editingFilter: null};
		}
		case 'back': {
			// Esc: clear the focused list's filter first, then step back towards the prompts.
			if (state.focus !== 'logs' && state.filters[state.focus] !== '') {
				return {...state, filters: {...state.filters, [state.focus]: ''}};
			}
			if (state.focus === 'logs') return {...state, focus: 'runs'};
			if (state.focus === 'runs') return {...state, focus: 'prompts'};
			return state;
		}
		case 'move':
			return {
				...state,
				selection: {...state.selection, [action.pane]: moveSelection(action.ids, state.selection[action.pane], action.move)},
			};
		case 'scope':
			return {...state, runScope: action.scope};
		case 'edit-filter':
			return {...state, editingFilter: action.pane};
		case 'set-filter':
			return {...state, filters: {...state.filters, [action.pane]: action.filter}};
		case 'open':
			return {...state, modal: action.modal, editingFilter: null};
		case 'close':
			return {...state, modal: null};
		case 'editor':
			return state.modal?.kind === 'editor' ? {...state, modal: {...state.modal, form: reduceWeightsForm(state.modal.form, action.action)}} : state;
		case 'prompt-form':
			return state.modal?.kind === 'prompt-form'
				? {...state, modal: {...state.modal, form: reducePromptForm(state.modal.form, action.action)}}
				: state;
		case 'confirm':
			return state.modal?.kind === 'confirm' ? {...state, modal: {kind: 'confirm', confirm: action.confirm}} : state;
		case 'help-scroll':
			return state.modal?.kind === 'help' ? {...state, modal: {kind: 'help', scroll: Math.max(0, state.modal.scroll + action.delta)}} : state;
		case 'flash': {
			const seq = state.flashSeq + 1;
			return {...state, flash: {text: action.text, tone: action.tone, seq}, flashSeq: seq};
		}
		case 'flash-clear':
			return state.flash?.seq === action.seq ? {...state, flash: null} : state;
	}
}
