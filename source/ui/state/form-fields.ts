// The fields of the launch / rerun form: bounds, steps and which sweep axis each can be.
import {CONTROL_NAMES, type ControlName, type ControlWeights, type Parameters, type PresetLevel} from '../../domain/model.js';
import {numberRule, PARAMETER_RULES, type Rule} from '../../domain/parameter-rules.js';
import type {SweepAxis} from '../../domain/sweep.js';

/** A field holding one of the run's weights or parameters (Settings). */
export type ValueId = ControlName | keyof Parameters;
/** Every field: the values, and the enhance toggle (the run's enhance_prompt, not a parameter). */
export type FieldId = ValueId | 'enhance';
export type NumberField = {
	id: ValueId;
	label: string;
	kind: 'number';
	min: number;
	max: number;
	step: number;
	decimals: number;
	advanced: boolean;
	/** The sweep axis this field can be (a list or range typed into it); null: one value only. */
	axis: SweepAxis | null;
};
type LevelField = {id: 'blur_strength' | 'canny_threshold'; label: string; kind: 'level'; advanced: true; axis: null};
/** On or off, stepped like a level (→ on, ← off); it is no sweep axis, every run of a sweep gets it. */
type ToggleField = {id: 'enhance'; label: string; kind: 'toggle'; advanced: true; axis: null; hint: string};
export type FormField = NumberField | LevelField | ToggleField;

const weight = (id: ControlName): NumberField => ({id, label: id, kind: 'number', min: 0, max: 1, step: 0.05, decimals: 2, advanced: false, axis: id});

/**
 * Bounds as in the domain's rules (source/domain/parameter-rules.ts), for stepping; a typed value is
 * checked with the rules themselves (fieldProblem), so the form refuses what the CLI refuses.
 */
export const FORM_FIELDS: readonly FormField[] = [
	...CONTROL_NAMES.map(weight),
	{id: 'num_steps', label: 'steps', kind: 'number', min: 1, max: 1000, step: 1, decimals: 0, advanced: true, axis: 'steps'},
	{id: 'guidance', label: 'guidance', kind: 'number', min: 0, max: 100, step: 0.5, decimals: 2, advanced: true, axis: 'guidance'},
	{id: 'seed', label: 'seed', kind: 'number', min: 0, max: 2 ** 32 - 1, step: 1, decimals: 0, advanced: true, axis: 'seed'},
	{id: 'fps', label: 'fps', kind: 'number', min: 1, max: 240, step: 1, decimals: 0, advanced: true, axis: null},
	{id: 'sigma_max', label: 'sigma max', kind: 'number', min: 0, max: 1000, step: 5, decimals: 2, advanced: true, axis: null},
	{id: 'blur_strength', label: 'blur', kind: 'level', advanced: true, axis: null},
	{id: 'canny_threshold', label: 'canny', kind: 'level', advanced: true, axis: null},
	{id: 'num_gpus', label: 'GPUs', kind: 'number', min: 1, max: 64, step: 1, decimals: 0, advanced: true, axis: null},
	{id: 'enhance', label: 'enhance', kind: 'toggle', advanced: true, axis: null, hint: 'the prompt upsampler rewrites the text first'},
];

export type Settings = {weights: ControlWeights; parameters: Parameters};

export function fieldOf(id: FieldId): FormField {
	return FORM_FIELDS.find(field => field.id === id)!;
}

export const isWeight = (id: FieldId): id is ControlName => (CONTROL_NAMES as readonly string[]).includes(id);

export function fieldValue(values: Settings, id: ValueId): number | PresetLevel {
	return isWeight(id) ? values.weights[id] : values.parameters[id];
}

export function withValue(values: Settings, id: ValueId, value: number | PresetLevel): Settings {
	if (isWeight(id)) return {...values, weights: {...values.weights, [id]: value as number}};
	return {...values, parameters: {...values.parameters, [id]: value}};
}

/** A weight's rule: the CLI's --weights check (checkWeight) in rule form. */
const WEIGHT_RULE: Rule<number> = numberRule(0, 1);

function ruleOf(id: ValueId): Rule<unknown> {
	return isWeight(id) ? WEIGHT_RULE : (PARAMETER_RULES[id] as Rule<unknown>);
}

/** Why this one value cannot be the field's, in the CLI's words ("seg must be a number from 0 to 1"), or null. */
export function valueProblem(id: ValueId, value: number | PresetLevel): string | null {
	const parsed = ruleOf(id).parse(value);
	return parsed.ok ? null : `${fieldOf(id).label} must be ${parsed.expected}`;
}

/** GPUs a host has, as last read (null: not known yet). */
export type HostGpus = {name: string; gpus: number | null};

/**
 * Why no host can take a run asking for this many GPUs, in the service's words (checkSubmit), or
 * null; null too while some host's GPUs are unknown (the service asks it when the run is queued).
 */
export function gpuProblem(gpus: number, hosts: readonly HostGpus[]): string | null {
	if (hosts.length === 0 || hosts.some(host => host.gpus === null)) return null;
	if (hosts.some(host => host.gpus! >= gpus)) return null;
	return `a run asking for ${gpus} GPU(s) cannot start: ${hosts.map(host => `${host.name} has ${host.gpus}`).join(', ')}`;
}
