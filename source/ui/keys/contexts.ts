// Which registry contexts are active, in the order they are asked: an open dialog or a filter
// being typed takes every key; otherwise the focused pane (or the queue view), then moving, then
// the main screen.
import type {AppState} from '../state/app-state.js';
import type {KeyContext} from './registry.js';

const PANE_CONTEXTS = {
	prompts: ['prompts', 'navigation', 'global', 'always'],
	runs: ['runs', 'run', 'navigation', 'global', 'always'],
	logs: ['logs', 'run', 'navigation', 'global', 'always'],
	queue: ['queue', 'run', 'navigation', 'global', 'always'],
} as const satisfies Record<AppState['focus'], readonly KeyContext[]>;

export function activeContexts(state: Pick<AppState, 'modal' | 'editingFilter' | 'focus'>): readonly KeyContext[] {
	if (state.modal?.kind === 'help' && state.modal.typing) return ['help-filter', 'always'];
	// The new-prompt form asking to prepare rendered frames takes only its own keys (a form-less
	// modal, as some tests make, is just the form).
	if (state.modal?.kind === 'prompt-form' && state.modal.form?.prepare) return ['prepare-offer', 'always'];
	if (state.modal) return [state.modal.kind, 'always'];
	if (state.editingFilter) return ['filter', 'always'];
	return PANE_CONTEXTS[state.focus];
}
