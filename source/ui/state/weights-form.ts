// The launch / rerun form: control weights, and the parameters under an "advanced" toggle.
// A pure reducer. Left/right step a value (stopping at its bounds, and saying so), digits type one
// (committed when leaving the field, stepping or launching). A typed value is checked with the
// CLI's rules and never clamped: out of range, it stays as typed with the rule's message, and the
// form refuses to queue until it is fixed. A list or range typed into a weight, seed, steps or
// guidance makes that field a sweep axis (form-lists.ts). The enhance toggle (advanced) asks the
// prompt upsampler to rewrite the prompt first, for the run or every run of the sweep (run --enhance).
import {CONTROL_NAMES, PRESET_LEVELS, type ControlWeights, type Parameters, type PresetLevel} from '../../domain/model.js';
import type {RunChanges} from '../../service/workflow-service.js';
import {
	FORM_FIELDS,
	fieldOf,
	fieldValue,
	gpuProblem,
	isWeight,
	valueProblem,
	withValue,
	type FieldId,
	type FormField,
	type HostGpus,
	type Settings,
} from './form-fields.js';
import {checkList, formSweep, isListText} from './form-lists.js';

export {FORM_FIELDS, fieldOf, fieldValue, type FieldId, type FormField, type HostGpus, type Settings} from './form-fields.js';

export type WeightsFormState = {
	mode: 'launch' | 'rerun';
	promptId: string;
	promptName: string;
	parentRunId: string | null;
	initial: Settings;
	values: Settings;
	/** The prompt upsampler rewrites the prompt first (run --enhance): off for a launch, the parent's for a rerun. */
	enhance: boolean;
	initialEnhance: boolean;
	/** Fields holding a list or range instead of one value, as typed (checked when shown and sent). */
	lists: Partial<Record<FieldId, string>>;
	/** Fields holding a typed value their rule refuses, as typed; the value under it is kept. */
	invalid: Partial<Record<FieldId, string>>;
	/** The GPU hosts' GPU counts when the form opened, to refuse more GPUs than any host has. */
	hosts: readonly HostGpus[];
	field: FieldId;
	advanced: boolean;
	/** What is being typed into the field, before it is committed. */
	typing: string | null;
	/** Why a value was changed or the form cannot launch; cleared by the next key. */
	notice: string | null;
	submitting: boolean;
};

export type WeightsFormAction =
	| {type: 'next-field'}
	| {type: 'previous-field'}
	| {type: 'step'; direction: 1 | -1}
	| {type: 'type'; text: string}
	| {type: 'erase'}
	| {type: 'toggle-advanced'}
	| {type: 'submitting'}
	| {type: 'failed'; message: string};

export function openWeightsForm(options: {
	mode: 'launch' | 'rerun';
	promptId: string;
	promptName: string;
	parentRunId?: string | null;
	settings: Settings;
	/** Start with the enhance toggle on (a rerun of an enhanced run); default off. */
	enhance?: boolean;
	hosts?: readonly HostGpus[];
}): WeightsFormState {
	const settings = {weights: {...options.settings.weights}, parameters: {...options.settings.parameters}};
	return {
		mode: options.mode,
		promptId: options.promptId,
		promptName: options.promptName,
		parentRunId: options.parentRunId ?? null,
		initial: settings,
		values: settings,
		enhance: options.enhance ?? false,
		initialEnhance: options.enhance ?? false,
		lists: {},
		invalid: {},
		hosts: options.hosts ?? [],
		field: 'vis',
		advanced: false,
		typing: null,
		notice: null,
		submitting: false,
	};
}

export function visibleFields(state: Pick<WeightsFormState, 'advanced'>): readonly FormField[] {
	return state.advanced ? FORM_FIELDS : FORM_FIELDS.filter(field => !field.advanced);
}

/** The text a field shows: what is being typed, else its list or refused value, else its value. */
export function fieldText(state: WeightsFormState, id: FieldId): string {
	if (state.field === id && state.typing !== null) return state.typing;
	const list = state.lists[id] ?? state.invalid[id];
	if (list !== undefined) return list;
	const field = fieldOf(id);
	if (field.kind === 'toggle') return state.enhance ? 'on' : 'off';
	const value = fieldValue(state.values, field.id);
	return field.kind === 'number' && field.decimals > 0 ? Number(value).toFixed(field.decimals) : String(value);
}

