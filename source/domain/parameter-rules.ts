// The allowed values of run parameters: one place for the config file, the command line and the UI.
import {PRESET_LEVELS, type Parameters, type PresetLevel} from './model.js';

/** A checked value, or what was expected (reads as "... must be <expected>"). */
export type RuleResult<T> = {ok: true; value: T} | {ok: false; expected: string};

export type Rule<T> = {parse: (value: unknown) => RuleResult<T>};

const fail = (expected: string) => ({ok: false as const, expected});
const ok = <T>(value: T) => ({ok: true as const, value});

/** A finite number within min..max (inclusive), optionally whole. */
export function numberRule(min: number, max: number, integer = false): Rule<number> {
	const expected = `${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`;
	return {
		parse(v) {
			if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) return fail(expected);
			return integer && !Number.isInteger(v) ? fail(expected) : ok(v);
		},
	};
}

/** One of a fixed list of strings. */
export function oneOfRule<T extends string>(values: readonly T[]): Rule<T> {
	return {
		parse: v =>
			typeof v === 'string' && (values as readonly string[]).includes(v)
				? ok(v as T)
				: fail(`one of ${values.join(', ')}`),
	};
}

export const levelRule: Rule<PresetLevel> = oneOfRule(PRESET_LEVELS);

/** Rules per parameter; the key order is the order parameters are listed in messages. */
export const PARAMETER_RULES: {[K in keyof Parameters]: Rule<Parameters[K]>} = {
	num_steps: numberRule(1, 1000, true),
	guidance: numberRule(0, 100),
	seed: numberRule(0, 2 ** 32 - 1, true),
	fps: numberRule(1, 240, true),
	sigma_max: numberRule(0, 1000),
	blur_strength: levelRule,
	canny_threshold: levelRule,
	num_gpus: numberRule(1, 64, true),
};
