// The columns of a sealed segment's index (segment.ts), encoded so that loading one is a read and a
// typed-array view, never a parse per row:
//  text:  every value a string; UTF-8 bytes end to end plus an offset per row (ids, times, prompt text);
//  codes: the distinct values once (a JSON list) plus a code per row (status, prompt_id: few values).
// A Bloom filter over the ids lets a lookup by id skip the segments that cannot hold it.
// Pure functions over buffers, tested on their own.
import {crc32} from 'node:zlib';

export type TextColumn = {kind: 'text'; offsets: Uint32Array; bytes: Buffer};
export type CodeColumn = {kind: 'codes'; values: readonly unknown[]; codes: Uint32Array};
export type Column = TextColumn | CodeColumn;

/** Encoded parts of a column, each stored as its own checksummed section. */
export type EncodedColumn = {kind: 'text' | 'codes'; parts: Buffer[]};

/** Text when every value is a string and most are distinct; else codes. */
export function encodeColumn(values: readonly unknown[]): EncodedColumn {
	const distinct = new Map<unknown, number>();
	let allStrings = true;
	for (const value of values) {
		allStrings &&= typeof value === 'string';
		if (!distinct.has(value) && distinct.size <= values.length / 2) {
			distinct.set(value, distinct.size);
		}
	}

	if (allStrings && distinct.size > values.length / 2) {
		const bytes = Buffer.from((values as string[]).join(''));
		const offsets = new Uint32Array(values.length + 1);
		let at = 0;
		for (const [index, value] of (values as string[]).entries()) {
			offsets[index] = at;
			at += Buffer.byteLength(value);
		}

		offsets[values.length] = at;
		return {kind: 'text', parts: [bufferOf(offsets), bytes]};
	}

	const table = new Map<string, number>();
	const list: unknown[] = [];
	const codes = new Uint32Array(values.length);
	for (const [index, value] of values.entries()) {
		// Values are JSON scalars (or small objects): their JSON text is a faithful key.
		const key = JSON.stringify(value ?? null);
		let code = table.get(key);
		if (code === undefined) {
			code = list.length;
			table.set(key, code);
			list.push(value ?? null);
		}

		codes[index] = code;
	}

	return {kind: 'codes', parts: [Buffer.from(JSON.stringify(list)), bufferOf(codes)]};
}

export function decodeColumn(kind: 'text' | 'codes', parts: readonly Buffer[]): Column {
	if (kind === 'text') {
		return {kind, offsets: uint32View(parts[0]!), bytes: parts[1]!};
	}

	return {kind, values: JSON.parse(parts[0]!.toString('utf8')) as unknown[], codes: uint32View(parts[1]!)};
}

/** The value of row `row`. */
export function valueAt(column: Column, row: number): unknown {
	if (column.kind === 'text') {
		return column.bytes.toString('utf8', column.offsets[row], column.offsets[row + 1]);
	}

	return column.values[column.codes[row]!];
}

/** Byte order of row `row` against target (UTF-8 byte order: code point order). */
export function textCompare(column: TextColumn, row: number, target: Buffer): number {
	// buf.compare(target, ...) orders the buffer's slice against target.
	return column.bytes.compare(target, 0, target.length, column.offsets[row], column.offsets[row + 1]);
}

/** The rows sorted by a text column's bytes (how a segment finds an id by binary search). */
export function sortedOrder(values: readonly string[]): Uint32Array {
	const buffers = values.map(value => Buffer.from(value));
	const order = Uint32Array.from(values.keys());
	return order.sort((a, b) => Buffer.compare(buffers[a]!, buffers[b]!));
}

/** The row whose text is target, by binary search over `order` (from sortedOrder); -1 if none. */
export function findText(column: TextColumn, order: Uint32Array, target: Buffer): number {
	const found = bisect(order.length, index => textCompare(column, order[index]!, target));
	return found < 0 ? -1 : order[found]!;
}

/** Binary search over positions 0..length-1 ordered by compareAt (the position's item against the target); -1 if none is equal. */
export function bisect(length: number, compareAt: (index: number) => number): number {
	let low = 0;
	let high = length - 1;
	while (low <= high) {
		const middle = (low + high) >>> 1;
		const comparison = compareAt(middle);
		if (comparison === 0) {
			return middle;
		}

		if (comparison < 0) {
			low = middle + 1;
		} else {
			high = middle - 1;
		}
	}

	return -1;
}

export function bufferOf(array: Uint32Array): Buffer {
	return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

/** A Uint32Array over a buffer's bytes (copied when the buffer is not 4-byte aligned). */
export function uint32View(buffer: Buffer): Uint32Array {
	if (buffer.byteOffset % 4 === 0) {
		return new Uint32Array(buffer.buffer, buffer.byteOffset, buffer.length / 4);
	}

	const copy = new Uint8Array(buffer);
	return new Uint32Array(copy.buffer, 0, buffer.length / 4);
}

const BLOOM_BITS_PER_KEY = 10;
const BLOOM_PROBES = 7;

/** Two independent hashes of a key's bytes, for the probes of bloomHas (double hashing). */
export function bloomHashes(key: Buffer): [number, number] {
	return [crc32(key), (crc32(key, 0x9e_37_79_b9) | 1) >>> 0];
}

/** A Bloom filter of the keys: about 1% false positives at 10 bits a key. */
export function bloomOf(keys: readonly string[]): Uint32Array {
	const bits = new Uint32Array(Math.max(2, Math.ceil((keys.length * BLOOM_BITS_PER_KEY) / 32)));
	for (const key of keys) {
		const [first, step] = bloomHashes(Buffer.from(key));
		for (let probe = 0; probe < BLOOM_PROBES; probe++) {
			const bit = (first + probe * step) % (bits.length * 32);
			bits[bit >>> 5]! |= 1 << (bit & 31);
		}
	}

	return bits;
}

/** False when the key is certainly not in the filter. */
export function bloomHas(bits: Uint32Array, [first, step]: readonly [number, number]): boolean {
	for (let probe = 0; probe < BLOOM_PROBES; probe++) {
		const bit = (first + probe * step) % (bits.length * 32);
		if ((bits[bit >>> 5]! & (1 << (bit & 31))) === 0) {
			return false;
		}
	}

	return true;
}
