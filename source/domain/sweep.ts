// Parameter sweeps: the cartesian product of value lists for some axes, one run per combination.
// Pure: parsing, checking, expanding and labelling; the service decides what to do with the points.
import {UsageError, ValidationError} from './errors.js';
import type {ControlName, ControlWeights, Parameters} from './model.js';
import {checkParameters, checkWeight, isControlName, parseDecimal} from './validate.js';

export const SWEEP_AXES = ['vis', 'edge', 'depth', 'seg', 'seed', 'steps', 'guidance'] as const;
export type SweepAxis = (typeof SWEEP_AXES)[number];
export type SweepAxes = Partial<Record<SweepAxis, number[]>>;
export type SweepPoint = {weights: ControlWeights; parameters: Parameters};

/** Most values one range (or one axis) may make: more is almost surely a typo, and a grid of them would flood the queue. */
export const MAX_AXIS_VALUES = 1000;

/** Most decimal places a range's numbers may have; also keeps the scaled integers small. */
const MAX_DECIMALS = 30;

/** The Parameters field each non-weight axis sets. */
const PARAMETER_OF = {seed: 'seed', steps: 'num_steps', guidance: 'guidance'} as const satisfies Record<
	Exclude<SweepAxis, ControlName>,
	keyof Parameters
>;

/** A decimal as an exact scaled integer: value = units / 10^scale. */
type Scaled = {units: bigint; scale: number};

/** Parses one axis's text as typed on the command line (or in the UI) into its values; throws UsageError with a one-line message starting with `--<axis>: `. */
export function parseAxis(axis: SweepAxis, text: string): number[] {
	if (text.trim() === '') throw usage(axis, 'no values given');
	const values: number[] = [];
	for (const raw of text.split(',')) {
		const part = raw.trim();
		if (part === '') throw usage(axis, `empty value in ${quote(text)}`);
		const partValues = part.includes(':')
			? decimalRange(axis, part)
			: part.includes('..')
				? integerRange(axis, part)
				: [singleValue(axis, part)];
		for (const value of partValues) checkValue(axis, value);
		values.push(...partValues);
	}
	// A Set keeps first occurrences in order; -0 was already folded into 0.
	const unique = [...new Set(values)];
	if (unique.length > MAX_AXIS_VALUES) throw usage(axis, `${unique.length} values in all; the limit is ${MAX_AXIS_VALUES}`);
	return unique;
}

/** Number of runs the axes make (product of lengths; 1 for no axes). */
export function gridSize(axes: SweepAxes): number {
	return givenAxes(axes).reduce((size, [, values]) => size * values.length, 1);
}

/** The cartesian product over `base`: axes in SWEEP_AXES order, the last given axis varying fastest. steps -> parameters.num_steps, seed -> parameters.seed, guidance -> parameters.guidance, vis/edge/depth/seg -> weights. */
export function sweepGrid(base: SweepPoint, axes: SweepAxes): SweepPoint[] {
	// Expanding axis by axis makes each later axis cycle within the earlier one's values.
	let points: SweepPoint[] = [copyPoint(base)];
	for (const [axis, values] of givenAxes(axes)) {
		points = points.flatMap(point => values.map(value => withValue(point, axis, value)));
	}
	return points;
}

/** Short label of a point's varied values, e.g. "vis=0.3 edge=0.6 seed=2" (only the axes present), for listings. */
export function pointLabel(point: SweepPoint, axes: SweepAxes): string {
	return givenAxes(axes)
		.map(([axis]) => `${axis}=${formatValue(valueOf(point, axis))}`)
		.join(' ');
}

/** The canonical text of an axis's values (what parseAxis would accept back): "0.1,0.3,0.5". */
export function formatAxis(values: number[]): string {
	return values.map(value => formatValue(value)).join(',');
}

/** The given axes in SWEEP_AXES order (unknown keys and undefined entries ignored). */
function givenAxes(axes: SweepAxes): Array<[SweepAxis, number[]]> {
	return SWEEP_AXES.flatMap(axis => {
		const values = axes[axis];
		return values === undefined ? [] : [[axis, values] as [SweepAxis, number[]]];
	});
}

function copyPoint(point: SweepPoint): SweepPoint {
	return {weights: {...point.weights}, parameters: {...point.parameters}};
}

function withValue(point: SweepPoint, axis: SweepAxis, value: number): SweepPoint {
	const next = copyPoint(point);
	if (isControlName(axis)) next.weights[axis] = value;
	else next.parameters[PARAMETER_OF[axis]] = value;
	return next;
}

function valueOf(point: SweepPoint, axis: SweepAxis): number {
	return isControlName(axis) ? point.weights[axis] : point.parameters[PARAMETER_OF[axis]];
}

/**
 * At most 15 significant digits: every decimal typed with 15 or fewer comes back exactly,
 * and sums with binary noise (0.1 + 0.2) print clean.
 */
function formatValue(value: number): string {
	if (!Number.isFinite(value)) return String(value);
	// `+ 0` folds -0 into 0.
	return String(Number(value.toPrecision(15)) + 0);
}

/** Checks one value with the domain's own rules for the axis. */
function checkValue(axis: SweepAxis, value: number): void {
	try {
		if (isControlName(axis)) checkWeight(axis, value);
		else checkParameters({[PARAMETER_OF[axis]]: value});
	} catch (error) {
		if (error instanceof ValidationError) throw new UsageError(`--${axis}: ${error.message}`);
		throw error;
	}
}

function usage(axis: SweepAxis, message: string): UsageError {
	return new UsageError(`--${axis}: ${message}`);
}

