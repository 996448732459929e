// Validation of user-supplied values, shared by the service, the command line and the UI.
import {UsageError, ValidationError} from './errors.js';
import {
	CONTROL_NAMES,
	MAX_PROMPT_LENGTH,
	type ControlName,
	type ControlWeights,
	type Parameters,
} from './model.js';
import {PARAMETER_RULES} from './parameter-rules.js';

/** Trimmed, NUL-free prompt text, or a ValidationError. */
export function cleanPromptText(text: string, what = 'prompt text'): string {
	const cleaned = text.replaceAll('\0', '').trim();
	if (cleaned === '') throw new ValidationError(`${what} is empty`);
	if (cleaned.length > MAX_PROMPT_LENGTH) {
		throw new ValidationError(
			`${what} is ${cleaned.length.toLocaleString('en')} characters; the limit is ${MAX_PROMPT_LENGTH.toLocaleString('en')}`,
		);
	}
	return cleaned;
}

export const isControlName = (name: string): name is ControlName =>
	(CONTROL_NAMES as readonly string[]).includes(name);

export function checkWeight(name: string, value: unknown): number {
	if (!isControlName(name)) {
		throw new ValidationError(`unknown control "${name}" (known: ${CONTROL_NAMES.join(', ')})`);
	}
	if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
		throw new ValidationError(`weight ${name} must be a number from 0 to 1, got ${String(value)}`);
	}
	return value;
}

/** Checks a partial weights object: known controls only, each finite and within 0..1. */
export function checkWeights(weights: Readonly<Record<string, unknown>>): Partial<ControlWeights> {
	const result: Partial<ControlWeights> = {};
	for (const [name, value] of Object.entries(weights)) {
		result[name as ControlName] = checkWeight(name, value);
	}
	return result;
}

/**
 * Parses a --weights flag: "vis=0.3,edge=0.2" (any subset) or four numbers in
 * vis,edge,depth,seg order ("0.3,0.2,0.25,0.25").
 */
export function parseWeightsFlag(text: string): Partial<ControlWeights> {
	const parts = text.split(',').map(part => part.trim());
	if (parts.some(part => part === '')) throw new UsageError(`--weights: empty entry in "${text}"`);
	const positional = parts.every(part => !part.includes('='));
	if (positional && parts.length !== CONTROL_NAMES.length) {
		throw new UsageError(`--weights: expected name=value pairs or 4 numbers (vis,edge,depth,seg), got "${text}"`);
	}
	const weights: Record<string, unknown> = {};
	parts.forEach((part, index) => {
		const [name, value, extra] = positional ? [CONTROL_NAMES[index]!, part] : part.split('=');
		if (!name || value === undefined || extra !== undefined) throw new UsageError(`--weights: malformed entry "${part}"`);
		if (Object.hasOwn(weights, name)) throw new UsageError(`--weights: ${name} given twice`);
		weights[name] = parseDecimal(value);
	});
	try {
		return checkWeights(weights);
	} catch (error) {
		throw new UsageError(`--weights: ${(error as Error).message}`);
	}
}

/** Strict decimal parse: "0.3" and "1e-1" yes; "", "0x1", " 1", "NaN" no (NaN is returned, which checks reject). */
export function parseDecimal(text: string): number {
	return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) ? Number(text) : Number.NaN;
}

type ParameterKey = keyof Parameters;
// The config file's [generation] and [docker] num_gpus keys use these same rules.
const PARAMETER_SPECS = PARAMETER_RULES;

export const PARAMETER_NAMES = Object.keys(PARAMETER_SPECS) as ParameterKey[];

type Parsed = {ok: true; value: unknown} | {ok: false; expected: string};

/** Checks one parameter value with the config file's rules. */
export function checkParameter(key: string, value: unknown): Parsed {
	const spec = (PARAMETER_SPECS as Record<string, {parse: (v: never) => Parsed}>)[key];
	if (!spec) throw new ValidationError(`unknown parameter "${key}" (known: ${PARAMETER_NAMES.join(', ')})`);
	return spec.parse(value as never);
}

/** Checks a partial parameters object with the same rules as the config file. */
export function checkParameters(parameters: Readonly<Record<string, unknown>>): Partial<Parameters> {
	const result: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(parameters)) {
		const parsed = checkParameter(key, value);
		if (!parsed.ok) throw new ValidationError(`${key} must be ${parsed.expected}, got ${String(value)}`);
		result[key] = parsed.value;
	}
	return result as Partial<Parameters>;
}
