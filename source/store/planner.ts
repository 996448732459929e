// Runs a QuerySpec against in-memory tables, and must give exactly what the naive evaluation gives
// (join every row, filter, stable-sort over the base order, slice). It picks one of:
//  index: candidates from an equality index (or the id map), then filter and sort them;
//  walk:  when the order is the base order or starts with created_at, walk the ordered array from
//         the end the order starts at, and stop after offset+limit matches (no sort);
//  scan:  one filter pass, keeping a bounded top-k heap when there is a limit.
import {type AnyCondition, type Predicate, type Row, compareValues, compile, fieldsOf, isPrimitive} from './conditions.js';
import {deepFreeze} from './freeze.js';
import {holdsFields, materialize} from './lazy-docs.js';
import type {QuerySource, QuerySpec} from './query.js';
import {type Doc, compareKeys} from './table.js';
import {SUMMARY_FIELDS} from './types.js';
import type {Candidates, RowFilter, TableView} from './table-view.js';
import {TopK} from './top-k.js';

export type Entry = {readonly doc: Doc; readonly row: Row};
type Plan =
	| {readonly kind: 'index'; readonly candidates: Candidates}
	| {readonly kind: 'walk'; readonly descending: boolean}
	| {readonly kind: 'scan'};

export class Prepared {
	readonly table: TableView;
	readonly wanted: number;
	private readonly baseTest: Predicate;
	private readonly joinedTest: Predicate | undefined;
	private readonly joins: ReadonlyArray<{table: TableView; localKey: string; as: string}>;
	private readonly baseFields: ReadonlySet<string>;
	/** The base conditions, for sealed rows to take before a stub is made (when they read summary fields only). */
	readonly rowFilter: RowFilter | undefined;
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
		this.baseFields = fieldsOf({kind: 'and', conditions: onBase});
		const fields = [...this.baseFields];
		const summarised = onBase.length > 0 && fields.every(field => SUMMARY_FIELDS[spec.table].includes(field));
		this.rowFilter = summarised ? {fields, test: this.baseTest} : undefined;
		this.joinedTest = onJoined.length > 0 ? compile({kind: 'and', conditions: onJoined}) : undefined;
	}

	/** The output row for doc, or undefined if a condition or an inner join drops it. */
	admit(doc: Doc): Entry | undefined {
		// A stub that holds every field the conditions read is tested before its document is read.
		if (holdsFields(doc, this.baseFields)) {
			if (!this.baseTest(doc)) {
				return undefined;
			}

			materialize(doc);
		} else if (!this.baseTest(materialize(doc))) {
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

		const found = prepared.table.lookup(condition.field, values);

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

	const docs = plan.kind === 'index' ? plan.candidates.docs : prepared.table.ordered(false, prepared.rowFilter);
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
	const rows = prepared.table.ordered(descending, prepared.rowFilter)[Symbol.iterator]();
	const out: Entry[] = [];
	const simple = !descending && prepared.spec.orders.length <= 1;
	let next = rows.next();
	while (!next.done && out.length < prepared.wanted) {
		const first = next.value;
		const group: Entry[] = [];
		const add = (doc: Doc) => {
			const entry = prepared.admit(doc);
			if (entry !== undefined) {
				group.push(entry);
			}
		};

		add(first);
		next = rows.next();
		while (!simple && !next.done && next.value.created_at === first.created_at) {
			add(next.value);
			next = rows.next();
		}

		out.push(...(group.length > 1 ? group.sort(prepared.compare) : group));
	}

	return out;
}