function singleValue(axis: SweepAxis, part: string): number {
	const value = parseDecimal(part);
	if (Number.isNaN(value)) throw usage(axis, `${quote(part)} is not a number`);
	return value + 0;
}

/** "a..b": whole numbers from a to b inclusive. */
function integerRange(axis: SweepAxis, part: string): number[] {
	const ends = part.split('..').map(end => end.trim());
	const [startText = '', endText = ''] = ends;
	const whole = /^[+-]?\d+$/;
	if (ends.length !== 2 || !whole.test(startText) || !whole.test(endText)) {
		throw usage(axis, `${quote(part)} is not a whole-number range (use start..end, e.g. 1..4)`);
	}
	// BigInt keeps huge typed ends exact, so the size check below is never fooled by rounding.
	const start = BigInt(startText);
	const end = BigInt(endText);
	if (start > end) throw usage(axis, `${part} starts after its end (${startText} > ${endText})`);
	const count = end - start + 1n;
	if (count > BigInt(MAX_AXIS_VALUES)) throw usage(axis, `${part} makes ${count} values; the limit is ${MAX_AXIS_VALUES}`);
	return Array.from({length: Number(count)}, (_, index) => Number(start + BigInt(index)) + 0);
}

/**
 * "a:b:step": a, a+step, ... up to b, which must be hit exactly. Computed in integers scaled by
 * the numbers' decimal places, so 0:1:0.1 gives exactly 0.7 (repeated float addition gives 0.7000000000000001).
 */
function decimalRange(axis: SweepAxis, part: string): number[] {
	const texts = part.split(':').map(piece => piece.trim());
	if (texts.length !== 3) throw usage(axis, `${quote(part)} is not a range (use start:end:step, e.g. 0.1:0.5:0.2)`);
	const [startText, endText, stepText] = texts as [string, string, string];
	const [start, end, step] = texts.map(piece => toScaled(axis, piece, part)) as [Scaled, Scaled, Scaled];
	const shown = texts.join(':');
	const scale = Math.max(start.scale, end.scale, step.scale);
	const [a, b, s] = [start, end, step].map(value => rescale(value, scale)) as [bigint, bigint, bigint];
	if (s <= 0n) throw usage(axis, `step ${stepText} in ${shown} must be greater than 0`);
	if (a > b) throw usage(axis, `${shown} starts after its end (${startText} > ${endText})`);
	// Ends out of range would make a confusing "does not reach" suggestion; check them first.
	checkValue(axis, toNumber(a, scale));
	checkValue(axis, toNumber(b, scale));
	const steps = (b - a) / s;
	const count = steps + 1n;
	if (count > BigInt(MAX_AXIS_VALUES)) throw usage(axis, `${shown} makes ${count} values; the limit is ${MAX_AXIS_VALUES}`);
	if ((b - a) % s !== 0n) {
		const below = a + steps * s;
		const above = below + s;
		// A "range" of one value reads better as that value.
		const range = (last: bigint) =>
			last === a ? formatScaled(a, scale) : [a, last, s].map(value => formatScaled(value, scale)).join(':');
		const options = [range(below)];
		// Only offer the longer range if it is itself acceptable.
		if (count + 1n <= BigInt(MAX_AXIS_VALUES) && isAcceptable(axis, toNumber(above, scale))) options.push(range(above));
		throw usage(axis, `${shown} does not reach ${endText}; use ${options.join(' or ')}`);
	}
	return Array.from({length: Number(count)}, (_, index) => toNumber(a + BigInt(index) * s, scale));
}

function isAcceptable(axis: SweepAxis, value: number): boolean {
	try {
		checkValue(axis, value);
		return true;
	} catch {
		return false;
	}
}

/** The exact decimal a piece of text spells, as a scaled integer. */
function toScaled(axis: SweepAxis, text: string, part: string): Scaled {
	// parseDecimal decides what is a number; the pattern only splits it into its digits.
	const value = parseDecimal(text);
	const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(text);
	if (!match || Number.isNaN(value)) throw usage(axis, `${quote(text)} in ${quote(part)} is not a number`);
	const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
	let units = BigInt(`${sign}${whole}${fraction}`);
	if (units === 0n) return {units: 0n, scale: 0};
	// A finite non-zero value bounds a positive exponent, so 10n ** -scale below stays small;
	// a huge negative one only grows `scale`, which the decimal-places limit then refuses.
	if (!Number.isFinite(value)) throw usage(axis, `${quote(text)} in ${quote(part)} is too large`);
	let scale = fraction.length - Number(exponent);
	if (scale < 0) {
		units *= 10n ** BigInt(-scale);
		scale = 0;
	}
	while (scale > 0 && units % 10n === 0n) {
		units /= 10n;
		scale--;
	}
	if (scale > MAX_DECIMALS) throw usage(axis, `${quote(text)} in ${quote(part)} has more than ${MAX_DECIMALS} decimal places`);
	return {units, scale};
}

function rescale(value: Scaled, scale: number): bigint {
	return value.units * 10n ** BigInt(scale - value.scale);
}

/** Exact decimal text of units / 10^scale, without trailing zeros ("0.7", "-1.25", "3"). */
function formatScaled(units: bigint, scale: number): string {
	const negative = units < 0n;
	const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
	const whole = digits.slice(0, digits.length - scale);
	const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
	return `${negative ? '-' : ''}${whole}${fraction === '' ? '' : `.${fraction}`}`;
}

/** The double nearest the exact decimal: what typing that decimal would have given. */
function toNumber(units: bigint, scale: number): number {
	return Number(formatScaled(units, scale)) + 0;
}

/** Quoted for a one-line message (newlines and quotes escaped). */
function quote(text: string): string {
	return JSON.stringify(text);
}