const round = (value: number, decimals: number) => Number(value.toFixed(decimals));

function without(texts: Partial<Record<FieldId, string>>, id: FieldId): Partial<Record<FieldId, string>> {
	const {[id]: _dropped, ...rest} = texts;
	return rest;
}

/** A typed number, or null for text that is no number yet ('' or '.'). */
function typedNumber(text: string): number | null {
	const typed = Number(text);
	return text === '' || text === '.' || !Number.isFinite(typed) ? null : typed;
}

/**
 * Turns the typed text into the field's value, or its list; a value its rule refuses stays as
 * typed (in `invalid`) and the field keeps its last good value underneath.
 */
function commitTyping(state: WeightsFormState): WeightsFormState {
	if (state.typing === null) return state;
	const field = fieldOf(state.field);
	const invalid = without(state.invalid, field.id);
	if (field.kind === 'number' && field.axis !== null && isListText(state.typing)) {
		const list = checkList(field.id, state.typing);
		// A "list" of one value is that value.
		if (list.values?.length === 1) return {...state, typing: null, invalid, values: withValue(state.values, field.id, list.values[0]!), lists: without(state.lists, field.id)};
		return {...state, typing: null, invalid, lists: {...state.lists, [field.id]: state.typing}};
	}
	const typed = typedNumber(state.typing);
	// Emptied: the field keeps its last good value.
	if (field.kind !== 'number' || typed === null) return {...state, typing: null, invalid};
	const lists = without(state.lists, field.id);
	if (valueProblem(field.id, typed) !== null) return {...state, typing: null, lists, invalid: {...invalid, [field.id]: state.typing}};
	return {...state, typing: null, values: withValue(state.values, field.id, round(typed, field.decimals)), lists, invalid};
}

/** Why the field's text cannot be sent (a typed value its rule refuses, too many GPUs), or null. */
export function fieldProblem(state: WeightsFormState, id: FieldId): string | null {
	if (id === 'enhance') return null;
	const typing = state.field === id ? state.typing : null;
	const text = typing ?? state.invalid[id];
	const typed = text === undefined || isListText(text) ? null : typedNumber(text);
	const problem = typed === null ? null : valueProblem(id, typed);
	if (problem !== null || id !== 'num_gpus') return problem;
	return gpuProblem(typed ?? state.values.parameters.num_gpus, state.hosts);
}

/** The first field that keeps the form from queueing, with why (lists are checked by formSweep). */
export function firstProblem(state: WeightsFormState): string | null {
	for (const field of FORM_FIELDS) {
		const problem = fieldProblem(state, field.id);
		if (problem !== null) return problem;
	}
	return null;
}

function moveField(state: WeightsFormState, direction: 1 | -1): WeightsFormState {
	const fields = visibleFields(state);
	const at = fields.findIndex(field => field.id === state.field);
	const next = fields[(at + direction + fields.length) % fields.length]!;
	return {...state, field: next.id};
}

/** "seg is at its maximum 1": stepping stops at the bounds, and says so. */
const atBound = (label: string, direction: 1 | -1, value: number | string) => `${label} is at its ${direction === 1 ? 'maximum' : 'minimum'} ${value}`;

function step(state: WeightsFormState, direction: 1 | -1): WeightsFormState {
	const field = fieldOf(state.field);
	if (field.kind === 'toggle') {
		// Like a level of two: → on, ← off; at the end it says so.
		const on = direction === 1;
		return on === state.enhance ? {...state, notice: `${field.label} is already ${on ? 'on' : 'off'}`} : {...state, enhance: on};
	}
	if (state.lists[field.id] !== undefined) return {...state, notice: `${field.label} holds a list: type one value to step it again`};
	const current = fieldValue(state.values, field.id);
	if (field.kind === 'level') {
		const at = PRESET_LEVELS.indexOf(current as PresetLevel);
		const next = PRESET_LEVELS[at + direction];
		if (next === undefined) return {...state, notice: atBound(field.label, direction, current)};
		return {...state, values: withValue(state.values, field.id, next)};
	}
	const refused = state.invalid[field.id];
	if (refused !== undefined) {
		// Stepping a refused value brings it back to the nearest bound (said, not silent).
		const bound = Number(refused) > field.max ? field.max : field.min;
		const notice = `${field.label} ${refused} is out of range; ${bound === field.max ? 'set to its maximum' : 'set to its minimum'} ${bound}`;
		return {...state, invalid: without(state.invalid, field.id), values: withValue(state.values, field.id, bound), notice};
	}
	const target = round(Number(current) + direction * field.step, field.decimals);
	if (target > field.max || target < field.min) {
		const bound = direction === 1 ? field.max : field.min;
		const notice = current === bound ? atBound(field.label, direction, bound) : null;
		return {...state, values: withValue(state.values, field.id, bound), notice};
	}
	return {...state, values: withValue(state.values, field.id, target)};
}

