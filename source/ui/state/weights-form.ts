// The launch / rerun form: control weights, and the parameters under an "advanced" toggle.
// A pure reducer. Left/right step a value, digits type one (committed and clamped when leaving
// the field, stepping or launching), so the form can never hold an out-of-range value.
import {
	CONTROL_NAMES,
	PRESET_LEVELS,
	type ControlName,
	type ControlWeights,
	type Parameters,
	type PresetLevel,
} from '../../domain/model.js';
import type {RunChanges} from '../../service/workflow-service.js';

export type FieldId = ControlName | keyof Parameters;
type NumberField = {id: FieldId; label: string; kind: 'number'; min: number; max: number; step: number; decimals: number; advanced: boolean};
type LevelField = {id: 'blur_strength' | 'canny_threshold'; label: string; kind: 'level'; advanced: true};
export type FormField = NumberField | LevelField;

const weight = (id: ControlName): NumberField => ({id, label: id, kind: 'number', min: 0, max: 1, step: 0.05, decimals: 2, advanced: false});

/** Bounds as in the config schema (source/config/schema.ts), so the service never refuses a value. */
export const FORM_FIELDS: readonly FormField[] = [
	...CONTROL_NAMES.map(weight),
	{id: 'num_steps', label: 'steps', kind: 'number', min: 1, max: 1000, step: 1, decimals: 0, advanced: true},
	{id: 'guidance', label: 'guidance', kind: 'number', min: 0, max: 100, step: 0.5, decimals: 2, advanced: true},
	{id: 'seed', label: 'seed', kind: 'number', min: 0, max: 2 ** 32 - 1, step: 1, decimals: 0, advanced: true},
	{id: 'fps', label: 'fps', kind: 'number', min: 1, max: 240, step: 1, decimals: 0, advanced: true},
	{id: 'sigma_max', label: 'sigma max', kind: 'number', min: 0, max: 1000, step: 5, decimals: 2, advanced: true},
	{id: 'blur_strength', label: 'blur', kind: 'level', advanced: true},
	{id: 'canny_threshold', label: 'canny', kind: 'level', advanced: true},
	{id: 'num_gpus', label: 'GPUs', kind: 'number', min: 1, max: 64, step: 1, decimals: 0, advanced: true},
];

export type Settings = {weights: ControlWeights; parameters: Parameters};

export type WeightsFormState = {
	mode: 'launch' | 'rerun';
	promptId: string;
	promptName: string;
	parentRunId: string | null;
	initial: Settings;
	values: Settings;
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
}): WeightsFormState {
	const settings = {weights: {...options.settings.weights}, parameters: {...options.settings.parameters}};
	return {
		mode: options.mode,
		promptId: options.promptId,
		promptName: options.promptName,
		parentRunId: options.parentRunId ?? null,
		initial: settings,
		values: settings,
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

export function fieldOf(id: FieldId): FormField {
	return FORM_FIELDS.find(field => field.id === id)!;
}

const isWeight = (id: FieldId): id is ControlName => (CONTROL_NAMES as readonly string[]).includes(id);

export function fieldValue(values: Settings, id: FieldId): number | PresetLevel {
	return isWeight(id) ? values.weights[id] : values.parameters[id];
}

function withValue(values: Settings, id: FieldId, value: number | PresetLevel): Settings {
	if (isWeight(id)) return {...values, weights: {...values.weights, [id]: value as number}};
	return {...values, parameters: {...values.parameters, [id]: value}};
}

/** The text a field shows: what is being typed, else its value. */
export function fieldText(state: WeightsFormState, id: FieldId): string {
	if (state.field === id && state.typing !== null) return state.typing;
	const field = fieldOf(id);
	const value = fieldValue(state.values, id);
	return field.kind === 'number' && field.decimals > 0 ? Number(value).toFixed(field.decimals) : String(value);
}

const round = (value: number, decimals: number) => Number(value.toFixed(decimals));

/** Turns the typed text into the field's value, clamped to its bounds. */
function commitTyping(state: WeightsFormState): WeightsFormState {
	if (state.typing === null) return state;
	const field = fieldOf(state.field);
	const typed = Number(state.typing);
	if (field.kind !== 'number' || state.typing === '' || state.typing === '.' || !Number.isFinite(typed)) {
		return {...state, typing: null};
	}
	const value = Math.min(field.max, Math.max(field.min, round(typed, field.decimals)));
	const notice = value === typed ? null : `${field.label}: ${state.typing} is out of ${field.min}..${field.max}; set to ${value}`;
	return {...state, typing: null, values: withValue(state.values, field.id, value), notice};
}

function moveField(state: WeightsFormState, direction: 1 | -1): WeightsFormState {
	const fields = visibleFields(state);
	const at = fields.findIndex(field => field.id === state.field);
	const next = fields[(at + direction + fields.length) % fields.length]!;
	return {...state, field: next.id};
}

function step(state: WeightsFormState, direction: 1 | -1): WeightsFormState {
	const field = fieldOf(state.field);
	const current = fieldValue(state.values, field.id);
	if (field.kind === 'level') {
		const at = PRESET_LEVELS.indexOf(current as PresetLevel);
		const next = PRESET_LEVELS[Math.min(PRESET_LEVELS.length - 1, Math.max(0, at + direction))]!;
		return {...state, values: withValue(state.values, field.id, next)};
	}
	const value = Math.min(field.max, Math.max(field.min, round(Number(current) + direction * field.step, field.decimals)));
	return {...state, values: withValue(state.values, field.id, value)};
}

function type(state: WeightsFormState, text: string): WeightsFormState {
	const field = fieldOf(state.field);
	if (field.kind !== 'number') return state;
	const allowed = field.decimals > 0 ? /^[0-9.]+$/ : /^[0-9]+$/;
	if (!allowed.test(text)) return state;
	const next = (state.typing ?? '') + text;
	if (next.length > 12 || (next.match(/\./g)?.length ?? 0) > 1) return state;
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
			const problem = checkForm(committed.values);
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
 * a launch keeps the configured defaults and a rerun the parent's values for everything else.
 */
export function formChanges(state: WeightsFormState): RunChanges {
	const weights: Partial<ControlWeights> = {};
	const parameters: Partial<Record<keyof Parameters, number | PresetLevel>> = {};
	for (const field of FORM_FIELDS) {
		const value = fieldValue(state.values, field.id);
		if (value === fieldValue(state.initial, field.id)) continue;
		if (isWeight(field.id)) weights[field.id] = value as number;
		else parameters[field.id] = value;
	}
	return {weights, parameters: parameters as Partial<Parameters>};
}
