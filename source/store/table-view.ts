// One table as queries and transactions see it: the documents in the snapshot and journal (a Table
// in memory, "hot") plus those sealed in segments (on disk, read on demand). A document lives in
// exactly one place: updating or deleting a sealed one retires it from its segment (the update puts
// the new version in the hot table), so lookups check the hot table first and skip retired rows.
import {bloomHashes} from './columns.js';
import {deepEqual} from './conditions.js';
import {holdsFields, materialize} from './lazy-docs.js';
import type {Segment} from './segment.js';
import {type Doc, Table, compareKeys} from './table.js';
import {INDEXED_FIELDS, SUMMARY_FIELDS, type TableName} from './types.js';

export type Candidates = {readonly docs: Iterable<Doc>; readonly size: number; readonly detail: string};
/** A test on summary fields that sealed rows can take before any stub or document is made for them. */
export type RowFilter = {readonly fields: readonly string[]; readonly test: (row: Record<string, unknown>) => boolean};
type Source = {next: () => Doc | undefined};

/** Sealed documents read recently, so a screen re-running its queries does not read them again. */
const CACHE_SIZE = 2000;

export class TableView {
	readonly hot: Table;
	private readonly cache = new Map<string, Doc>();

	constructor(
		readonly name: TableName,
		docs: Doc[],
		readonly segments: readonly Segment[] = [],
		/** Retired ids per segment (shared with the replica, which persists them). */
		readonly retired: Map<Segment, Set<string>> = new Map(),
	) {
		this.hot = new Table(name, docs);
	}

	get size(): number {
		let size = this.hot.size;
		for (const segment of this.segments) {
			size += segment.count - (this.retired.get(segment)?.size ?? 0);
		}

		return size;
	}

	/** The complete document (read from its segment if sealed). */
	get(id: string): Doc | undefined {
		const hot = this.hot.get(id);
		if (hot !== undefined) {
			return hot;
		}

		const found = this.findSealed(id);
		return found && materialize(this.sealedDoc(found.segment, found.row));
	}

	has(id: string): boolean {
		return this.hot.has(id) || this.findSealed(id) !== undefined;
	}

	/** Inserts or replaces by id (into the hot table; a sealed version is retired). Returns the replaced document. */
	put(doc: Doc): Doc | undefined {
		const old = this.hot.has(doc.id) ? undefined : this.retire(doc.id);
		return this.hot.put(doc) ?? old;
	}

	delete(id: string): Doc | undefined {
		return this.hot.delete(id) ?? this.retire(id);
	}

	/**
	 * Every live document in base order (or reversed); sealed ones as stubs, and only those that
	 * pass `filter` when one is given (the caller still tests every document it gets).
	 */
	*ordered(descending = false, filter?: RowFilter): Generator<Doc> {
		const direction = descending ? -1 : 1;
		const heads: Array<{source: Source; doc: Doc | undefined}> = [];
		const add = (source: Source) => {
			const doc = source.next();
			if (doc !== undefined) {
				heads.push({source, doc});
			}
		};

		add(arraySource(this.hot.ordered(), descending));
		// A segment is opened only once the merge reaches its time range (the manifest has it), so
		// the newest 50 rows read one or two segments, not all of them.
		const waiting = this.segments
			.filter(segment => segment.count > 0)
			.map(segment => ({segment, bound: descending ? segment.ref.max_created : segment.ref.min_created}))
			.sort((a, b) => (a.bound < b.bound ? -direction : a.bound > b.bound ? direction : 0));
		const reached = (bound: string, doc: Doc | undefined) => doc === undefined || (descending ? bound >= doc.created_at : bound <= doc.created_at);
		for (;;) {
			let best = -1;
			for (let index = 0; index < heads.length; index++) {
				if (best < 0 || compareKeys(heads[index]!.doc!, heads[best]!.doc!) * direction < 0) {
					best = index;
				}
			}

			const next = waiting[0];
			if (next !== undefined && reached(next.bound, heads[best]?.doc)) {
				waiting.shift();
				add(this.segmentSource(next.segment, descending, filter));
				continue;
			}

			if (best < 0) {
				return;
			}

			const head = heads[best]!;
			yield head.doc!;
			head.doc = head.source.next();
			if (head.doc === undefined) {
				heads.splice(best, 1);
			}
		}
	}

	/** Documents whose indexed field equals one of values, or undefined for an unindexed field. */
	lookup(field: string, values: readonly unknown[]): Candidates | undefined {
		if (field !== 'id' && !INDEXED_FIELDS[this.name].includes(field)) {
			return undefined;
		}

		if (field === 'id') {
			const docs = values.map(value => (typeof value === 'string' ? this.get(value) : undefined)).filter(doc => doc !== undefined);
			return {docs, size: docs.length, detail: 'id'};
		}

		const docs: Doc[] = [];
		const index = this.hot.index(field)!;
		for (const value of values) {
			docs.push(...(index.get(value) ?? []));
			const key = JSON.stringify(value ?? null);
			for (const segment of this.sealedWith(field)) {
				const matched = segment.rowsWhere(field, value, key);
				// Most segments hold none of a prompt's runs: skip them before any allocation.
				if (matched.length === 0) {
					continue;
				}

				const retired = this.retired.get(segment);
				const rows = Array.from(matched).filter(row => retired === undefined || retired.size === 0 || !retired.has(segment.value('id', row) as string));
				docs.push(...this.sealedDocs(segment, rows));
			}
		}

		return {docs, size: docs.length, detail: field};
	}

