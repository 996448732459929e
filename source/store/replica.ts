// This process's copy of the store: the tables, and how far into the files it has read.
// Catching up is synchronous and cheap when nothing changed (two stat calls):
//  - new journal bytes: parse and apply the new complete lines;
//  - a new snapshot whose header says "generation g+1 = generation g + journal g up to byte N"
//    while we are at generation g: finish reading journal g (compaction keeps it) and move on,
//    no parse of the snapshot;
//  - anything else: load the snapshot and its journal again.
import fs from 'node:fs';
import path from 'node:path';
import {StoreError, describeError} from './errors.js';
import {type JournalEntry, appendToJournal, journalPath, readJournal, truncateJournal} from './journal.js';
import {SCHEMA_VERSION, invalid} from './migrations.js';
import {type TableSet, applyOperation, emptyTables, tablesFrom} from './operations.js';
import {SnapshotFile, fileIdentity} from './snapshot-file.js';
import type {Doc} from './table.js';
import {type Change, TABLE_NAMES} from './types.js';
import {deepEqual} from './conditions.js';
import {materialize} from './lazy-docs.js';

export type StorePaths = {dir: string; snapshot: string; lockDir: string};

export function storePaths(dataDir: string): StorePaths {
	const dir = path.resolve(dataDir, 'store');
	return {dir, snapshot: path.join(dir, 'snapshot.json'), lockDir: path.join(dir, 'lock')};
}

export class Replica {
	tables: TableSet;
	generation = 0;
	journalOffset = 0;
	journalEntries = 0;
	snapshotLoads = 0;
	readonly snapshot: SnapshotFile;
	private snapshotIdentity = '';
	private tornBytes = 0;

	constructor(readonly paths: StorePaths) {
		this.snapshot = new SnapshotFile(paths.snapshot);
		this.tables = emptyTables();
	}

	get journal(): string {
		return journalPath(this.paths.dir, this.generation);
	}

	/** Loads snapshot + journal without the lock; retries if a compaction swaps files underneath. */
	load(): void {
		for (let attempt = 0; attempt < 20; attempt++) {
			const loaded = this.snapshot.loadCurrent();
			if (loaded === undefined) {
				throw new StoreError(`store file ${this.paths.snapshot} is missing`);
			}

			const {document} = loaded;
			const tables = buildTables(document.tables as unknown as Record<string, Doc[]>, this.paths.snapshot);
			const journal = journalPath(this.paths.dir, document.generation);
			const tail = readJournal(journal, 0, 1);
			if (!tail.exists && fileIdentity(fs.statSync(this.paths.snapshot)) !== loaded.identity) {
				continue;
			}

			this.tables = tables;
			this.generation = document.generation;
			this.snapshotIdentity = loaded.identity;
			this.journalOffset = 0;
			this.journalEntries = 0;
			this.snapshotLoads++;
			this.apply(tail.entries, journal);
			this.journalOffset = tail.end;
			this.tornBytes = tail.torn;
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
		const text = `{"ops":[${operations.join(',')}]}\n`;
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

		this.journalOffset += Buffer.byteLength(text);
		this.journalEntries++;
	}

	/** After this process wrote snapshot generation+1 under the lock. */
	adoptCompaction(generation: number): void {
		this.generation = generation;
		this.journalOffset = 0;
		this.journalEntries = 0;
		this.tornBytes = 0;
		this.snapshotIdentity = fileIdentity(fs.statSync(this.paths.snapshot));
	}

	private followCompaction(changes: Change[]): boolean {
		const head = this.snapshot.readHeader();
		const base = head?.header.base;
		if (head === undefined || head.header.schema_version !== SCHEMA_VERSION || base?.generation !== this.generation) {
			return false;
		}

		if (!this.readTail(changes) || this.journalOffset !== base.journal_bytes) {
			return false;
		}

		this.generation = head.header.generation;
		this.snapshotIdentity = head.identity;
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

		const tail = readJournal(file, this.journalOffset, this.journalEntries + 1);
		if (tail.shrunk || (!tail.exists && this.journalOffset > 0)) {
			return false;
		}

		changes.push(...this.apply(tail.entries, file));
		this.journalOffset = tail.end;
		this.tornBytes = tail.torn;
		return true;
	}

	private apply(entries: JournalEntry[], file: string): Change[] {
		const changes: Change[] = [];
		for (const entry of entries) {
			for (const operation of entry.operations) {
				try {
					changes.push(applyOperation(this.tables, operation));
				} catch (error) {
					throw new StoreError(
						`store journal ${file} does not fit the snapshot at line ${entry.line}: ${(error as Error).message}; fix or move it away`,
					);
				}
			}

			this.journalEntries++;
		}

		return changes;
	}

	private reload(wantChanges: boolean): Change[] {
		const before = this.tables;
		this.load();
		return wantChanges ? diffTables(before, this.tables) : [];
	}
}

export function buildTables(rows: Record<string, Doc[]>, file: string): TableSet {
	try {
		return tablesFrom(rows);
	} catch (error) {
		throw invalid(file, (error as Error).message);
	}
}

/** The changes between two loads (only when a listener needs them: it compares every document). */
function diffTables(before: TableSet, after: TableSet): Change[] {
	const changes: Change[] = [];
	for (const table of TABLE_NAMES) {
		const old = before[table].byId;
		for (const [id, doc] of after[table].byId) {
			const previous = old.get(id);
			if (previous === undefined) {
				changes.push({table, id, op: 'insert', external: true});
			} else if (!deepEqual(materialize(previous), materialize(doc))) {
				changes.push({table, id, op: 'update', external: true});
			}
		}

		for (const id of old.keys()) {
			if (!after[table].byId.has(id)) {
				changes.push({table, id, op: 'delete', external: true});
			}
		}
	}

	return changes;
}
