// The confirmation dialog: No is highlighted first, y says yes, and the key that opened the
// dialog (x, D) means nothing inside it, so a repeated or held key cannot confirm.

export type ConfirmIntent =
	| {kind: 'kill'; runId: string}
	| {kind: 'delete-run'; runId: string}
	| {kind: 'delete-prompt'; promptId: string};

export type ConfirmState = {
	intent: ConfirmIntent;
	title: string;
	lines: readonly string[];
	yesLabel: string;
	focus: 'no' | 'yes';
};

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
