// Sealed segments: immutable files of documents that rarely change (finished runs, prompts), so
// the snapshot and the memory of a process hold only what is recent or active. A segment file is
//   [documents: one JSON line each, in base order][index]
// and the index is [4-byte length][JSON table of sections][sections], each section checksummed
// (CRC-32) and read on first use: open reads nothing from segments, a query reads only the columns
// it needs, and a document is read (and its own checksum verified) when a query admits it.
import fs from 'node:fs';
import path from 'node:path';
import {crc32} from 'node:zlib';
import {type Column, type EncodedColumn, type TextColumn, bloomHas, bloomOf, bufferOf, decodeColumn, encodeColumn, findText, sortedOrder, uint32View, valueAt} from './columns.js';
import {StoreError, describeError} from './errors.js';
import {fsyncDirectory} from './journal.js';
import {inLineOrder, lazyStub, pendingLine} from './lazy-docs.js';
import type {Doc} from './table.js';
import {testPause} from './test-pause.js';
import {SUMMARY_FIELDS, type TableName} from './types.js';

/** What the snapshot's manifest records about a segment. */
export type SegmentRef = {
	file: string;
	table: TableName;
	count: number;
	min_created: string;
	max_created: string;
	index_offset: number;
	index_length: number;
	index_crc: number;
};

type Section = {offset: number; length: number; crc: number};
type IndexHeader = {sections: Record<string, Section>; columns: Record<string, 'text' | 'codes'>; dataStart: number};

/** segment.<generation it was made for>.<pid of its writer>.<random>.<table> */
export const SEGMENT_FILE = /^segment\.(\d+)\.(\d+)\.[\da-f]+\.([a-z]+)$/;

/** Writes docs (complete or lazy, in base order) as a new segment file, durably. */
export async function writeSegment(dir: string, table: TableName, docs: readonly Doc[], label: string): Promise<SegmentRef> {
	const lines: Buffer[] = [];
	const offsets = new Uint32Array(docs.length + 1);
	const crcs = new Uint32Array(docs.length);
	let at = 0;
	for (const [row, doc] of docs.entries()) {
		const line = Buffer.from(`${pendingLine(doc) ?? JSON.stringify(inLineOrder(doc, table))}\n`);
		offsets[row] = at;
		crcs[row] = crc32(line);
		lines.push(line);
		at += line.length;
	}

	offsets[docs.length] = at;
	const parts: Array<[string, Buffer]> = [
		['offsets', bufferOf(offsets)],
		['crcs', bufferOf(crcs)],
	];
	const columns: IndexHeader['columns'] = {};
	for (const field of SUMMARY_FIELDS[table]) {
		const encoded: EncodedColumn = encodeColumn(docs.map(doc => doc[field] ?? null));
		columns[field] = encoded.kind;
		for (const [index, part] of encoded.parts.entries()) {
			parts.push([`${field}.${index}`, part]);
		}
	}

	const ids = docs.map(doc => doc.id);
	parts.push(['id.order', bufferOf(sortedOrder(ids))], ['id.bloom', bufferOf(bloomOf(ids))]);
	const header: Omit<IndexHeader, 'dataStart'> = {sections: {}, columns};
	let sectionAt = 0;
	for (const [name, part] of parts) {
		// 4-byte alignment, so a section read on its own can be viewed as a Uint32Array.
		header.sections[name] = {offset: sectionAt, length: part.length, crc: crc32(part)};
		sectionAt += align(part.length);
	}

	// Section offsets count from the first aligned byte after the header.
	const headerBytes = Buffer.from(JSON.stringify(header));
	const dataStart = align(4 + headerBytes.length);
	const index = Buffer.alloc(dataStart + sectionAt);
	index.writeUInt32LE(headerBytes.length, 0);
	headerBytes.copy(index, 4);
	for (const [name, part] of parts) {
		part.copy(index, dataStart + header.sections[name]!.offset);
	}

	const file = `segment.${label}.${table}`;
	await writeDurably(path.join(dir, file), lines, index);
	return {
		file,
		table,
		count: docs.length,
		min_created: docs[0]?.created_at ?? '',
		max_created: docs.at(-1)?.created_at ?? '',
		index_offset: at,
		index_length: index.length,
		index_crc: crc32(index.subarray(0, 4 + headerBytes.length)),
	};
}

async function writeDurably(file: string, lines: Buffer[], index: Buffer): Promise<void> {
	const handle = await fs.promises.open(file, 'wx');
	try {
		// writev takes at most IOV_MAX (1024) buffers per call.
		for (let start = 0; start < lines.length; start += 1024) {
			await handle.writev(lines.slice(start, start + 1024));
		}

		await testPause('seal');
		await handle.write(index);
		await handle.sync();
	} finally {
		await handle.close();
	}

	fsyncDirectory(path.dirname(file));
}