	/** How many live rows hold each value of field, without reading documents; undefined if field is not summarised. */
	countBy(field: string): Map<unknown, number> | undefined {
		if (!SUMMARY_FIELDS[this.name].includes(field) && this.segments.length > 0) {
			return undefined;
		}

		const counts = new Map<unknown, number>();
		const add = (value: unknown, count: number) => counts.set(value, (counts.get(value) ?? 0) + count);
		for (const doc of this.hot.byId.values()) {
			if (!holdsFields(doc, [field])) {
				materialize(doc);
			}

			add(doc[field], 1);
		}

		for (const segment of this.segments) {
			const perValue = segment.counts(field);
			if (perValue === undefined) {
				return undefined;
			}

			for (const [value, count] of perValue) {
				add(value, count);
			}

			for (const id of this.retired.get(segment) ?? []) {
				add(segment.value(field, segment.rowOf(id)), -1);
			}
		}

		for (const [value, count] of counts) {
			if (count === 0) {
				counts.delete(value);
			}
		}

		return counts;
	}

	/** Whether two views hold the same document under id (for the changes between two loads). */
	static same(a: TableView, b: TableView, id: string): boolean {
		const left = a.get(id);
		const right = b.get(id);
		return left !== undefined && right !== undefined && deepEqual(left, right);
	}

	private segmentSource(segment: Segment, descending: boolean, filter: RowFilter | undefined): Source {
		const retired = this.retired.get(segment);
		let row = descending ? segment.count - 1 : 0;
		const step = descending ? -1 : 1;
		const probe: Record<string, unknown> = {};
		const readers = filter?.fields.map(field => [field, segment.reader(field)] as const) ?? [];
		const passes = (at: number) => {
			for (const [field, read] of readers) {
				probe[field] = read(at);
			}

			return filter === undefined || filter.test(probe);
		};
		const id = segment.reader('id');
		const live = (at: number) => retired === undefined || retired.size === 0 || !retired.has(id(at) as string);

		return {
			next: () => {
				for (; row >= 0 && row < segment.count; row += step) {
					if (passes(row) && live(row)) {
						const doc = this.sealedDoc(segment, row);
						row += step;
						return doc;
					}
				}

				return undefined;
			},
		};
	}

	private *sealedWith(field: string): Generator<Segment> {
		if (SUMMARY_FIELDS[this.name].includes(field)) {
			yield* this.segments;
		}
	}

	private findSealed(id: string): {segment: Segment; row: number} | undefined {
		// Newest first: a document sealed again after an update lives in the newer segment.
		const bytes = Buffer.from(id);
		const hashes = bloomHashes(bytes);
		for (let index = this.segments.length - 1; index >= 0; index--) {
			const segment = this.segments[index]!;
			const row = segment.rowOf(bytes, hashes);
			if (row >= 0 && !this.retired.get(segment)?.has(id)) {
				return {segment, row};
			}
		}

		return undefined;
	}

	private retire(id: string): Doc | undefined {
		const found = this.findSealed(id);
		if (found === undefined) {
			return undefined;
		}

		const doc = materialize(this.sealedDoc(found.segment, found.row));
		let retired = this.retired.get(found.segment);
		if (retired === undefined) {
			retired = new Set();
			this.retired.set(found.segment, retired);
		}

		retired.add(id);
		return doc;
	}

	private sealedDoc(segment: Segment, row: number): Doc {
		return this.sealedDocs(segment, [row])[0]!;
	}

	/** Stubs for rows of a segment (ascending), from the cache or read together (Segment.stubsAt). */
	private sealedDocs(segment: Segment, rows: readonly number[]): Doc[] {
		const keys = rows.map(row => `${segment.ref.file}:${row}`);
		const missing = rows.filter((_, index) => !this.cache.has(keys[index]!));
		const read = missing.length === 0 ? [] : missing.length === 1 ? [segment.stub(missing[0]!)] : segment.stubsAt(missing);
		let next = 0;
		return keys.map(key => {
			let doc = this.cache.get(key);
			if (doc === undefined) {
				doc = read[next++]!;
				if (this.cache.size >= CACHE_SIZE) {
					this.cache.delete(this.cache.keys().next().value!);
				}
			} else {
				this.cache.delete(key);
			}

			this.cache.set(key, doc);
			return doc;
		});
	}
}

function arraySource(rows: readonly Doc[], descending: boolean): {next: () => Doc | undefined} {
	let index = descending ? rows.length - 1 : 0;
	return {next: () => rows[descending ? index-- : index++]};
}
