// A new generation: the state captured under the lock is written outside it (sealed segments for
// tables with enough finished documents, then the snapshot to a temp file), and installed under the
// lock by one rename, so other writers wait no longer than for a journal append. Its cost follows
// the hot documents, not the store: sealed segments are never rewritten.
// The snapshot's base records where the entries after it are (the rest of journal g from byte N),
// so entries others appended while the files were written are kept without copying them.
import fs from 'node:fs';
import {randomBytes} from 'node:crypto';
import path from 'node:path';
import {chainSeed} from './journal.js';
import {processAlive} from './lock.js';
import {SEGMENT_FILE, writeSegment} from './segment.js';
import type {SnapshotFile} from './snapshot-file.js';
import type {Doc} from './table.js';
import {SEALABLE, type StoreDocument, TABLE_NAMES} from './types.js';
import type {StorePaths} from './replica.js';

/** Segments hold at most this many documents (a bulk load seals into several). */
const SEGMENT_LIMIT = 50_000;

export type Captured = {generation: number; document: Omit<StoreDocument, 'nonce' | 'generation'>};
export type NewGeneration = {document: StoreDocument; temporary: string; segments: string[]};

/**
 * Writes generation captured.generation + 1. With `fresh` (a new or migrated store) its journal
 * starts a new chain; else the entries after the captured state continue in the captured journal.
 */
export async function writeGeneration(
	paths: StorePaths,
	snapshot: SnapshotFile,
	captured: Captured,
	options: {sealAfter: number; keepHot: number; fresh?: boolean},
): Promise<NewGeneration> {
	const generation = captured.generation + 1;
	const nonce = randomBytes(8).toString('hex');
	const base = options.fresh ? {generation, journal_bytes: 0, journal_lines: 0, seq: 0, sum: chainSeed(generation, nonce)} : captured.document.base;
	const document: StoreDocument = {
		...captured.document,
		generation,
		nonce,
		base,
		segments: [...captured.document.segments],
		tables: {...captured.document.tables},
	};
	const written: string[] = [];
	try {
		for (const name of TABLE_NAMES) {
			const sealable = SEALABLE[name];
			const rows = document.tables[name] as unknown as Doc[];
			const finished = sealable === undefined ? 0 : rows.filter(doc => sealable(doc)).length;
			if (finished === 0 || finished < options.sealAfter) {
				continue;
			}

			const oldest = rows.length - options.keepHot;
			const sealedRow = (doc: Doc, index: number) => index < oldest || sealable!(doc);
			const sealed = rows.filter((doc, index) => sealedRow(doc, index));
			for (let start = 0; start < sealed.length; start += SEGMENT_LIMIT) {
				const ref = await writeSegment(paths.dir, name, sealed.slice(start, start + SEGMENT_LIMIT), `${generation}.${process.pid}.${randomBytes(4).toString('hex')}`);
				written.push(ref.file);
				document.segments.push(ref);
			}

			(document.tables as Record<string, Doc[]>)[name] = rows.filter((doc, index) => !sealedRow(doc, index));
		}

		return {document, temporary: await snapshot.writeTemporary(document), segments: written};
	} catch (error) {
		discardGeneration(paths, {document, temporary: '', segments: written});
		throw error;
	}
}

/** Removes the files of a generation that was not installed (another process compacted first). */
export function discardGeneration(paths: StorePaths, next: NewGeneration): void {
	for (const file of [next.temporary, ...next.segments.map(name => path.join(paths.dir, name))]) {
		if (file !== '') {
			fs.rmSync(file, {force: true});
		}
	}
}

/**
 * After installing generation g+1 (under the lock): journals before g, temp snapshots of dead
 * processes, and segments no snapshot names that were made for an older generation or by a dead
 * process (a live one still compacting removes its own if it loses). Leftovers are harmless: the next compaction tries again.
 */
export function removeStaleFiles(paths: StorePaths, installed: StoreDocument): void {
	const named = new Set(installed.segments.map(ref => ref.file));
	for (const name of fs.readdirSync(paths.dir)) {
		const journal = /^journal\.(\d+)\.jsonl$/.exec(name);
		const temporary = /^snapshot\.json\.(\d+)\.[\da-f]+\.tmp$/.exec(name);
		const segment = SEGMENT_FILE.exec(name);
		const stale =
			(journal && Number(journal[1]) < installed.base.generation) ||
			(temporary && !processAlive(Number(temporary[1]))) ||
			(segment && !named.has(name) && (Number(segment[1]) < installed.generation || !processAlive(Number(segment[2]))));
		if (stale) {
			fs.rmSync(path.join(paths.dir, name), {force: true});
		}
	}
}
