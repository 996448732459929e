// The store: snapshot.json (the hot documents, written through lowdb's adapter interface durably) +
// journal.<generation>.jsonl (one fsynced, checksum-chained line per transaction) + sealed segments
// (finished documents, read on demand), with writes serialised across processes by the lock in
// lock/. Compaction writes a new generation outside the lock (compaction.ts). See replica.ts for
// how readers stay fresh.
import {StoreError, describeError} from './errors.js';
import {deepFreeze} from './freeze.js';
import {acquireLock} from './lock.js';
import {discardGeneration, removeStaleFiles, writeGeneration} from './compaction.js';
import {FolderWatch} from './folder-watch.js';
import {initialise} from './open.js';
import {isTableName} from './operations.js';
import {type Query, type QuerySource, newQuery} from './query.js';
import {SCHEMA_VERSION} from './migrations.js';
import {Replica, type StorePaths, captureState, storePaths} from './replica.js';
import {runTransaction} from './transaction.js';
import {testPause} from './test-pause.js';
import {warmUp} from './warm-up.js';
import type {Change, Store, StoreInfo, StoreOptions, TableName, Tables, Transaction} from './types.js';

const DEFAULTS: Required<StoreOptions> = {
	compactAfterEntries: 2000,
	compactAfterBytes: 4 * 1024 * 1024,
	lockTimeoutMs: 30_000,
	sealAfter: 2000,
	keepHot: 1000,
	watch: true,
	warmUp: true,
};

/** Opens (creating if missing) the store in <dataDir>/store. Throws StoreError with one line on any problem. */
export async function openStore(dataDir: string, options: StoreOptions = {}): Promise<Store> {
	const settings = {...DEFAULTS, ...options};
	const paths = storePaths(dataDir);
	await initialise(paths, settings);
	const store = new FileStore(paths, settings);
	store.replica.load();
	store.warmUpAfterLoad();
	return store;
}

class FileStore implements Store {
	readonly path: string;
	readonly replica: Replica;
	private readonly listeners = new Set<(change: Change) => void>();
	private readonly source: QuerySource;
	private queue: Promise<unknown> = Promise.resolve();
	// While this process holds the lock nobody else can change the files, so reads need not look.
	private holdingLock = false;
	private state: 'open' | 'closing' | 'closed' = 'open';
	private compactionQueued = false;
	private checkedThisTurn = false;
	private warmedLoad = 0;
	private warm = false;
	private lastCompactionError: string | undefined;
	private readonly watcher: FolderWatch;

	constructor(
		private readonly paths: StorePaths,
		private readonly settings: Required<StoreOptions>,
	) {
		this.path = paths.dir;
		this.replica = new Replica(paths);
		this.source = {table: name => this.replica.tables[name], beforeRead: () => this.beforeRead()};
		this.watcher = new FolderWatch(paths.dir, () => {
			if (this.state === 'open') {
				this.refresh();
			}
		});
	}

	select<T extends TableName>(table: T): Query<Tables[T]> {
		this.assertUsable(table);
		return newQuery<Tables[T]>(this.source, table);
	}

	get<T extends TableName>(table: T, id: string): Tables[T] | undefined {
		this.assertUsable(table);
		this.beforeRead();
		return deepFreeze(this.replica.tables[table].get(id)) as Tables[T] | undefined;
	}

	refresh(): void {
		if (this.state === 'closed') {
			throw new StoreError(`store ${this.path} is closed`);
		}

		if (!this.holdingLock) {
			this.emit(this.replica.catchUp(this.listeners.size > 0));
			this.warmUpAfterLoad();
		}
	}

	/** After a (re)load of the snapshot, parse its lazy documents in the background (warm-up.ts). */
	warmUpAfterLoad(): void {
		const load = this.replica.snapshotLoads;
		if (load === this.warmedLoad) {
			return;
		}

		this.warmedLoad = load;
		this.warm = false;
		if (this.settings.warmUp) {
			const {tables} = this.replica;
			warmUp(tables, () => this.state === 'open' && this.replica.tables === tables, () => {
				this.warm = true;
			});
		}
	}

	/**
	 * Reads catch up once per synchronous turn: all reads in one turn see one consistent state (no
	 * I/O happens between them, so nothing could have told the caller about a newer one), and a
	 * screen that runs ten queries pays for one freshness check, not ten.
	 */
	private beforeRead(): void {
		if (!this.checkedThisTurn) {
			this.refresh();
			this.checkedThisTurn = true;
			queueMicrotask(() => {
				this.checkedThisTurn = false;
			});
		}
	}

