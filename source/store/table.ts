// One table in memory: documents by id, an array ordered by (created_at, id) so "newest N" walks
// the tail instead of sorting, and equality indexes on the fields queries filter by most.
// Documents are never mutated in place: an update stores a new object, so frozen copies handed
// out earlier stay valid snapshots.
import {bisect} from './columns.js';
import {StoreError} from './errors.js';
import {materialize} from './lazy-docs.js';
import {INDEXED_FIELDS, type TableName} from './types.js';

export type Doc = {readonly id: string; readonly created_at: string; readonly [field: string]: unknown};

/** The base order of every table: created_at, then id (ids are unique, so this is total). */
export function compareKeys(a: Doc, b: Doc): number {
	if (a.created_at !== b.created_at) {
		return a.created_at < b.created_at ? -1 : 1;
	}

	return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export class Table {
	readonly byId = new Map<string, Doc>();
	private rows: Doc[];
	// Out-of-order inserts are appended and sorted on the next read (timsort merges the tail cheaply).
	private sorted = true;
	// Built on first use (open stays cheap), then kept up to date by put and delete.
	private readonly indexes = new Map<string, Map<unknown, Set<Doc>>>();

	/** Takes ownership of docs. Throws StoreError on a duplicate id. */
	constructor(readonly name: TableName, docs: Doc[] = []) {
		this.rows = docs;
		let previous: Doc | undefined;
		for (const doc of docs) {
			if (this.byId.has(doc.id)) {
				throw new StoreError(`${name} has two documents with id ${JSON.stringify(doc.id)}`);
			}

			this.byId.set(doc.id, doc);
			if (previous !== undefined && compareKeys(previous, doc) > 0) {
				this.sorted = false;
			}

			previous = doc;
		}
	}

	get size(): number {
		return this.rows.length;
	}

	/** Every document in base order; some may be lazy stubs (see lazy-docs.ts). Callers must not mutate the array. */
	ordered(): readonly Doc[] {
		this.ensureSorted();
		return this.rows;
	}

	/** Documents by value of an indexed field (they may be lazy stubs); undefined for other fields. */
	index(field: string): ReadonlyMap<unknown, ReadonlySet<Doc>> | undefined {
		let index = this.indexes.get(field);
		if (index === undefined && INDEXED_FIELDS[this.name].includes(field)) {
			index = new Map();
			for (const doc of this.rows) {
				addTo(index, doc[field], doc);
			}

			this.indexes.set(field, index);
		}

		return index;
	}

	/** The complete document (parsed now if it was lazy). */
	get(id: string): Doc | undefined {
		const doc = this.byId.get(id);
		return doc === undefined ? undefined : materialize(doc);
	}

	has(id: string): boolean {
		return this.byId.has(id);
	}

	/** Inserts or replaces (by id). Returns the replaced document. */
	put(doc: Doc): Doc | undefined {
		const old = this.byId.get(doc.id);
		if (old === undefined) {
			this.appendRow(doc);
		} else {
			if (old.created_at === doc.created_at) {
				this.rows[this.position(old)] = doc;
			} else {
				this.rows.splice(this.position(old), 1);
				this.appendRow(doc);
			}

			this.removeFromIndexes(old);
		}

		this.byId.set(doc.id, doc);
		this.addToIndexes(doc);
		return old;
	}

	delete(id: string): Doc | undefined {
		const old = this.byId.get(id);
		if (old !== undefined) {
			this.rows.splice(this.position(old), 1);
			this.byId.delete(id);
			this.removeFromIndexes(old);
		}

		return old;
	}

	private appendRow(doc: Doc): void {
		const last = this.rows.at(-1);
		if (last !== undefined && compareKeys(last, doc) > 0) {
			this.sorted = false;
		}

		this.rows.push(doc);
	}

	private position(doc: Doc): number {
		this.ensureSorted();
		const found = bisect(this.rows.length, index => compareKeys(this.rows[index]!, doc));
		if (found < 0) {
			throw new Error(`store table ${this.name} lost document ${doc.id}`);
		}

		return found;
	}

	private ensureSorted(): void {
		if (!this.sorted) {
			this.rows.sort(compareKeys);
			this.sorted = true;
		}
	}

	private addToIndexes(doc: Doc): void {
		for (const [field, index] of this.indexes) {
			addTo(index, doc[field], doc);
		}
	}

	private removeFromIndexes(doc: Doc): void {
		for (const [field, index] of this.indexes) {
			const value = doc[field];
			const set = index.get(value);
			set?.delete(doc);
			if (set?.size === 0) {
				index.delete(value);
			}
		}
	}
}

function addTo(index: Map<unknown, Set<Doc>>, value: unknown, doc: Doc): void {
	const set = index.get(value);
	if (set === undefined) {
		index.set(value, new Set([doc]));
	} else {
		set.add(doc);
	}
}