function align(length: number): number {
	return Math.ceil(length / 4) * 4;
}

/** A segment being read: sections load (and are verified) on first use and stay loaded. */
export class Segment {
	private header: IndexHeader | undefined;
	private readonly columns = new Map<string, Column>();
	private readonly sections = new Map<string, Buffer>();
	private readonly countsBy = new Map<string, Map<unknown, number>>();
	private idOrder: Uint32Array | undefined;
	private bloom: Uint32Array | undefined;
	private readonly decoded = new Map<string, string[]>();
	private fd: number | undefined;
	private readonly inverted = new Map<string, {starts: Uint32Array; rows: Uint32Array; codeOf: Map<string, number>}>();
	readonly path: string;

	constructor(
		dir: string,
		readonly ref: SegmentRef,
	) {
		this.path = path.join(dir, ref.file);
	}

	get count(): number {
		return this.ref.count;
	}

	/** The value of a summary field at a row (no document read). */
	value(field: string, row: number): unknown {
		return valueAt(this.column(field), row);
	}

	/**
	 * A fast accessor for one summary field, for scans. Prompt segments keep the strings of their
	 * text columns once decoded (on first read of each row): searches read prompts' text again and
	 * again, and prompts are few.
	 */
	reader(field: string): (row: number) => unknown {
		const column = this.column(field);
		if (column.kind === 'codes') {
			const {values, codes} = column;
			return row => values[codes[row]!];
		}

		if (this.ref.table !== 'prompts') {
			return row => valueAt(column, row);
		}

		let strings = this.decoded.get(field);
		if (strings === undefined) {
			strings = [];
			this.decoded.set(field, strings);
		}

		const known = strings;
		return row => (known[row] ??= valueAt(column, row) as string);
	}

	/**
	 * The row holding id, or -1. Looking in many segments, pass the id's bytes and bloomHashes of
	 * them: a segment whose filter rules the id out reads nothing more.
	 */
	rowOf(id: string | Buffer, hashes?: readonly [number, number]): number {
		if (hashes !== undefined && !bloomHas(this.bloom ??= uint32View(this.section('id.bloom')), hashes)) {
			return -1;
		}

		const column = this.column('id') as TextColumn;
		return findText(column, this.idOrder ??= uint32View(this.section('id.order')), typeof id === 'string' ? Buffer.from(id) : id);
	}

	/** Rows whose field equals value (a summary field), ascending; key is JSON.stringify(value ?? null). */
	rowsWhere(field: string, value: unknown, key = JSON.stringify(value ?? null)): ArrayLike<number> {
		const column = this.column(field);
		if (column.kind === 'codes') {
			const inverted = this.invert(field, column);
			const code = inverted.codeOf.get(key);
			return code === undefined ? [] : inverted.rows.subarray(inverted.starts[code], inverted.starts[code + 1]);
		}

		if (typeof value !== 'string') {
			return [];
		}

		if (field === 'id') {
			const row = this.rowOf(value);
			return row < 0 ? [] : [row];
		}

		const rows: number[] = [];
		for (let row = 0; row < this.count; row++) {
			if (valueAt(column, row) === value) {
				rows.push(row);
			}
		}

		return rows;
	}

	/** Counts per value of a summary field, or undefined if it is not a coded column. */
	counts(field: string): Map<unknown, number> | undefined {
		const column = this.column(field);
		if (column.kind !== 'codes') {
			return undefined;
		}

		const known = this.countsBy.get(field);
		if (known !== undefined) {
			return known;
		}

		const perCode = new Uint32Array(column.values.length);
		for (const code of column.codes) {
			perCode[code]!++;
		}

		const counts = new Map(column.values.map((value, code) => [value, perCode[code]!]));
		this.countsBy.set(field, counts);
		return counts;
	}

	/** A stub of the document at row: its summary fields now, the rest read on first use. */
	stub(row: number, line: string | (() => string) = () => this.line(row)): Doc {
		const fields: Record<string, unknown> = {};
		for (const field of SUMMARY_FIELDS[this.ref.table]) {
			fields[field] = this.value(field, row);
		}

		return lazyStub(fields, line, SUMMARY_FIELDS[this.ref.table]);
	}

