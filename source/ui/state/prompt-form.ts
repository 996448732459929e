// The "new prompt" form: prompt text, an optional name and negative prompt (as `cosmos-tui prompt
// create --name --negative`), and a video folder with Tab completion of its path.
// A pure reducer; completion results and service errors come in as actions.
// A folder of rendered PNG frames instead of videos is offered to `prepare` (Enter prepares it into
// an input folder, Esc goes back); the prompt is then created from the prepared folder.
import type {Modality, PreparePlan} from '../../service/prepare-plan.js';

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
	/** The folder holds rendered frames: what prepare makes of them, offered, then being made. */
	prepare: PrepareOffer | null;
};

/** prepare for a folder of rendered frames: asked first (Enter prepares, Esc goes back), then run. */
export type PrepareOffer = {
	/** The render folder, as given in the form. */
	source: string;
	/** The input folder it makes (absolute). */
	output: string;
	fps: number;
	/** The modalities that become videos (color first). */
	modalities: readonly Modality[];
	frames: number;
	/** The plan's warnings (a control skipped, PNGs ignored, frames padded). */
	warnings: readonly string[];
	/** When prepare started (ms), while ffmpeg runs; null while asking. */
	startedAt: number | null;
};

/** As `cosmos-tui prepare` without --fps. */
export const PREPARE_FPS = 24;

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
	| {type: 'failed'; message: string}
	/** createPrompt found rendered frames rather than videos: ask to prepare them. */
	| {type: 'offer-prepare'; offer: Omit<PrepareOffer, 'startedAt'>}
	/** Esc on the offer: back to the form, nothing written. */
	| {type: 'prepare-back'}
	/** Enter on the offer: ffmpeg runs. */
	| {type: 'preparing'; at: number}
	/** The input folder is in place: it becomes the folder, and the prompt is created from it. */
	| {type: 'prepared'; folder: string};

export const EMPTY_TEXT = 'write the prompt text first';

export function openPromptForm(folder = ''): PromptFormState {
	return {text: '', name: '', negative: '', folder, field: 'text', candidates: [], error: null, submitting: false, prepare: null};
}

export function reducePromptForm(state: PromptFormState, action: PromptFormAction): PromptFormState {
	if (state.prepare) return reducePrepare(state, state.prepare, action);
	if (state.submitting && action.type !== 'failed' && action.type !== 'offer-prepare') return state;
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
		case 'offer-prepare':
			return state.submitting ? {...state, submitting: false, error: null, candidates: [], prepare: {...action.offer, startedAt: null}} : state;
		case 'prepare-back':
		case 'preparing':
		case 'prepared':
			return state;
	}
}

/** While prepare is offered only Enter (preparing) and Esc (back) act; while it runs, only its end. */
function reducePrepare(state: PromptFormState, offer: PrepareOffer, action: PromptFormAction): PromptFormState {
	const running = offer.startedAt !== null;
	switch (action.type) {
		case 'prepare-back':
			return running ? state : {...state, prepare: null};
		case 'preparing':
			return running ? state : {...state, prepare: {...offer, startedAt: action.at}};
		case 'prepared':
			// The prompt is created from the new folder at once ("reading the videos..."), as Enter would.
			return running ? {...state, prepare: null, folder: action.folder, field: 'folder', error: null, submitting: true} : state;
		case 'failed':
			return {...state, prepare: null, submitting: false, error: action.message};
		default:
			return state;
	}
}

/**
 * What the form does with prepare's dry-run plan of the folder: offer it, or say in one line why
 * the frames cannot be prepared; null when the folder holds no rendered color frames.
 */
export function prepareOffer(plan: PreparePlan, source: string): {offer: Omit<PrepareOffer, 'startedAt'>} | {error: string} | null {
	if (!plan.found.some(found => found.modality === 'color')) return null;
	if (plan.errors.length > 0 || !plan.frames) return {error: `this folder holds rendered frames, but prepare cannot make videos of them: ${plan.errors.join('; ')}`};
	const modalities = plan.conversions.map(conversion => conversion.modality);
	return {offer: {source, output: plan.output, fps: plan.fps, modalities, frames: plan.frames.count, warnings: plan.warnings}};
}

/** The offer's question, in one sentence. */
export function offerQuestion(offer: Omit<PrepareOffer, 'startedAt'>): string {
	return `this folder holds rendered frames (${offer.modalities.join(', ')}: ${offer.frames} frames): Enter prepares them into ${offer.output} (${offer.fps} fps), Esc goes back`;
}

/** What the form says after a prompt was created from a folder prepared here. */
export function preparedNote(offer: Pick<PrepareOffer, 'output' | 'frames' | 'fps' | 'warnings'>): string {
	const warnings = offer.warnings.length === 0 ? '' : `; warning: ${offer.warnings.join('; ')}`;
	return `from ${offer.output}, prepared from ${offer.frames} rendered frames at ${offer.fps} fps${warnings}`;
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
