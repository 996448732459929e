// Runs a QuerySpec against in-memory tables, and must give exactly what the naive evaluation gives
// (join every row, filter, stable-sort over the base order, slice). It picks one of:
//  index: candidates from an equality index (or the id map), then filter and sort them;
//  walk:  when the order is the base order or starts with created_at, walk the ordered array from
//         the right end and stop after offset+limit matches (no sort);
//  scan:  one filter pass, keeping a bounded top-k heap when there is a limit.
import {type AnyCondition, type Predicate, type Row, compareValues, compile, fieldsOf, isPrimitive} from './conditions.js';
import {deepFreeze} from './freeze.js';
import {materialize} from './lazy-docs.js';
import type {QuerySource, QuerySpec} from './query.js';
import {type Doc, type Table, compareKeys} from './table.js';

type Entry = {readonly doc: Doc; readonly row: Row};
type Candidates = {readonly docs: Iterable<Doc>; readonly size: number; readonly detail: string};
type Plan =
	| {readonly kind: 'index'; readonly candidates: Candidates}
	| {readonly kind: 'walk'; readonly descending: boolean}
	| {readonly kind: 'scan'};

class Prepared {
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

export function countRows(source: QuerySource, spec: QuerySpec): number {
	const prepared = new Prepared(source, spec);
	let total: number;
	const candidates = bestIndex(prepared);
	if (spec.where.length === 0 && spec.joins.length === 0) {
		total = prepared.table.size;
	} else if (candidates !== undefined && spec.where.length === 1 && spec.joins.length === 0) {
		total = candidates.size;
	} else {
		total = 0;
		for (const doc of candidates?.docs ?? prepared.table.ordered()) {
			if (prepared.admit(doc) !== undefined) {
				total++;
			}
		}
	}

	return Math.max(0, Math.min(total, prepared.wanted) - spec.offset);
}

export function groupCounts(source: QuerySource, spec: QuerySpec, field: string): Array<{key: unknown; count: number}> {
	const prepared = new Prepared(source, spec);
	let rows: Iterable<Row>;
	if (spec.limit === undefined && spec.offset === 0) {
		rows = filtered(prepared, bestIndex(prepared)?.docs ?? prepared.table.ordered());
	} else {
		rows = execute(source, spec);
	}

	const groups: Array<{key: unknown; count: number}> = [];
	const byKey = new Map<unknown, {key: unknown; count: number}>();
	for (const row of rows) {
		const value = row[field];
		// Object keys are grouped by content, not identity.
		const mapKey = isPrimitive(value) ? value : JSON.stringify(value);
		let group = byKey.get(mapKey);
		if (group === undefined) {
			group = {key: deepFreeze(value), count: 0};
			byKey.set(mapKey, group);
			groups.push(group);
		}

		group.count++;
	}

	return groups.sort((a, b) => compareValues(a.key, b.key)).map(group => Object.freeze(group));
}

function* filtered(prepared: Prepared, docs: Iterable<Doc>): Generator<Row> {
	for (const doc of docs) {
		const entry = prepared.admit(doc);
		if (entry !== undefined) {
			yield entry.row;
		}
	}
}

function choosePlan(prepared: Prepared): Plan {
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
function bestIndex(prepared: Prepared): Candidates | undefined {
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
	const best = new TopK(prepared.wanted, prepared.compare);
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

/** Keeps the k smallest entries (a max-heap on the comparator); k = Infinity keeps all. */
class TopK {
	private readonly heap: Entry[] = [];

	constructor(
		private readonly k: number,
		private readonly compare: (a: Entry, b: Entry) => number,
	) {}

	add(entry: Entry): void {
		const {heap} = this;
		if (!Number.isFinite(this.k)) {
			heap.push(entry);
		} else if (heap.length < this.k) {
			heap.push(entry);
			this.up(heap.length - 1);
		} else if (heap.length > 0 && this.compare(entry, heap[0]!) < 0) {
			heap[0] = entry;
			this.down(0);
		}
	}

	sorted(): Entry[] {
		return this.heap.sort(this.compare);
	}

	private up(i: number): void {
		const {heap} = this;
		while (i > 0) {
			const parent = (i - 1) >> 1;
			if (this.compare(heap[i]!, heap[parent]!) <= 0) {
				return;
			}

			[heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
			i = parent;
		}
	}

	private down(i: number): void {
		const {heap} = this;
		for (;;) {
			const left = 2 * i + 1;
			const right = left + 1;
			let largest = i;
			if (left < heap.length && this.compare(heap[left]!, heap[largest]!) > 0) {
				largest = left;
			}

			if (right < heap.length && this.compare(heap[right]!, heap[largest]!) > 0) {
				largest = right;
			}

			if (largest === i) {
				return;
			}

			[heap[i], heap[largest]] = [heap[largest]!, heap[i]!];
			i = largest;
		}
	}
}

