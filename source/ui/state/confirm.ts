// The confirmation dialog: No is highlighted first, y says yes, and the key that opened the
// dialog (x, D) means nothing inside it, so a repeated or held key cannot confirm.
import type {Run} from '../../domain/model.js';

export type ConfirmIntent =
	| {kind: 'cancel'; runId: string}
	| {kind: 'delete-run'; runId: string}
	| {kind: 'delete-prompt'; promptId: string};

export type ConfirmState = {
	intent: ConfirmIntent;
	title: string;
	lines: readonly string[];
	yesLabel: string;
	focus: 'no' | 'yes';
};

/** What cancelling does to a run in each active state, for the confirmation. */
export function cancelQuestion(run: Pick<Run, 'id' | 'status' | 'placement'>): string[] {
	const where = run.placement ? ` on ${run.placement.host}` : '';
	switch (run.status) {
		case 'queued':
			return [`Cancel run ${run.id}?`, 'It leaves the queue; nothing has started on a host.'];
		case 'launching':
			return [`Cancel run ${run.id} while it launches${where}?`, 'The upload is aborted; a container that started anyway is removed.'];
		default:
			return [`Stop run ${run.id}${where}?`, 'Its container gets SIGTERM, then SIGKILL after the grace period; what it wrote so far stays.'];
	}
}

export type ConfirmCommand = 'yes' | 'no' | 'switch' | 'choose';

export function openConfirm(intent: ConfirmIntent, title: string, lines: readonly string[], yesLabel: string): ConfirmState {
	return {intent, title, lines, yesLabel, focus: 'no'};
}

/** The new state, and the answer once there is one. */
export function reduceConfirm(state: ConfirmState, command: ConfirmCommand): {state: ConfirmState; answer: 'yes' | 'no' | null} {
	switch (command) {
		case 'yes':
			return {state, answer: 'yes'};
		case 'no':
			return {state, answer: 'no'};
		case 'switch':
			return {state: {...state, focus: state.focus === 'no' ? 'yes' : 'no'}, answer: null};
		case 'choose':
			return {state, answer: state.focus};
	}
}
