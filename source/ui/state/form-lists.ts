// Lists and ranges in the launch / rerun form: "0.2,0.6" or "0.1:0.5:0.2" typed into a weight,
// seed, steps or guidance makes that field a sweep axis. Checked with the domain's parseAxis (the
// CLI's rules and messages), so the form says exactly what `cosmos-tui sweep` would.
import {CONTROL_NAMES} from '../../domain/model.js';
import {gridSize, parseAxis, type SweepAxes} from '../../domain/sweep.js';
import {FORM_FIELDS, fieldOf, fieldValue, type FieldId} from './form-fields.js';
import type {WeightsFormState} from './weights-form.js';

/** Most runs one sweep from the form may make (the CLI's default --max). */
export const MAX_FORM_SWEEP = 64;

/** Text that is a list or a range rather than one number. */
export const isListText = (text: string): boolean => /[,:]/.test(text);

export type FieldList = {id: FieldId; label: string; text: string; values: number[] | null; error: string | null};

/** A field's list text checked: its values, or the one-line reason it is not a list. */
export function checkList(id: FieldId, text: string): FieldList {
	const field = fieldOf(id);
	if (field.axis === null) return {id, label: field.label, text, values: null, error: `${field.label} takes one value`};
	try {
		return {id, label: field.label, text, values: parseAxis(field.axis, text), error: null};
	} catch (error) {
		// "--vis: ..." on the command line; beside the field the name is already shown.
		return {id, label: field.label, text, values: null, error: (error as Error).message.replace(/^--\w+: /, '')};
	}
}

/** Every field holding a list, the one being typed included (so the grid size is live). */
export function formLists(state: WeightsFormState): FieldList[] {
	const texts = {...state.lists};
	if (state.typing !== null && isListText(state.typing)) texts[state.field] = state.typing;
	else if (state.typing !== null) delete texts[state.field];
	return FORM_FIELDS.flatMap(field => {
		const text = texts[field.id];
		return text === undefined ? [] : [checkList(field.id, text)];
	});
}

export type FormSweep =
	| {kind: 'none'}
	| {kind: 'sweep'; axes: SweepAxes; size: number}
	| {kind: 'invalid'; message: string};

/**
 * The sweep the form asks for. The service varies the axes over the run (or the defaults) it
 * starts from, so the other changed values travel as one-value axes; fields that cannot be an
 * axis must keep their starting value.
 */
export function formSweep(state: WeightsFormState): FormSweep {
	const lists = formLists(state);
	if (lists.length === 0) return {kind: 'none'};
	const broken = lists.find(list => list.error !== null);
	if (broken) return {kind: 'invalid', message: `${broken.label}: ${broken.error}`};
	const axes: SweepAxes = {};
	const fixed: string[] = [];
	for (const field of FORM_FIELDS) {
		// The enhance toggle is no axis: the sweep request carries it for every run.
		if (field.kind === 'toggle') continue;
		const list = lists.find(candidate => candidate.id === field.id);
		const value = fieldValue(state.values, field.id);
		if (field.axis !== null && list) axes[field.axis] = list.values!;
		else if (value === fieldValue(state.initial, field.id)) continue;
		else if (field.axis !== null) axes[field.axis] = [value as number];
		else fixed.push(field.label);
	}
	if (fixed.length > 0) {
		return {kind: 'invalid', message: `a sweep keeps ${fixed.join(', ')} as ${state.mode === 'rerun' ? 'the run has them' : 'configured'}: set them back, or queue one run`};
	}
	const size = gridSize(axes);
	if (size > MAX_FORM_SWEEP) return {kind: 'invalid', message: `the sweep makes ${size} runs; the limit here is ${MAX_FORM_SWEEP} (the command line's sweep --max takes more)`};
	// Some run of the grid would have every weight at 0 exactly when each weight can be 0.
	const canBeZero = (name: (typeof CONTROL_NAMES)[number]) => (axes[name] ?? [state.values.weights[name]]).includes(0);
	if (CONTROL_NAMES.every(canBeZero)) return {kind: 'invalid', message: 'at least one control weight must be above 0 in every run'};
	return {kind: 'sweep', axes, size};
}

/** "6 runs" for the form's grid, or null without lists (or with one that does not parse). */
export function gridLabel(state: WeightsFormState): string | null {
	const lists = formLists(state);
	if (lists.length === 0 || lists.some(list => list.values === null)) return null;
	const size = lists.reduce((product, list) => product * list.values!.length, 1);
	return `${size} run${size === 1 ? '' : 's'}`;
}
