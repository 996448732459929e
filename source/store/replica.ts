// This process's copy of the store: the tables, and how far into the files it has read.
// A generation g is snapshot.json (hot documents, the list of sealed segments, the retired ones)
// plus the journal entries after it: the rest of journal base.generation from base.journal_bytes
// (when a compaction wrote the snapshot while others kept writing), then journal.g.jsonl.
// Catching up is synchronous and cheap when nothing changed (two stat calls):
//  - new journal bytes: check and apply the new complete lines;
//  - a new snapshot that continues ours and sealed nothing new: finish reading our journal, move on;
//  - anything else: load the snapshot again (it holds only hot documents, so this stays cheap).
import fs from 'node:fs';
import path from 'node:path';
import {StoreError, describeError} from './errors.js';
import {type Chain, type JournalEntry, appendToJournal, chainSeed, entryLine, journalPath, readJournal, truncateJournal} from './journal.js';
import {SCHEMA_VERSION, invalid} from './migrations.js';
import {type TableSet, applyOperation, emptyTables, tablesFrom} from './operations.js';
import {Segment, type SegmentRef} from './segment.js';
import {SnapshotFile, fileIdentity} from './snapshot-file.js';
import type {Doc} from './table.js';
import {TableView} from './table-view.js';
import {type Change, type StoreDocument, TABLE_NAMES} from './types.js';

export type StorePaths = {dir: string; snapshot: string; lockDir: string};

export function storePaths(dataDir: string): StorePaths {
	const dir = path.resolve(dataDir, 'store');
	return {dir, snapshot: path.join(dir, 'snapshot.json'), lockDir: path.join(dir, 'lock')};
}

const JOURNAL_FILE = /^journal\.(\d+)\.jsonl$/;

export class Replica {
	tables: TableSet;
	generation = 0;
	journalOffset = 0;
	journalEntries = 0;
	snapshotLoads = 0;
	/** The last journal entry applied. */
	chain: Chain = {seq: 0, sum: 0};
	segmentRefs: readonly SegmentRef[] = [];
	readonly snapshot: SnapshotFile;
	private snapshotIdentity = '';
	private tornBytes = 0;
	// Segments are immutable: a reload keeps the ones it had, with the columns they loaded.
	private segmentCache = new Map<string, Segment>();

	constructor(readonly paths: StorePaths) {
		this.snapshot = new SnapshotFile(paths.snapshot);
		this.tables = emptyTables();
	}

	get journal(): string {
		return journalPath(this.paths.dir, this.generation);
	}

	/** Loads snapshot + journals without the lock; retries if a compaction swaps files underneath. */
	load(): void {
		for (let attempt = 0; attempt < 20; attempt++) {
			const loaded = this.snapshot.loadCurrent();
			if (loaded === undefined) {
				throw new StoreError(`store file ${this.paths.snapshot} is missing`);
			}

			const {document} = loaded;
			this.refuseNewerJournal(document.generation);
			const segments = document.segments.map(ref => this.segment(ref));
			const retired = new Map(segments.map(segment => [segment, new Set(document.retired[segment.ref.file] ?? [])]));
			const tables = buildTables(document.tables as unknown as Record<string, Doc[]>, this.paths.snapshot, segments, retired);
			const {base} = document;
			const chain = {seq: base.seq, sum: base.sum};
			const applied = {entries: 0};
			let from = {bytes: base.journal_bytes, lines: base.journal_lines};
			if (base.generation < document.generation) {
				const file = journalPath(this.paths.dir, base.generation);
				const tail = readJournal(file, from.bytes, from.lines + 1, chain);
				if (!tail.exists && this.snapshotChanged(loaded.identity)) {
					continue;
				}

				applyEntries(tables, tail.entries, file, applied);
				chain.sum = chainSeed(document.generation, document.nonce);
				from = {bytes: 0, lines: 0};
			}

			const file = journalPath(this.paths.dir, document.generation);
			const tail = readJournal(file, from.bytes, from.lines + 1, chain);
			if (!tail.exists && this.snapshotChanged(loaded.identity)) {
				continue;
			}

			const own = {entries: 0};
			applyEntries(tables, tail.entries, file, own);
			this.tables = tables;
			this.generation = document.generation;
			this.segmentRefs = document.segments;
			this.snapshotIdentity = loaded.identity;
			this.chain = chain;
			this.journalOffset = tail.end;
			this.journalEntries = from.lines + own.entries;
			this.tornBytes = tail.torn;
			this.snapshotLoads++;
			this.segmentCache = new Map(segments.map(segment => [segment.ref.file, segment]));
			return;
		}

		throw new StoreError(`store ${this.paths.dir} kept changing while loading it; try again`);
	}

