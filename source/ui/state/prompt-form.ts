// The "new prompt" form: prompt text, an optional name and negative prompt (as `cosmos-tui prompt
// create --name --negative`), and a video folder with Tab completion of its path.
// A pure reducer; completion results and service errors come in as actions.

export type PromptFormField = 'text' | 'name' | 'negative' | 'folder';

/** The fields in order (Tab, ↓ and Enter go forward). */
export const PROMPT_FORM_FIELDS: readonly PromptFormField[] = ['text', 'name', 'negative', 'folder'];

export type PromptFormState = {
	text: string;
	/** Empty: the service makes one from the text. */
	name: string;
	/** Empty: the config's negative prompt. */
	negative: string;
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
	| {type: 'move'; direction: 1 | -1}
	/** Enter: the next field, or (in the folder field) create; empty text is refused where it is. */
	| {type: 'enter'}
	| {type: 'completed'; folder: string; candidates: readonly string[]}
	| {type: 'submitting'}
	| {type: 'failed'; message: string};

export const EMPTY_TEXT = 'write the prompt text first';

export function openPromptForm(folder = ''): PromptFormState {
	return {text: '', name: '', negative: '', folder, field: 'text', candidates: [], error: null, submitting: false};
}

export function reducePromptForm(state: PromptFormState, action: PromptFormAction): PromptFormState {
	if (state.submitting && action.type !== 'failed') return state;
	switch (action.type) {
		case 'type': {
			// Pasted text may hold newlines and tabs; every field is one line.
			const text = action.text.replaceAll(/[\r\n\t]+/g, ' ').replaceAll(/[\u0000-\u001F\u007F]/g, '');
			return {...state, [state.field]: state[state.field] + text, candidates: [], error: null};
		}
		case 'erase':
			return {...state, [state.field]: [...state[state.field]].slice(0, -1).join(''), candidates: [], error: null};
		case 'clear':
			return {...state, [state.field]: '', candidates: [], error: null};
		case 'field':
			return {...state, field: action.field, candidates: []};
		case 'move': {
			const at = PROMPT_FORM_FIELDS.indexOf(state.field);
			const field = PROMPT_FORM_FIELDS[(at + action.direction + PROMPT_FORM_FIELDS.length) % PROMPT_FORM_FIELDS.length]!;
			return {...state, field, candidates: []};
		}
		case 'enter':
			// Only reached outside the folder field (there Enter submits): say why rather than move on.
			if (state.field === 'text' && state.text.trim() === '') return {...state, error: EMPTY_TEXT};
			return reducePromptForm(state, {type: 'move', direction: 1});
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
	if (state.text.trim() === '') return EMPTY_TEXT;
	if (state.folder.trim() === '') return 'give the folder that holds color.mp4';
	return null;
}

/**
 * What the service's createPrompt is given: an empty name or negative prompt is left out, so the
 * name is made from the text and the negative prompt comes from the config (as on the CLI).
 */
export function promptRequest(state: PromptFormState): {text: string; videoDir: string; name?: string; negative?: string} {
	const name = state.name.trim();
	const negative = state.negative.trim();
	return {
		text: state.text,
		videoDir: state.folder.trim(),
		...(name === '' ? {} : {name}),
		...(negative === '' ? {} : {negative}),
	};
}

/** What the form says after createPrompt: created, found, or found keeping its own name / negative (as the CLI notes). */
export function createdMessage(result: {prompt: {name: string}; created: boolean; kept: readonly string[]}): string {
	const {prompt, created, kept} = result;
	if (created) return `prompt ${prompt.name} created; r runs it`;
	if (kept.length === 0) return `the same prompt exists already: ${prompt.name}`;
	return `the same prompt exists already as ${prompt.name}, with another ${kept.join(' and ')}; the stored one was kept (the same text and videos make the same prompt)`;
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
