// Where-conditions: the typed helpers callers build them with, and their compilation to predicates.
// Semantics (the planner and the naive evaluation share them):
//  '=' / '!=' / 'in'  deep equality (null = null is true, unlike SQL);
//  '<' '<=' '>' '>='  only between two numbers, two strings (code-unit order) or two booleans;
//  'contains' / 'like' only match string fields, case-insensitively (Unicode case folding; both
//  compile to one RegExp, which V8 runs faster than lower-casing every text and calling includes()).
import {StoreError} from './errors.js';

export type CompareOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type TextOperator = 'contains' | 'like';
export type Operator = CompareOperator | 'in' | TextOperator;
const OPERATORS = new Set<string>(['=', '!=', '<', '<=', '>', '>=', 'in', 'contains', 'like']);

/** Fields of T that hold strings (possibly null), the only ones 'contains' and 'like' accept. */
export type StringField<T> = {[K in keyof T]-?: NonNullable<T[K]> extends string ? K : never}[keyof T] & string;

export type Test = {readonly kind: 'test'; readonly field: string; readonly op: Operator; readonly value: unknown};
export type Group = {readonly kind: 'and' | 'or'; readonly conditions: readonly AnyCondition[]};
export type AnyCondition = Test | Group;
/** A condition on rows of type T (the phantom member lets TypeScript check field names and values). */
export type Condition<T> = AnyCondition & {readonly _row?: (row: T) => T};

export type Row = Readonly<Record<string, unknown>>;
export type Predicate = (row: Row) => boolean;

export function test<T>(field: string, op: Operator, value: unknown): Condition<T> {
	if (!OPERATORS.has(op)) {
		throw new StoreError(`unknown where operator ${JSON.stringify(op)}`);
	}

	if (op === 'in' && !Array.isArray(value)) {
		throw new StoreError(`where ${field} in: the value must be an array`);
	}

	if ((op === 'contains' || op === 'like') && typeof value !== 'string') {
		throw new StoreError(`where ${field} ${op}: the value must be a string`);
	}

	return {kind: 'test', field, op, value};
}

export const eq = <T, K extends keyof T & string>(field: K, value: T[K]): Condition<T> => test(field, '=', value);
export const ne = <T, K extends keyof T & string>(field: K, value: T[K]): Condition<T> => test(field, '!=', value);
export const lt = <T, K extends keyof T & string>(field: K, value: T[K]): Condition<T> => test(field, '<', value);
export const lte = <T, K extends keyof T & string>(field: K, value: T[K]): Condition<T> => test(field, '<=', value);
export const gt = <T, K extends keyof T & string>(field: K, value: T[K]): Condition<T> => test(field, '>', value);
export const gte = <T, K extends keyof T & string>(field: K, value: T[K]): Condition<T> => test(field, '>=', value);
export const isIn = <T, K extends keyof T & string>(field: K, values: ReadonlyArray<T[K]>): Condition<T> =>
	test(field, 'in', values);
/** Case-insensitive substring. */
export const contains = <T, K extends StringField<T>>(field: K, text: string): Condition<T> =>
	test(field, 'contains', text);
/** SQL LIKE: % any run, _ one character, \ escapes; case-insensitive. */
export const like = <T, K extends StringField<T>>(field: K, pattern: string): Condition<T> =>
	test(field, 'like', pattern);
export const and = <T>(...conditions: Array<Condition<T>>): Condition<T> => ({kind: 'and', conditions});
export const or = <T>(...conditions: Array<Condition<T>>): Condition<T> => ({kind: 'or', conditions});