function type(state: WeightsFormState, text: string): WeightsFormState {
	const field = fieldOf(state.field);
	if (field.kind !== 'number') return state;
	// Fields that can be a sweep axis also take ',' (a list) and ':' (a range start:end:step).
	const separators = field.axis === null ? '' : ',:';
	const allowed = new RegExp(`^[0-9${field.decimals > 0 ? '.' : ''}${separators}]+$`);
	if (!allowed.test(text)) return state;
	const next = (state.typing ?? '') + text;
	const last = next.split(/[,:]/).at(-1) ?? '';
	if (next.length > (isListText(next) ? 60 : 12) || (last.match(/\./g)?.length ?? 0) > 1) return state;
	return {...state, typing: next};
}

export function reduceWeightsForm(state: WeightsFormState, action: WeightsFormAction): WeightsFormState {
	if (state.submitting && action.type !== 'failed') return state;
	const clear = {...state, notice: null};
	switch (action.type) {
		case 'next-field':
			return moveField(commitTyping(clear), 1);
		case 'previous-field':
			return moveField(commitTyping(clear), -1);
		case 'step':
			return step(commitTyping(clear), action.direction);
		case 'type':
			return type(clear, action.text);
		case 'erase': {
			const typing = state.typing ?? fieldText(state, state.field);
			return fieldOf(state.field).kind === 'number' ? {...clear, typing: typing.slice(0, -1)} : clear;
		}
		case 'toggle-advanced': {
			const committed = commitTyping(clear);
			const advanced = !state.advanced;
			const field = !advanced && fieldOf(state.field).advanced ? 'vis' : state.field;
			return {...committed, advanced, field};
		}
		case 'submitting': {
			const committed = commitTyping(clear);
			const refused = firstProblem(committed);
			if (refused !== null) return {...committed, notice: `cannot queue: ${refused}`};
			const sweep = formSweep(committed);
			const problem = sweep.kind === 'invalid' ? sweep.message : sweep.kind === 'none' ? checkForm(committed.values) : null;
			return problem ? {...committed, notice: problem} : {...committed, submitting: true};
		}
		case 'failed':
			return {...state, submitting: false, notice: action.message};
	}
}

/** Why these settings cannot run, or null. */
export function checkForm(values: Settings): string | null {
	return CONTROL_NAMES.every(name => values.weights[name] === 0) ? 'at least one control weight must be above 0' : null;
}

/**
 * What to send to the service: only the values that differ from what the form opened with, so
 * a launch keeps the configured defaults and a rerun the parent's values for everything else;
 * `enhance: true` whenever the toggle is on.
 */
export function formChanges(state: WeightsFormState): RunChanges {
	const weights: Partial<ControlWeights> = {};
	const parameters: Partial<Record<keyof Parameters, number | PresetLevel>> = {};
	for (const field of FORM_FIELDS) {
		if (field.kind === 'toggle') continue;
		const value = fieldValue(state.values, field.id);
		if (value === fieldValue(state.initial, field.id)) continue;
		if (isWeight(field.id)) weights[field.id] = value as number;
		else parameters[field.id] = value;
	}
	// On, it is always said; off, only when the parent had it on (a rerun otherwise inherits it).
	const enhance = state.enhance || state.initialEnhance ? {enhance: state.enhance} : {};
	return {weights, parameters: parameters as Partial<Parameters>, ...enhance};
}
