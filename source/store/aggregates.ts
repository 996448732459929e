// count() and groupBy().count(): the same semantics as counting or grouping what all() returns,
// without sorting or freezing when paging does not need it, and straight from an index when the
// only condition is the indexed equality.
import {type Row, compareValues, isPrimitive} from './conditions.js';
import {deepFreeze} from './freeze.js';
import {Prepared, bestIndex, execute} from './planner.js';
import type {QuerySource, QuerySpec} from './query.js';
import type {Doc} from './table.js';

export function countRows(source: QuerySource, spec: QuerySpec): number {
	const prepared = new Prepared(source, spec);
	let total: number;
	const candidates = bestIndex(prepared);
	if (spec.where.length === 0 && spec.joins.length === 0) {
		total = prepared.table.size;
	} else if (candidates !== undefined && spec.where.length === 1 && spec.where[0]!.kind === 'test' && spec.joins.length === 0) {
		// The one condition is the index lookup itself.
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
	const plain = spec.where.length === 0 && spec.joins.length === 0 && spec.limit === undefined && spec.offset === 0;
	// Grouping every row by a summarised field (runs by status) reads no documents.
	const counted = plain ? prepared.table.countBy(field) : undefined;
	if (counted !== undefined) {
		return [...counted].map(([key, count]) => ({key: deepFreeze(key), count})).sort((a, b) => compareValues(a.key, b.key)).map(group => Object.freeze(group));
	}

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