export function compile(condition: AnyCondition): Predicate {
	if (condition.kind !== 'test') {
		const parts = condition.conditions.map(part => compile(part));
		return condition.kind === 'and'
			? row => parts.every(part => part(row))
			: row => parts.some(part => part(row));
	}

	const {field, op, value} = condition;
	switch (op) {
		case '=': {
			return isPrimitive(value) ? row => row[field] === value : row => deepEqual(row[field], value);
		}

		case '!=': {
			return isPrimitive(value) ? row => row[field] !== value : row => !deepEqual(row[field], value);
		}

		case 'in': {
			const values = value as readonly unknown[];
			const primitives = new Set(values.filter(item => isPrimitive(item)));
			const objects = values.filter(item => !isPrimitive(item));
			return row => primitives.has(row[field]) || objects.some(item => deepEqual(row[field], item));
		}

		case 'contains': {
			const pattern = new RegExp(escapeRegExp(value as string), 'iu');
			return row => {
				const text = row[field];
				return typeof text === 'string' && pattern.test(text);
			};
		}

		case 'like': {
			const pattern = likeToRegExp(value as string);
			return row => {
				const text = row[field];
				return typeof text === 'string' && pattern.test(text);
			};
		}

		default: {
			return row => {
				const actual = row[field];
				if (!comparable(actual, value)) {
					return false;
				}

				const bound = value as typeof actual;
				return op === '<' ? actual < bound : op === '<=' ? actual <= bound : op === '>' ? actual > bound : actual >= bound;
			};
		}
	}
}

/** The fields a condition reads (the planner keeps conditions on joined fields until after the join). */
export function fieldsOf(condition: AnyCondition, into = new Set<string>()): Set<string> {
	if (condition.kind === 'test') {
		into.add(condition.field);
	} else {
		for (const part of condition.conditions) {
			fieldsOf(part, into);
		}
	}

	return into;
}

/** SQL LIKE as a RegExp: % any run, _ one character, \ escapes the next character; case-insensitive. */
export function likeToRegExp(pattern: string): RegExp {
	const chars = Array.from(pattern);
	const tokens: Array<string | undefined> = []; // undefined for a run of %, else RegExp source
	for (let i = 0; i < chars.length; i++) {
		const char = chars[i]!;
		if (char === '\\' && i + 1 < chars.length) {
			tokens.push(escapeRegExp(chars[++i]!));
		} else if (char === '%') {
			if (tokens.length === 0 || tokens.at(-1) !== undefined) {
				tokens.push(undefined);
			}
		} else {
			tokens.push(char === '_' ? '.' : escapeRegExp(char));
		}
	}

	// A leading or trailing % becomes a missing anchor: /^.*x.*$/ backtracks, /x/ does not.
	const start = tokens.length > 0 && tokens[0] === undefined ? 1 : 0;
	const end = tokens.length > start && tokens.at(-1) === undefined ? tokens.length - 1 : tokens.length;
	const source = tokens
		.slice(start, end)
		.map(token => token ?? '.*')
		.join('');
	return new RegExp(`${start === 0 ? '^' : ''}${source}${end === tokens.length ? '$' : ''}`, 'isu');
}

/** Escapes RegExp syntax characters (only those: the u flag rejects other escapes). */
function escapeRegExp(text: string): string {
	return text.replaceAll(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

export function isPrimitive(value: unknown): boolean {
	return value === null || (typeof value !== 'object' && typeof value !== 'function');
}

function comparable(a: unknown, b: unknown): a is number | string | boolean {
	const type = typeof a;
	return type === typeof b && (type === 'number' || type === 'string' || type === 'boolean');
}

/** Total order for orderBy: null/undefined, then booleans, numbers, strings, then objects (by JSON). */
export function compareValues(a: unknown, b: unknown): number {
	const rankA = rank(a);
	const rankB = rank(b);
	if (rankA !== rankB) {
		return rankA - rankB;
	}

	if (rankA === 0) {
		return 0;
	}

	const left = rankA === 4 ? JSON.stringify(a) : (a as string);
	const right = rankA === 4 ? JSON.stringify(b) : (b as string);
	return left < right ? -1 : left > right ? 1 : 0;
}

function rank(value: unknown): number {
	switch (typeof value) {
		case 'boolean': {
			return 1;
		}

		case 'number': {
			return 2;
		}

		case 'string': {
			return 3;
		}

		default: {
			return value === null || value === undefined ? 0 : 4;
		}
	}
}

export function deepEqual(a: unknown, b: unknown): boolean {
	if (a === b) {
		return true;
	}

	if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
		return false;
	}

	const keysA = Object.keys(a);
	if (keysA.length !== Object.keys(b).length) {
		return false;
	}

	return keysA.every(key => Object.hasOwn(b, key) && deepEqual((a as Row)[key], (b as Row)[key]));
}