	/** Reads what other processes wrote since last time. Returns their changes (diffed only if wanted). */
	catchUp(wantChanges: boolean): Change[] {
		const changes: Change[] = [];
		const stats = fs.statSync(this.paths.snapshot, {throwIfNoEntry: false});
		if (stats === undefined) {
			throw new StoreError(`store file ${this.paths.snapshot} disappeared`);
		}

		if (fileIdentity(stats) !== this.snapshotIdentity && !this.followCompaction(changes)) {
			return [...changes, ...this.reload(wantChanges)];
		}

		return this.readTail(changes) ? changes : [...changes, ...this.reload(wantChanges)];
	}

	/** catchUp for a process holding the lock, which also cuts off a torn line before appending. */
	catchUpForWrite(wantChanges: boolean): Change[] {
		const changes = this.catchUp(wantChanges);
		if (this.tornBytes > 0) {
			truncateJournal(this.journal, this.journalOffset);
			this.tornBytes = 0;
		}

		return changes;
	}

	/** Appends one transaction (under the lock). On failure, cuts the journal back and throws StoreError. */
	append(operations: readonly string[]): void {
		const {text, chain} = entryLine(this.chain, operations);
		const file = this.journal;
		try {
			appendToJournal(file, text);
		} catch (error) {
			try {
				truncateJournal(file, this.journalOffset);
			} catch {
				// Then the outcome is unknown, as in any database after an I/O error: a complete line
				// left behind is read back later as a committed transaction, a partial one is torn.
			}

			throw new StoreError(`cannot write store journal ${file}: ${describeError(error)}`, {cause: error});
		}

		this.chain = chain;
		this.journalOffset += Buffer.byteLength(text);
		this.journalEntries++;
	}

	/** Closes the segment files this process has open. */
	close(): void {
		for (const segment of this.segmentCache.values()) {
			segment.close();
		}
	}

	/** Reloads (after this process installed a new generation, which may have sealed documents). */
	reload(wantChanges: boolean): Change[] {
		const before = this.tables;
		this.load();
		return wantChanges ? diffTables(before, this.tables) : [];
	}

	private followCompaction(changes: Change[]): boolean {
		const head = this.snapshot.readHeader();
		const header = head?.header;
		if (header === undefined || header.schema_version !== SCHEMA_VERSION || header.base.generation !== this.generation) {
			return false;
		}

		// Sealing moved documents out of the snapshot: only a reload gets the tables right.
		const sameSegments = header.segments.length === this.segmentRefs.length && header.segments.every((ref, index) => ref.file === this.segmentRefs[index]?.file);
		if (!sameSegments || !this.readTail(changes) || this.chain.seq < header.base.seq) {
			return false;
		}

		this.refuseNewerJournal(header.generation);
		this.generation = header.generation;
		this.snapshotIdentity = head!.identity;
		this.chain = {seq: this.chain.seq, sum: chainSeed(header.generation, header.nonce)};
		this.journalOffset = 0;
		this.journalEntries = 0;
		this.tornBytes = 0;
		return true;
	}

	/** Applies new complete journal lines. False if the journal was replaced under us (reload). */
	private readTail(changes: Change[]): boolean {
		const file = this.journal;
		// The common case, nothing new: one stat instead of open + fstat + close.
		const stats = fs.statSync(file, {throwIfNoEntry: false});
		if (stats === undefined ? this.journalOffset === 0 : stats.size === this.journalOffset) {
			this.tornBytes = 0;
			return true;
		}

		const chain = {...this.chain};
		const tail = readJournal(file, this.journalOffset, this.journalEntries + 1, chain);
		if (tail.shrunk || (!tail.exists && this.journalOffset > 0)) {
			return false;
		}

		const applied = {entries: 0};
		changes.push(...applyEntries(this.tables, tail.entries, file, applied));
		this.chain = chain;
		this.journalEntries += applied.entries;
		this.journalOffset = tail.end;
		this.tornBytes = tail.torn;
		return true;
	}

