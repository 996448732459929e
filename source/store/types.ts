// The store's public types. The service layer codes against these, not against the file format.
import type {HostState, Lease, Prompt, Run, Sweep} from '../domain/model.js';
import type {Query} from './query.js';
import type {SegmentRef} from './segment.js';

export type Tables = {prompts: Prompt; runs: Run; sweeps: Sweep; leases: Lease; hosts: HostState};
export type TableName = keyof Tables;
export const TABLE_NAMES: readonly TableName[] = ['prompts', 'runs', 'sweeps', 'leases', 'hosts'];

/** Fields with an equality index (and written right after id and created_at in snapshot lines). */
export const INDEXED_FIELDS: Record<TableName, readonly string[]> = {
	prompts: ['name'],
	runs: ['prompt_id', 'status', 'parent_run_id', 'sweep_id'],
	sweeps: ['prompt_id'],
	leases: [],
	hosts: [],
};

/**
 * What a sealed segment keeps in its index for each document (segment.ts): enough to filter, order
 * and join without reading the document. Tables not listed here are never sealed (few, small rows).
 */
export const SUMMARY_FIELDS: Record<TableName, readonly string[]> = {
	prompts: ['id', 'created_at', 'name', 'prompt_text'],
	runs: ['id', 'created_at', ...INDEXED_FIELDS.runs],
	sweeps: [],
	leases: [],
	hosts: [],
};

/** Which documents sealing moves out of the snapshot: those unlikely to change again. */
export const SEALABLE: Record<TableName, ((doc: Record<string, unknown>) => boolean) | undefined> = {
	prompts: () => true,
	runs: doc => doc.status === 'success' || doc.status === 'failed' || doc.status === 'cancelled',
	sweeps: undefined,
	leases: undefined,
	hosts: undefined,
};

export type Change = {table: TableName; id: string; op: 'insert' | 'update' | 'delete'; external: boolean};

export interface Transaction {
	get<T extends TableName>(table: T, id: string): Tables[T] | undefined;
	select<T extends TableName>(table: T): Query<Tables[T]>;
	/** Throws StoreError on a duplicate id. A transaction may insert many documents (bulk loads). */
	insert<T extends TableName>(table: T, doc: Tables[T]): void;
	/** Shallow merge: top-level fields of patch replace the stored ones. Throws StoreError if the id is missing. */
	update<T extends TableName>(table: T, id: string, patch: Partial<Tables[T]>): Tables[T];
	/** Removing a missing id does nothing (like SQL DELETE). */
	remove<T extends TableName>(table: T, id: string): void;
}

export interface Store {
	/** The store folder (<dataDir>/store). */
	readonly path: string;
	select<T extends TableName>(table: T): Query<Tables[T]>;
	get<T extends TableName>(table: T, id: string): Tables[T] | undefined;
	/**
	 * Serialised across processes: fn runs on the freshest data; if fn throws, nothing is written.
	 * fn must be synchronous (it runs while the cross-process lock is held).
	 * Resolves after the transaction is durable.
	 */
	write<R>(fn: (tx: Transaction) => R): Promise<R>;
	/** Called after any change, by this process or (on the next read/refresh, or via fs.watch) by another. */
	subscribe(listener: (change: Change) => void): () => void;
	/** Catch up with other processes' writes now. */
	refresh(): void;
	/** Counters for diagnostics and tests. */
	info(): StoreInfo;
	/** Waits for queued writes and compaction, then stops watching. Later calls throw StoreError. */
	close(): Promise<void>;
}

export type StoreInfo = {
	schemaVersion: number;
	generation: number;
	journalBytes: number;
	journalEntries: number;
	/** How many times the snapshot was loaded (open included). */
	snapshotLoads: number;
	/** Sealed segments (finished documents on disk, read on demand). */
	sealedSegments: number;
	/** Whether the background parse of the last load has finished (never, with warmUp: false). */
	warm: boolean;
	/** The last compaction failure, if any; the journal keeps growing until one succeeds. */
	lastCompactionError: string | undefined;
};

export type StoreOptions = {
	/** Compact when the journal holds this many transactions. Default 2000. */
	compactAfterEntries?: number;
	/** Compact when the journal grows past this many bytes. Default 4 MiB. */
	compactAfterBytes?: number;
	/** Give up waiting for another process's lock after this long. Default 30 s. */
	lockTimeoutMs?: number;
	/** Seal a table's finished documents into a segment once the snapshot holds this many. Default 2000. */
	sealAfter?: number;
	/**
	 * When sealing, documents older than the newest keepHot of their table are sealed whatever their
	 * status (a run stuck "running" for months must not keep the snapshot large; an update brings it
	 * back). Default 1000.
	 */
	keepHot?: number;
	/** Watch the folder so subscribers hear of other processes' writes without reading. Default true. */
	watch?: boolean;
	/**
	 * Open reads documents lazily when the snapshot's checksum holds; with warmUp the rest are parsed
	 * in the background (slices of ~4 ms) so later reads never wait for it. Default true; turn it off
	 * to save memory in short-lived processes that read little.
	 */
	warmUp?: boolean;
};

/** Where a snapshot stands in the history: the journal entries after it continue from here. */
export type SnapshotBase = {
	/** The generation whose journal holds the entries right after this snapshot. */
	generation: number;
	/** Byte offset in that journal where they start, and how many lines come before it. */
	journal_bytes: number;
	journal_lines: number;
	/** The sequence number and chain checksum of the last entry this snapshot includes. */
	seq: number;
	sum: number;
};

/** What snapshot.json holds (and lowdb's Low<StoreDocument>.data). */
export type StoreDocument = {
	schema_version: number;
	/** Bumped by each compaction; names the journal file that new entries go to. */
	generation: number;
	/** Random, per snapshot: seeds the checksum chain of journal.<generation>.jsonl. */
	nonce: string;
	/** The entries right after this snapshot: where they are, and the chain they continue. */
	base: SnapshotBase;
	/** The sealed segments (segment.ts), oldest first. */
	segments: SegmentRef[];
	/** Documents of a segment that were updated or deleted since it was sealed, by segment file. */
	retired: Record<string, string[]>;
	tables: {[T in TableName]: Array<Tables[T]>};
};
