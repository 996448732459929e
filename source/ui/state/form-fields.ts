// The fields of the launch / rerun form: bounds, steps and which sweep axis each can be.
import {CONTROL_NAMES, type ControlName, type ControlWeights, type Parameters, type PresetLevel} from '../../domain/model.js';
import type {SweepAxis} from '../../domain/sweep.js';

export type FieldId = ControlName | keyof Parameters;
export type NumberField = {
	id: FieldId;
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
export type FormField = NumberField | LevelField;

const weight = (id: ControlName): NumberField => ({id, label: id, kind: 'number', min: 0, max: 1, step: 0.05, decimals: 2, advanced: false, axis: id});

/** Bounds as in the config schema (source/config/schema.ts), so the service never refuses a value. */
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
];

export type Settings = {weights: ControlWeights; parameters: Parameters};

export function fieldOf(id: FieldId): FormField {
	return FORM_FIELDS.find(field => field.id === id)!;
}

export const isWeight = (id: FieldId): id is ControlName => (CONTROL_NAMES as readonly string[]).includes(id);

export function fieldValue(values: Settings, id: FieldId): number | PresetLevel {
	return isWeight(id) ? values.weights[id] : values.parameters[id];
}

export function withValue(values: Settings, id: FieldId, value: number | PresetLevel): Settings {
	if (isWeight(id)) return {...values, weights: {...values.weights, [id]: value as number}};
	return {...values, parameters: {...values.parameters, [id]: value}};
}
