// Runs a QuerySpec against in-memory tables, and must give exactly what the naive evaluation gives
// (join every row, filter, stable-sort over the base order, slice). It picks one of:
//  index: candidates from an equality index (or the id map), then filter and sort them;
//  walk:  when the order is the base order or starts with created_at, walk the ordered array from
//         the end the order starts at, and stop after offset+limit matches (no sort);
//  scan:  one filter pass, keeping a bounded top-k heap when there is a limit.
import {type AnyCondition, type Predicate, type Row, compareValues, compile, fieldsOf, isPrimitive} from './conditions.js';
import {deepFreeze} from './freeze.js';
import {materialize} from './lazy-docs.js';
import type {QuerySource, QuerySpec} from './query.js';
import {type Doc, type Table, compareKeys} from './table.js';
import {TopK} from './top-k.js';

export type Entry = {readonly doc: Doc; readonly row: Row};
export type Candidates = {readonly docs: Iterable<Doc>; readonly size: number; readonly detail: string};
type Plan =
	| {readonly kind: 'index'; readonly candidates: Candidates}
	| {readonly kind: 'walk'; readonly descending: boolean}
	| {readonly kind: 'scan'};

export class Prepared {
	readonly table: Table;
	readonly wanted: number;
	private readonly baseTest: Predicate;
	private readonly joinedTest: Predicate | undefined;
	private readonly joins: ReadonlyArray<{table: Table; localKey: string; as: string}>;
	readonly aliases: ReadonlySet<string>;

	constructor(source: QuerySource, readonly spec: QuerySpec) {
		this.table = source.table(spec.table);
		this.wanted = spec.limit === undefined ? Number.POSITIVE_INFINITY : spec.offset + spec.limit;
		this.joins = spec.joins.map(join => ({table: source.table(join.table), localKey: join.localKey, as: join.as}));
		this.aliases = new Set(spec.joins.map(join => join.as));
		// Conditions on joined fields wait until the row is joined; the rest filter documents first.
		const onBase: AnyCondition[] = [];
		const onJoined: AnyCondition[] = [];
		for (const condition of spec.where) {
			const touchesJoin = [...fieldsOf(condition)].some(field => this.aliases.has(field));
			(touchesJoin ? onJoined : onBase).push(condition);
		}

		this.baseTest = compile({kind: 'and', conditions: onBase});
		this.joinedTest = onJoined.length > 0 ? compile({kind: 'and', conditions: onJoined}) : undefined;
	}

	/** The output row for doc, or undefined if a condition or an inner join drops it. */
	admit(doc: Doc): Entry | undefined {
		materialize(doc);
		if (!this.baseTest(doc)) {
			return undefined;
		}

		let row: Row = doc;
		for (const join of this.joins) {
			const key = row[join.localKey];
			const other = typeof key === 'string' ? join.table.get(key) : undefined;
			if (other === undefined) {
				return undefined;
			}

			row = {...row, [join.as]: other};
		}

		return this.joinedTest === undefined || this.joinedTest(row) ? {doc, row} : undefined;
	}

	readonly compare = (a: Entry, b: Entry): number => {
		for (const {field, direction} of this.spec.orders) {
			const order = compareValues(a.row[field], b.row[field]);
			if (order !== 0) {
				return order * direction;
			}
		}

		return compareKeys(a.doc, b.doc);
	};
}

export function execute(source: QuerySource, spec: QuerySpec): Row[] {
	const prepared = new Prepared(source, spec);
	const entries = run(prepared, choosePlan(prepared));
	return entries.slice(spec.offset, prepared.wanted).map(entry => deepFreeze(entry.row));
}

export function explain(source: QuerySource, spec: QuerySpec): string {
	const prepared = new Prepared(source, spec);
	const plan = choosePlan(prepared);
	const name = spec.table;
	switch (plan.kind) {
		case 'index': {
			return `index ${name}.${plan.candidates.detail} (${plan.candidates.size} rows)`;
		}

		case 'walk': {
			return `walk ${name} by created_at ${plan.descending ? 'desc' : 'asc'}`;
		}

		default: {
			return `scan ${name}${Number.isFinite(prepared.wanted) ? ` top ${prepared.wanted}` : ''}`;
		}
	}
}

