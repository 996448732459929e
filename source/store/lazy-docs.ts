// Lazy documents. Parsing a 64 MB snapshot (50k runs) costs ~300 ms, half of it garbage collection,
// so when the snapshot's checksum proves it is exactly what this code wrote, open does not parse
// each document: it reads id, created_at and the indexed fields from the start of its line (the
// serializer writes those keys first) and keeps the line. The first access parses the line into the
// same object (Object.assign), so rows, id map and indexes all see the full document. Every path
// that reads other fields or hands a document out calls materialize() (planner admit, Table.get).
import {StoreError} from './errors.js';
import type {Doc} from './table.js';
import {INDEXED_FIELDS, type TableName} from './types.js';

// A stub's line: the text itself (a snapshot line), or how to read it (a sealed segment's document).
type Pending = {line: string | (() => string); fields: readonly string[]};
const pendingLines = new WeakMap<object, Pending>();

/** Makes doc complete (a no-op for documents that already are). */
export function materialize<D extends Doc>(doc: D): D {
	const line = pendingLine(doc);
	if (line !== undefined) {
		pendingLines.delete(doc);
		try {
			Object.assign(doc, JSON.parse(line));
		} catch (error) {
			throw new StoreError(`store document ${doc.id} cannot be read: ${(error as Error).message}`);
		}
	}

	return doc;
}

/** The JSON line of a document not parsed yet (compaction and sealing copy it as is). */
export function pendingLine(doc: Doc): string | undefined {
	const pending = pendingLines.get(doc);
	if (pending === undefined) {
		return undefined;
	}

	if (typeof pending.line !== 'string') {
		pending.line = pending.line();
	}

	return pending.line;
}

/** Whether a condition reading these fields can be tested on doc as it is (complete, or a stub that has them all). */
export function holdsFields(doc: Doc, fields: Iterable<string>): boolean {
	const pending = pendingLines.get(doc);
	if (pending === undefined) {
		return true;
	}

	for (const field of fields) {
		if (!pending.fields.includes(field)) {
			return false;
		}
	}

	return true;
}

/** A stub holding some fields now, completed from its line (or from read() giving it) on first use. */
export function lazyStub(fields: Record<string, unknown>, read: string | (() => string), names: readonly string[]): Doc {
	pendingLines.set(fields, {line: read, fields: names});
	return fields as Doc;
}

/** The object to serialise: id, created_at and the indexed fields first, so stubFromLine can read them back. */
export function inLineOrder(doc: Doc, table: TableName): Doc {
	const head: Record<string, unknown> = {id: doc.id, created_at: doc.created_at};
	for (const field of INDEXED_FIELDS[table]) {
		if (field in doc) {
			head[field] = doc[field];
		}
	}

	return Object.assign(head, doc) as Doc;
}

type LinePrefix = {fields: string[]; labels: string[]};
const prefixes = new Map<TableName, LinePrefix>();

function prefixOf(table: TableName): LinePrefix {
	let prefix = prefixes.get(table);
	if (prefix === undefined) {
		const fields = ['id', 'created_at', ...INDEXED_FIELDS[table]];
		prefix = {fields, labels: fields.map((field, index) => `${index === 0 ? '{' : ','}${JSON.stringify(field)}:`)};
		prefixes.set(table, prefix);
	}

	return prefix;
}

/** A stub with the leading fields of a snapshot line, or undefined if the line does not start as expected. */
export function stubFromLine(line: string, table: TableName): Doc | undefined {
	const {fields, labels} = prefixOf(table);
	const stub: Record<string, unknown> = {};
	let position = 0;
	for (let index = 0; index < labels.length; index++) {
		const label = labels[index]!;
		if (!line.startsWith(label, position)) {
			return undefined;
		}

		position += label.length;
		const end = scalarEnd(line, position);
		if (end < 0) {
			return undefined;
		}

		stub[fields[index]!] = scalarValue(line, position, end);
		position = end;
	}

	if (typeof stub.id !== 'string' || typeof stub.created_at !== 'string') {
		return undefined;
	}

	pendingLines.set(stub, {line, fields});
	return stub as Doc;
}

function scalarValue(line: string, start: number, end: number): unknown {
	switch (line.charCodeAt(start)) {
		case 0x22: {
			// A string: slice it unless it has escapes.
			const raw = line.slice(start + 1, end - 1);
			return raw.includes('\\') ? JSON.parse(line.slice(start, end)) : raw;
		}

		case 0x6e: {
			return null;
		}

		case 0x74: {
			return true;
		}

		case 0x66: {
			return false;
		}

		default: {
			return Number(line.slice(start, end));
		}
	}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** End of the string, number, boolean or null starting at position (-1 for objects, arrays, junk). */
function scalarEnd(line: string, position: number): number {
	const first = line[position];
	if (first === '"') {
		for (let quote = line.indexOf('"', position + 1); quote > 0; quote = line.indexOf('"', quote + 1)) {
			let backslashes = 0;
			while (line[quote - 1 - backslashes] === '\\') {
				backslashes++;
			}

			if (backslashes % 2 === 0) {
				return quote + 1;
			}
		}

		return -1;
	}

	for (const literal of ['null', 'true', 'false']) {
		if (line.startsWith(literal, position)) {
			return position + literal.length;
		}
	}

	NUMBER.lastIndex = position;
	return NUMBER.test(line) ? NUMBER.lastIndex : -1;
}
