// The append-only journal: one JSON line per committed transaction, fsynced before the write
// resolves. A final line without its newline was never acknowledged (its writer died mid-append):
// readers ignore it and the next writer truncates it under the lock. Any other bad line is corruption.
// Each line carries a sequence number and a CRC-32 chained from the line before (the first line of
// journal g from a seed made of g and its snapshot's nonce), so a missing, edited, reordered or
// foreign line, or a journal that does not belong to the snapshot, stops the open.
import fs from 'node:fs';
import path from 'node:path';
import {StoreError, describeError, errorCode} from './errors.js';
import {crc32} from 'node:zlib';
import {describeJsonError} from './json-errors.js';
import {type Operation, parseEntry} from './operations.js';

export type JournalEntry = {line: number; operations: Operation[]};
/** Where a chain stands: the last entry's sequence number and checksum. */
export type Chain = {seq: number; sum: number};
export type JournalTail = {
	exists: boolean;
	/** The file is shorter than the offset we read up to: it was replaced, so reload. */
	shrunk: boolean;
	entries: JournalEntry[];
	/** Offset just after the last complete line. */
	end: number;
	/** Bytes after `end` (a torn final line). */
	torn: number;
};

export function journalPath(storeDir: string, generation: number): string {
	return path.join(storeDir, `journal.${generation}.jsonl`);
}

/** The checksum the first entry of journal `generation` chains from. */
export function chainSeed(generation: number, nonce: string): number {
	return crc32(`${generation}:${nonce}`);
}

/** The journal line of one transaction, chained after `previous`. */
export function entryLine(previous: Chain, operations: readonly string[]): {text: string; chain: Chain} {
	const seq = previous.seq + 1;
	const body = `{"seq":${seq},"ops":[${operations.join(',')}]`;
	const sum = crc32(body, previous.sum);
	return {text: `${body},"sum":${sum}}\n`, chain: {seq, sum}};
}

/**
 * Reads complete lines from byte `from` on, checking each continues `chain` (which it advances);
 * firstLine numbers them for error messages.
 */
export function readJournal(file: string, from: number, firstLine: number, chain: Chain | 'unchained'): JournalTail {
	let fd: number;
	try {
		fd = fs.openSync(file, 'r');
	} catch (error) {
		if (errorCode(error) === 'ENOENT') {
			return {exists: false, shrunk: false, entries: [], end: from, torn: 0};
		}

		throw new StoreError(`cannot read store journal ${file}: ${describeError(error)}`, {cause: error});
	}

	try {
		const {size} = fs.fstatSync(fd);
		if (size < from) {
			return {exists: true, shrunk: true, entries: [], end: from, torn: 0};
		}

		const buffer = Buffer.allocUnsafe(size - from);
		let filled = 0;
		while (filled < buffer.length) {
			const read = fs.readSync(fd, buffer, filled, buffer.length - filled, from + filled);
			if (read === 0) {
				break;
			}

			filled += read;
		}

		const complete = buffer.lastIndexOf(10, filled - 1) + 1;
		const lines = buffer.toString('utf8', 0, complete).split('\n');
		lines.pop();
		const entries = lines.map((text, index) => parseLine(file, text, firstLine + index, chain));
		return {exists: true, shrunk: false, entries, end: from + complete, torn: size - from - complete};
	} catch (error) {
		if (error instanceof StoreError) {
			throw error;
		}

		throw new StoreError(`cannot read store journal ${file}: ${describeError(error)}`, {cause: error});
	} finally {
		fs.closeSync(fd);
	}
}

function parseLine(file: string, text: string, line: number, chain: Chain | 'unchained'): JournalEntry {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		const problem = describeJsonError(error, text).replace(/at line 1 column/, `at line ${line} column`);
		throw new StoreError(`store journal ${file} is corrupt: ${problem}; fix or move it away`);
	}

	const operations = parseEntry(value);
	// Journals of schema 2 and before had no chain (read once, by the migration).
	const problem = typeof operations === 'string' ? operations : chain === 'unchained' ? undefined : chainProblem(text, value as {seq?: unknown; sum?: unknown}, line, chain);
	if (problem !== undefined) {
		throw new StoreError(`store journal ${file} is corrupt: line ${line}: ${problem}; fix or move it away`);
	}

	return {line, operations: operations as Operation[]};
}

/** Why a line does not continue the chain (advancing it if it does). */
function chainProblem(text: string, value: {seq?: unknown; sum?: unknown}, line: number, chain: Chain): string | undefined {
	const {seq, sum} = value;
	const expected = chain.seq + 1;
	if (!Number.isSafeInteger(seq) || !Number.isSafeInteger(sum)) {
		return 'it has no sequence number or checksum';
	}

	if ((seq as number) > expected) {
		return `entries ${expected}${(seq as number) - 1 > expected ? `–${(seq as number) - 1}` : ''} are missing before entry ${seq as number}`;
	}

	if ((seq as number) < expected) {
		return `entry ${seq as number} comes after entry ${chain.seq} (lines reordered, repeated or from elsewhere)`;
	}

	const cut = text.lastIndexOf(',"sum":');
	if (cut < 0 || crc32(text.slice(0, cut), chain.sum) !== sum) {
		return line === 1
			? 'it was not written after this snapshot (a journal from another generation or store)'
			: 'it was changed or comes from elsewhere (its checksum does not match)';
	}

	chain.seq = seq as number;
	chain.sum = sum as number;
	return undefined;
}

/** Appends text (whole lines) and fsyncs; fsyncs the folder too when this creates the file. */
export function appendToJournal(file: string, text: string): void {
	let fd: number;
	let created = true;
	try {
		fd = fs.openSync(file, 'ax');
	} catch (error) {
		if (errorCode(error) !== 'EEXIST') {
			throw error;
		}

		created = false;
		fd = fs.openSync(file, 'a');
	}

	try {
		const buffer = Buffer.from(text);
		let written = 0;
		while (written < buffer.length) {
			written += fs.writeSync(fd, buffer, written);
		}

		fs.fsyncSync(fd);
	} finally {
		fs.closeSync(fd);
	}

	if (created) {
		fsyncDirectory(path.dirname(file));
	}
}

/** Cuts the journal back to `size` bytes, durably (drops a torn final line, or a failed append). */
export function truncateJournal(file: string, size: number): void {
	const fd = fs.openSync(file, 'r+');
	try {
		fs.ftruncateSync(fd, size);
		fs.fsyncSync(fd);
	} finally {
		fs.closeSync(fd);
	}
}

/** Makes a rename or a new file in the folder durable. */
export function fsyncDirectory(directory: string): void {
	const fd = fs.openSync(directory, 'r');
	try {
		fs.fsyncSync(fd);
	} finally {
		fs.closeSync(fd);
	}
}
