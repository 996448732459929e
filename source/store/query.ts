// Query<T>: an immutable, typed, SQL-like query builder. Each call returns a new query; nothing runs
// until all(), first(), count() or groupBy(...).count(), which read the freshest data.
import {
	type AnyCondition,
	type CompareOperator,
	type Condition,
	type StringField,
	type TextOperator,
	test,
} from './conditions.js';
import {StoreError} from './errors.js';
import {countRows, groupCounts} from './aggregates.js';
import {execute, explain} from './planner.js';
import type {TableView} from './table-view.js';
import type {TableName, Tables} from './types.js';

export type Direction = 'asc' | 'desc';
export type Order = {readonly field: string; readonly direction: 1 | -1};
export type Join = {readonly table: TableName; readonly localKey: string; readonly as: string};
export type QuerySpec = {
	readonly table: TableName;
	readonly where: readonly AnyCondition[];
	readonly orders: readonly Order[];
	readonly joins: readonly Join[];
	readonly limit: number | undefined;
	readonly offset: number;
};

/** Where a query gets its tables; beforeRead lets the store catch up with other processes first. */
export type QuerySource = {
	table(name: TableName): TableView;
	beforeRead(): void;
};

export function newQuery<T>(source: QuerySource, table: TableName): Query<T> {
	return new Query<T>(source, {table, where: [], orders: [], joins: [], limit: undefined, offset: 0});
}

export class Query<T> {
	constructor(
		private readonly source: QuerySource,
		private readonly spec: QuerySpec,
	) {}

	where<K extends keyof T & string>(field: K, op: CompareOperator, value: T[K]): Query<T>;
	where<K extends keyof T & string>(field: K, op: 'in', values: ReadonlyArray<T[K]>): Query<T>;
	where<K extends StringField<T>>(field: K, op: TextOperator, text: string): Query<T>;
	where(condition: Condition<T>): Query<T>;
	where(fieldOrCondition: string | AnyCondition, op?: CompareOperator | 'in' | TextOperator, value?: unknown): Query<T> {
		const condition =
			typeof fieldOrCondition === 'string' ? test(fieldOrCondition, op ?? '=', value) : fieldOrCondition;
		return this.with({where: [...this.spec.where, condition]});
	}

	/** Chain for tie-breaks. Rows equal on every order keep the base order (created_at, then id). */
	orderBy<K extends keyof T & string>(field: K, direction: Direction = 'asc'): Query<T> {
		if (direction !== 'asc' && direction !== 'desc') {
			throw new StoreError(`orderBy ${field}: direction must be 'asc' or 'desc'`);
		}

		return this.with({orders: [...this.spec.orders, {field, direction: direction === 'asc' ? 1 : -1}]});
	}

	limit(count: number): Query<T> {
		return this.with({limit: checkCount('limit', count)});
	}

	offset(count: number): Query<T> {
		return this.with({offset: checkCount('offset', count)});
	}

	/** Inner join: keeps rows whose localKey names an existing document of table, and puts it under `as`. */
	join<U extends TableName, K extends keyof T & string, A extends string>(
		table: U,
		localKey: K,
		as: A,
	): Query<T & Record<A, Tables[U]>> {
		return new Query<T & Record<A, Tables[U]>>(this.source, {
			...this.spec,
			joins: [...this.spec.joins, {table, localKey, as}],
		});
	}

	/** Matching rows, as frozen objects. */
	all(): T[] {
		this.source.beforeRead();
		return execute(this.source, this.spec) as T[];
	}

	first(): T | undefined {
		return this.with({limit: Math.min(this.spec.limit ?? 1, 1)}).all()[0];
	}

	/** How many rows all() would return (limit and offset included). */
	count(): number {
		this.source.beforeRead();
		return countRows(this.source, this.spec);
	}

	/** Groups the rows all() would return. groupBy(field).count() gives [{key, count}] sorted by key. */
	groupBy<K extends keyof T & string>(field: K): Grouping<T, K> {
		return new Grouping<T, K>(this.source, this.spec, field);
	}

	/** How the planner would run this query (for tests and curiosity), e.g. "index runs.prompt_id (10 rows)". */
	explain(): string {
		this.source.beforeRead();
		return explain(this.source, this.spec);
	}

	private with(change: Partial<QuerySpec>): Query<T> {
		return new Query<T>(this.source, {...this.spec, ...change});
	}
}

export class Grouping<T, K extends keyof T & string> {
	constructor(
		private readonly source: QuerySource,
		private readonly spec: QuerySpec,
		private readonly field: K,
	) {}

	count(): Array<{key: T[K]; count: number}> {
		this.source.beforeRead();
		return groupCounts(this.source, this.spec, this.field) as Array<{key: T[K]; count: number}>;
	}
}

function checkCount(what: string, count: number): number {
	if (!Number.isSafeInteger(count) || count < 0) {
		throw new StoreError(`${what} must be a whole number ≥ 0, got ${count}`);
	}

	return count;
}
