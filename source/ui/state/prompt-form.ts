// The "new prompt" form: prompt text and a video folder, with Tab completion of the folder path.
// A pure reducer; completion results and service errors come in as actions.

export type PromptFormField = 'text' | 'folder';

export type PromptFormState = {
	text: string;
	folder: string;
	field: PromptFormField;
	/** Folders that match what is typed, after an ambiguous Tab. */
	candidates: readonly string[];
	error: string | null;
	submitting: boolean;
};

export type PromptFormAction =
	| {type: 'type'; text: string}
	| {type: 'erase'}
	| {type: 'clear'}
	| {type: 'field'; field: PromptFormField}
	| {type: 'completed'; folder: string; candidates: readonly string[]}
	| {type: 'submitting'}
	| {type: 'failed'; message: string};

export function openPromptForm(folder = ''): PromptFormState {
	return {text: '', folder, field: 'text', candidates: [], error: null, submitting: false};
}

export function reducePromptForm(state: PromptFormState, action: PromptFormAction): PromptFormState {
	if (state.submitting && action.type !== 'failed') return state;
	switch (action.type) {
		case 'type': {
			// Pasted text may hold newlines and tabs; a prompt and a path are one line each.
			const text = action.text.replaceAll(/[\r\n\t]+/g, ' ').replaceAll(/[\u0000-\u001F\u007F]/g, '');
			return {...state, [state.field]: state[state.field] + text, candidates: [], error: null};
		}
		case 'erase':
			return {...state, [state.field]: [...state[state.field]].slice(0, -1).join(''), candidates: [], error: null};
		case 'clear':
			return {...state, [state.field]: '', candidates: [], error: null};
		case 'field':
			return {...state, field: action.field, candidates: []};
		case 'completed':
			return {...state, folder: action.folder, candidates: action.candidates};
		case 'submitting': {
			const error = checkPromptForm(state);
			return error ? {...state, error, field: state.text.trim() === '' ? 'text' : 'folder'} : {...state, error: null, submitting: true};
		}
		case 'failed':
			return {...state, submitting: false, error: action.message};
	}
}

/** What is missing before the service is asked; the service checks the folder's contents. */
export function checkPromptForm(state: PromptFormState): string | null {
	if (state.text.trim() === '') return 'write the prompt text';
	if (state.folder.trim() === '') return 'give the folder that holds color.mp4';
	return null;
}

/** The longest start shared by all names ('' for none). */
export function commonPrefix(names: readonly string[]): string {
	if (names.length === 0) return '';
	let prefix = names[0]!;
	for (const name of names.slice(1)) {
		let i = 0;
		while (i < prefix.length && i < name.length && prefix[i] === name[i]) i++;
		prefix = prefix.slice(0, i);
	}
	return prefix;
}