	async write<R>(fn: (tx: Transaction) => R): Promise<R> {
		if (this.state !== 'open') {
			throw new StoreError(`store ${this.path} is closed`);
		}

		return this.enqueue(async () => this.underLock(() => this.commit(fn)));
	}

	subscribe(listener: (change: Change) => void): () => void {
		this.listeners.add(listener);
		if (this.settings.watch && this.state === 'open') {
			this.watcher.start();
		}

		return () => {
			this.listeners.delete(listener);
			if (this.listeners.size === 0) {
				this.watcher.stop();
			}
		};
	}

	info(): StoreInfo {
		return {
			schemaVersion: SCHEMA_VERSION,
			generation: this.replica.generation,
			journalBytes: this.replica.journalOffset,
			journalEntries: this.replica.journalEntries,
			snapshotLoads: this.replica.snapshotLoads,
			sealedSegments: this.replica.segmentRefs.length,
			warm: this.warm,
			lastCompactionError: this.lastCompactionError,
		};
	}

	async close(): Promise<void> {
		if (this.state === 'open') {
			this.state = 'closing';
			// A queued write may queue a compaction behind it: wait until the queue stops growing.
			for (let last = this.queue; ; last = this.queue) {
				await last;
				if (last === this.queue) {
					break;
				}
			}

			this.watcher.stop();
			this.replica.close();
			this.state = 'closed';
		}
	}

	private commit<R>(fn: (tx: Transaction) => R): R {
		const {result, changes} = runTransaction(this.replica.tables, fn, operations => this.replica.append(operations));
		if (changes.length > 0) {
			this.emit(changes);
			if (this.needsCompaction()) {
				this.queueCompaction();
			}
		}

		return result;
	}

	/** Runs fn holding the cross-process lock, on data caught up with every other process. */
	private async underLock<R>(fn: () => R | Promise<R>): Promise<R> {
		const release = await acquireLock(this.paths.lockDir, this.settings.lockTimeoutMs);
		this.holdingLock = true;
		try {
			this.emit(this.replica.catchUpForWrite(this.listeners.size > 0));
			this.warmUpAfterLoad();
			return await fn();
		} finally {
			this.holdingLock = false;
			release();
		}
	}

	private enqueue<R>(task: () => Promise<R>): Promise<R> {
		const result = this.queue.then(task);
		this.queue = result.catch(() => undefined);
		return result;
	}

	private needsCompaction(): boolean {
		return (
			this.replica.journalEntries >= this.settings.compactAfterEntries ||
			this.replica.journalOffset >= this.settings.compactAfterBytes
		);
	}

	/** Compaction runs after the write that crossed the threshold has resolved, still under the lock. */
	private queueCompaction(): void {
		if (this.compactionQueued) {
			return;
		}

		this.compactionQueued = true;
		void this.enqueue(async () => {
			this.compactionQueued = false;
			try {
				await this.compact();
				this.lastCompactionError = undefined;
			} catch (error) {
				// The journal stays valid; the next write that crosses the threshold tries again.
				this.lastCompactionError = describeError(error);
			}
		});
	}

	/** Captures the state under the lock, writes the new generation outside it, installs it under the lock. */
	private async compact(): Promise<void> {
		const captured = await this.underLock(() => (this.needsCompaction() ? captureState(this.replica) : undefined));
		if (captured === undefined) {
			return;
		}

		const next = await writeGeneration(this.paths, this.replica.snapshot, captured, {sealAfter: this.settings.sealAfter, keepHot: this.settings.keepHot});
		await testPause('install');
		await this.underLock(() => {
			if (this.replica.generation !== captured.generation) {
				discardGeneration(this.paths, next); // another process compacted first
				return;
			}

			this.replica.snapshot.install(next.temporary);
			this.replica.reload(false);
			try {
				removeStaleFiles(this.paths, next.document);
			} catch {
				// Leftovers are harmless; the next compaction tries again.
			}
		});
	}

	private emit(changes: readonly Change[]): void {
		for (const change of changes) {
			for (const listener of [...this.listeners]) {
				try {
					listener(change);
				} catch (error) {
					process.emitWarning(`a store listener threw: ${describeError(error)}`);
				}
			}
		}
	}

	private assertUsable(table: TableName): void {
		if (this.state === 'closed') {
			throw new StoreError(`store ${this.path} is closed`);
		}

		if (!isTableName(table)) {
			throw new StoreError(`unknown table ${JSON.stringify(table)}`);
		}
	}
}