	/**
	 * Stubs for rows (ascending) whose lines are read now, in one read when they lie close together
	 * (the runs of one prompt were sealed side by side): a query that returns them all reads once.
	 */
	stubsAt(rows: readonly number[]): Doc[] {
		const offsets = uint32View(this.section('offsets'));
		const start = offsets[rows[0] ?? 0]!;
		const end = offsets[(rows.at(-1) ?? 0) + 1]!;
		if (rows.length < 2 || end - start > 1024 * 1024) {
			return rows.map(row => this.stub(row));
		}

		const bytes = this.read(start, end - start);
		return rows.map(row => this.stub(row, this.checked(row, bytes.subarray(offsets[row]! - start, offsets[row + 1]! - start))));
	}

	private line(row: number): string {
		const offsets = uint32View(this.section('offsets'));
		const start = offsets[row]!;
		return this.checked(row, this.read(start, offsets[row + 1]! - start));
	}

	/** The text of a document's line (its bytes, newline included), once its checksum holds. */
	private checked(row: number, bytes: Buffer): string {
		if (crc32(bytes) !== uint32View(this.section('crcs'))[row]) {
			throw new StoreError(`store segment ${this.path} is corrupt: document ${row + 1} fails its checksum; restore it or move the store away`);
		}

		return bytes.toString('utf8', 0, bytes.length - 1);
	}

	private column(field: string): Column {
		let column = this.columns.get(field);
		if (column === undefined) {
			const kind = this.index().columns[field];
			if (kind === undefined) {
				throw new StoreError(`store segment ${this.path} has no column ${field}`);
			}

			column = decodeColumn(kind, [this.section(`${field}.0`), this.section(`${field}.1`)]);
			this.columns.set(field, column);
		}

		return column;
	}

	private invert(field: string, column: Extract<Column, {kind: 'codes'}>) {
		let inverted = this.inverted.get(field);
		if (inverted === undefined) {
			// A counting sort of the rows by code: rows of code c are rows[starts[c]..starts[c+1]).
			const starts = new Uint32Array(column.values.length + 1);
			for (const code of column.codes) {
				starts[code + 1]!++;
			}

			for (let code = 0; code < column.values.length; code++) {
				starts[code + 1]! += starts[code]!;
			}

			const next = starts.slice(0, -1);
			const rows = new Uint32Array(column.codes.length);
			for (const [row, code] of column.codes.entries()) {
				rows[next[code]!++] = row;
			}

			const codeOf = new Map(column.values.map((value, code) => [JSON.stringify(value), code]));
			inverted = {starts, rows, codeOf};
			this.inverted.set(field, inverted);
		}

		return inverted;
	}

	private index(): IndexHeader {
		if (this.header === undefined) {
			const {index_offset: offset, index_length: length, index_crc: crc} = this.ref;
			const size = this.read(offset, 4).readUInt32LE(0);
			const bytes = this.read(offset, Math.min(4 + size, length));
			if (crc32(bytes) !== crc) {
				throw this.corrupt('its index fails its checksum');
			}

			const parsed = JSON.parse(bytes.toString('utf8', 4)) as Omit<IndexHeader, 'dataStart'>;
			this.header = {...parsed, dataStart: align(4 + size)};
		}

		return this.header;
	}

	private section(name: string): Buffer {
		let buffer = this.sections.get(name);
		if (buffer === undefined) {
			const section = this.index().sections[name];
			if (section === undefined) {
				throw this.corrupt(`its index has no section ${name}`);
			}

			buffer = this.read(this.ref.index_offset + this.index().dataStart + section.offset, section.length);
			if (crc32(buffer) !== section.crc) {
				throw this.corrupt(`its ${name} section fails its checksum`);
			}

			this.sections.set(name, buffer);
		}

		return buffer;
	}

	/** Closes the file (the store is closing); a later read opens it again. */
	close(): void {
		if (this.fd !== undefined) {
			fs.closeSync(this.fd);
			this.fd = undefined;
		}
	}

	private read(position: number, length: number): Buffer {
		// Its own ArrayBuffer (not the pool), so Uint32Array views over it are aligned.
		const buffer = Buffer.from(new ArrayBuffer(length));
		// Kept open: a segment is never changed or removed while a snapshot names it.
		try {
			this.fd ??= fs.openSync(this.path, 'r');
		} catch (error) {
			throw new StoreError(`cannot read store segment ${this.path}: ${describeError(error)}; restore it or move the store away`, {cause: error});
		}

		let filled = 0;
		while (filled < length) {
			const read = fs.readSync(this.fd, buffer, filled, length - filled, position + filled);
			if (read === 0) {
				throw this.corrupt('it is shorter than its index says');
			}

			filled += read;
		}

		return buffer;
	}

	private corrupt(problem: string): StoreError {
		return new StoreError(`store segment ${this.path} is corrupt: ${problem}; restore it or move the store away`);
	}
}