export function choosePlan(prepared: Prepared): Plan {
	const {orders} = prepared.spec;
	const walkable = orders.length === 0 || (orders[0]!.field === 'created_at' && !prepared.aliases.has('created_at'));
	const candidates = bestIndex(prepared);
	const rows = prepared.table.size;
	if (candidates !== undefined) {
		// Walking stops after `wanted` matches; if the index matches a fraction f of the rows, that takes ~wanted/f steps.
		const walkCost = Math.min(rows, (prepared.wanted * rows) / Math.max(candidates.size, 1));
		const indexCost = candidates.size * Math.log2(candidates.size + 2);
		if (!walkable || indexCost <= walkCost) {
			return {kind: 'index', candidates};
		}
	}

	return walkable ? {kind: 'walk', descending: orders[0]?.direction === -1} : {kind: 'scan'};
}

/** The smallest candidate set an equality condition (ANDed at the top level) gets from an index. */
export function bestIndex(prepared: Prepared): Candidates | undefined {
	let best: Candidates | undefined;
	for (const condition of topLevelTests(prepared.spec.where)) {
		if ((condition.op !== '=' && condition.op !== 'in') || prepared.aliases.has(condition.field)) {
			continue;
		}

		const values = condition.op === '=' ? [condition.value] : [...new Set(condition.value as unknown[])];
		if (!values.every(value => isPrimitive(value))) {
			continue;
		}

		let found: Candidates | undefined;
		const {table} = prepared;
		if (condition.field === 'id') {
			const docs = values.map(value => (typeof value === 'string' ? table.get(value) : undefined)).filter(doc => doc !== undefined);
			found = {docs, size: docs.length, detail: 'id'};
		} else {
			const index = table.index(condition.field);
			if (index !== undefined) {
				const sets = values.map(value => index.get(value)).filter(set => set !== undefined);
				found = {
					docs: sets.length === 1 ? sets[0]! : sets.flatMap(set => [...set]),
					size: sets.reduce((sum, set) => sum + set.size, 0),
					detail: condition.field,
				};
			}
		}

		if (found !== undefined && (best === undefined || found.size < best.size)) {
			best = found;
		}
	}

	return best;
}

function* topLevelTests(conditions: readonly AnyCondition[]): Generator<Extract<AnyCondition, {kind: 'test'}>> {
	for (const condition of conditions) {
		if (condition.kind === 'test') {
			yield condition;
		} else if (condition.kind === 'and') {
			yield* topLevelTests(condition.conditions);
		}
	}
}

function run(prepared: Prepared, plan: Plan): Entry[] {
	if (plan.kind === 'walk') {
		return walk(prepared, plan.descending);
	}

	const docs = plan.kind === 'index' ? plan.candidates.docs : prepared.table.ordered();
	const best = new TopK<Entry>(prepared.wanted, prepared.compare);
	for (const doc of docs) {
		const entry = prepared.admit(doc);
		if (entry !== undefined) {
			best.add(entry);
		}
	}

	return best.sorted();
}

/** Walks the created_at-ordered rows; rows with equal created_at are sorted among themselves by the full order. */
function walk(prepared: Prepared, descending: boolean): Entry[] {
	const rows = prepared.table.ordered();
	const out: Entry[] = [];
	const simple = !descending && prepared.spec.orders.length <= 1;
	let i = descending ? rows.length - 1 : 0;
	while (i >= 0 && i < rows.length && out.length < prepared.wanted) {
		const first = rows[i]!;
		let end = i;
		if (!simple) {
			const step = descending ? -1 : 1;
			while (rows[end + step]?.created_at === first.created_at) {
				end += step;
			}
		}

		if (end === i) {
			const entry = prepared.admit(first);
			if (entry !== undefined) {
				out.push(entry);
			}
		} else {
			const group: Entry[] = [];
			for (let j = Math.min(i, end); j <= Math.max(i, end); j++) {
				const entry = prepared.admit(rows[j]!);
				if (entry !== undefined) {
					group.push(entry);
				}
			}

			out.push(...group.sort(prepared.compare));
		}

		i = end + (descending ? -1 : 1);
	}

	return out;
}
