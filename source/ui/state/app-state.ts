// The screen's state and its pure reducer: focus, selections (by id), filters, folded sweeps, the
// open dialog and the transient message. Service calls happen elsewhere (use-actions.ts) and
// report back here as actions.
import {PANES, type Pane} from '../layout/layout.js';
import type {UnknownHostKey} from '../../executor/ssh-connect.js';
import type {KeyContext} from '../keys/registry.js';
import type {ConfirmState} from './confirm.js';
import {moveSelection, NO_SELECTION, type ListMove, type ListSelection} from './list-selection.js';
import {reducePromptForm, type PromptFormAction, type PromptFormState} from './prompt-form.js';
import {reduceWeightsForm, type WeightsFormAction, type WeightsFormState} from './weights-form.js';

export type ListPane = 'prompts' | 'runs';
/** The three panes, or the queue view (which takes the whole body). */
export type Focus = Pane | 'queue';
/** Where Tab goes next. */
export const FOCUS_ORDER: readonly Focus[] = [...PANES, 'queue'];
/** Lists that keep a selection: the two panes and the queue view. */
export type SelectionList = ListPane | 'queue';

export type Modal =
	/** `first`: the contexts whose keys come first (where `?` was pressed); `filter` narrows the lines, typed while `typing`. */
	| {kind: 'help'; scroll: number; first?: readonly KeyContext[]; filter?: string; typing?: boolean}
	| {kind: 'confirm'; confirm: ConfirmState}
	| {kind: 'editor'; form: WeightsFormState}
	| {kind: 'prompt-form'; form: PromptFormState}
	| {kind: 'details'; runId: string; scroll?: number}
	| {kind: 'message'; title: string; text: string; scroll?: number}
	/** A GPU host's key seen for the first time: trust it (y) or not (n). */
	| {kind: 'host-key'; host: string; key: UnknownHostKey; busy: boolean; error: string | null}
	/** A run's note being written: Enter saves it (empty removes it), Esc leaves it as it was. */
	| {kind: 'note'; runId: string; text: string; error: string | null};

export type Flash = {text: string; tone: 'info' | 'error'; seq: number};

export type AppState = {
	focus: Focus;
	/** The pane focused last, for the layout while the queue view shows. */
	pane: Pane;
	modal: Modal | null;
	selection: Record<SelectionList, ListSelection>;
	/** The runs pane shows all runs, or those of the selected prompt. */
	runScope: 'all' | 'prompt';
	filters: Record<ListPane, string>;
	/** Sweeps whose runs are folded under their row in the runs pane. */
	folded: readonly string[];
	/** The pane whose filter is being typed. */
	editingFilter: Pane | null;
	/** `/` reopened on a filter: its old text is selected, so typing replaces it (as in a browser's find bar). */
	filterSelected: boolean;
	/** The log pane fills the screen while it has the focus (z toggles). */
	logZoom: boolean;
	flash: Flash | null;
	flashSeq: number;
	/** The last message, kept after it leaves the bar: `!` shows it in full. */
	lastFlash: Flash | null;
};

export type AppAction =
	| {type: 'focus'; pane: Focus}
	| {type: 'focus-step'; direction: 1 | -1}
	| {type: 'back'}
	| {type: 'move'; pane: SelectionList; ids: readonly string[]; move: ListMove}
	| {type: 'toggle-fold'; sweepId: string}
	| {type: 'toggle-zoom'}
	| {type: 'scope'; scope: 'all' | 'prompt'}
	| {type: 'edit-filter'; pane: Pane | null; selected?: boolean}
	| {type: 'set-filter'; pane: ListPane; filter: string}
	| {type: 'open'; modal: Modal}
	| {type: 'close'}
	| {type: 'editor'; action: WeightsFormAction}
	| {type: 'prompt-form'; action: PromptFormAction}
	| {type: 'confirm'; confirm: ConfirmState}
	| {type: 'help-scroll'; delta: number}
	| {type: 'help-filter'; filter: string; typing: boolean}
	/** The help's, the details' or the message's first line shown. */
	| {type: 'modal-scroll'; scroll: number}
	| {type: 'flash'; text: string; tone: 'info' | 'error'}
	| {type: 'flash-clear'; seq: number};

export const INITIAL_APP_STATE: AppState = {
	focus: 'runs',
	pane: 'runs',
	modal: null,
	selection: {prompts: NO_SELECTION, runs: NO_SELECTION, queue: NO_SELECTION},
	runScope: 'all',
	filters: {prompts: '', runs: ''},
	folded: [],
	editingFilter: null,
	filterSelected: false,
	logZoom: false,
	flash: null,
	flashSeq: 0,
	lastFlash: null,
};

export function reduceApp(state: AppState, action: AppAction): AppState {
	switch (action.type) {
		case 'focus':
			return focusOn(state, action.pane);
		case 'focus-step': {
			const at = FOCUS_ORDER.indexOf(state.focus);
			return focusOn(state, FOCUS_ORDER[(at + action.direction + FOCUS_ORDER.length) % FOCUS_ORDER.length]!);
		}
		case 'back': {
			// Esc: clear the focused list's filter first, then step back towards the prompts.
			if ((state.focus === 'prompts' || state.focus === 'runs') && state.filters[state.focus] !== '') {
				return {...state, filters: {...state.filters, [state.focus]: ''}};
			}
			if (state.focus === 'logs' && state.logZoom) return {...state, logZoom: false};
			if (state.focus === 'logs' || state.focus === 'queue') return focusOn(state, 'runs');
			if (state.focus === 'runs') return focusOn(state, 'prompts');
			return state;
		}
		case 'toggle-zoom':
			return {...state, logZoom: !state.logZoom};
		case 'toggle-fold':
			return {
				...state,
				folded: state.folded.includes(action.sweepId) ? state.folded.filter(id => id !== action.sweepId) : [...state.folded, action.sweepId],
			};
		case 'move':
			return {
				...state,
				selection: {...state.selection, [action.pane]: moveSelection(action.ids, state.selection[action.pane], action.move)},
			};
		case 'scope':
			return {...state, runScope: action.scope};
		case 'edit-filter':
			return {...state, editingFilter: action.pane, filterSelected: action.pane !== null && (action.selected ?? false)};
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
			return state.modal?.kind === 'help' ? {...state, modal: {...state.modal, scroll: Math.max(0, state.modal.scroll + action.delta)}} : state;
		case 'help-filter':
			return state.modal?.kind === 'help' ? {...state, modal: {...state.modal, filter: action.filter, typing: action.typing, scroll: 0}} : state;
		case 'modal-scroll': {
			const modal = state.modal;
			if (modal?.kind !== 'help' && modal?.kind !== 'details' && modal?.kind !== 'message') return state;
			return {...state, modal: {...modal, scroll: Math.max(0, action.scroll)}};
		}
		case 'flash': {
			const seq = state.flashSeq + 1;
			const flash = {text: action.text, tone: action.tone, seq};
			return {...state, flash, flashSeq: seq, lastFlash: flash};
		}
		case 'flash-clear':
			return state.flash?.seq === action.seq ? {...state, flash: null} : state;
	}
}

function focusOn(state: AppState, focus: Focus): AppState {
	return {...state, focus, pane: focus === 'queue' ? state.pane : focus, editingFilter: null};
}