	private segment(ref: SegmentRef): Segment {
		return this.segmentCache.get(ref.file) ?? new Segment(this.paths.dir, ref);
	}

	private snapshotChanged(identity: string): boolean {
		const stats = fs.statSync(this.paths.snapshot, {throwIfNoEntry: false});
		return stats === undefined || fileIdentity(stats) !== identity;
	}

	/** A journal newer than the snapshot means the snapshot was replaced by an older one: data would go missing. */
	private refuseNewerJournal(generation: number): void {
		for (const name of fs.readdirSync(this.paths.dir)) {
			const match = JOURNAL_FILE.exec(name);
			if (match && Number(match[1]) > generation) {
				throw new StoreError(
					`store journal ${path.join(this.paths.dir, name)} is newer than ${this.paths.snapshot} (generation ${generation}): the snapshot is older than its journal; restore the matching snapshot or move the store away`,
				);
			}
		}
	}
}

function applyEntries(tables: TableSet, entries: readonly JournalEntry[], file: string, applied: {entries: number}): Change[] {
	const changes: Change[] = [];
	for (const entry of entries) {
		for (const operation of entry.operations) {
			try {
				changes.push(applyOperation(tables, operation));
			} catch (error) {
				throw new StoreError(
					`store journal ${file} does not fit the snapshot at line ${entry.line}: ${(error as Error).message}; fix or move it away`,
				);
			}
		}

		applied.entries++;
	}

	return changes;
}

export function buildTables(
	rows: Record<string, Doc[]>,
	file: string,
	segments: readonly Segment[] = [],
	retired: ReadonlyMap<Segment, Set<string>> = new Map(),
): TableSet {
	try {
		return tablesFrom(rows, segments, retired);
	} catch (error) {
		throw invalid(file, (error as Error).message);
	}
}

/** What a new generation is made from, taken under the lock (compaction.ts writes it outside). */
export function captureState(replica: Replica): {document: Omit<StoreDocument, 'nonce' | 'generation'>; generation: number} {
	const {tables} = replica;
	const retired: Record<string, string[]> = {};
	for (const name of TABLE_NAMES) {
		for (const [segment, ids] of tables[name].retired) {
			if (ids.size > 0) {
				retired[segment.ref.file] = [...ids];
			}
		}
	}

	return {
		generation: replica.generation,
		document: {
			schema_version: SCHEMA_VERSION,
			base: {generation: replica.generation, journal_bytes: replica.journalOffset, journal_lines: replica.journalEntries, ...replica.chain},
			segments: [...replica.segmentRefs],
			retired,
			// Documents are never changed in place: copying the arrays freezes this state.
			tables: Object.fromEntries(TABLE_NAMES.map(name => [name, [...tables[name].hot.ordered()]])) as unknown as StoreDocument['tables'],
		},
	};
}

/** The changes between two loads (only when a listener needs them: it compares documents). */
function diffTables(before: TableSet, after: TableSet): Change[] {
	const changes: Change[] = [];
	for (const table of TABLE_NAMES) {
		const old = before[table];
		const now = after[table];
		const seen = new Set<string>();
		const check = (id: string) => {
			if (seen.has(id)) {
				return;
			}

			seen.add(id);
			const had = old.has(id);
			const has = now.has(id);
			if (!had && has) {
				changes.push({table, id, op: 'insert', external: true});
			} else if (had && !has) {
				changes.push({table, id, op: 'delete', external: true});
			} else if (had && has && !TableView.same(old, now, id)) {
				changes.push({table, id, op: 'update', external: true});
			}
		};

		for (const id of [...old.hot.byId.keys(), ...now.hot.byId.keys()]) {
			check(id);
		}

		for (const [segment, ids] of now.retired) {
			for (const id of ids) {
				check(id);
			}

			if (!old.segments.includes(segment)) {
				for (let row = 0; row < segment.count; row++) {
					check(segment.value('id', row) as string);
				}
			}
		}
	}

	return changes;
}
