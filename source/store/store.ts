// The store: snapshot.json (written through lowdb with a durable adapter) + journal.<generation>.jsonl
// (one fsynced line per transaction) + compaction into a new snapshot generation, with writes
// serialised across processes by the lock in lock/. See replica.ts for how readers stay fresh.
import fs from 'node:fs';
import {Low} from 'lowdb';
import {StoreError, describeError} from './errors.js';
import {deepFreeze} from './freeze.js';
import {acquireLock} from './lock.js';
import {isTableName} from './operations.js';
import {materialize} from './lazy-docs.js';
import {initialise} from './open.js';
import {type Query, type QuerySource, newQuery} from './query.js';
import {Replica, type StorePaths, storePaths} from './replica.js';
import {WriteTransaction} from './transaction.js';
import {SCHEMA_VERSION} from './migrations.js';
import type {Change, Store, StoreDocument, StoreInfo, StoreOptions, TableName, Tables, Transaction} from './types.js';

const DEFAULTS: Required<StoreOptions> = {
	compactAfterEntries: 2000,
	compactAfterBytes: 4 * 1024 * 1024,
	lockTimeoutMs: 30_000,
	watch: true,
	warmUp: true,
};

/** Opens (creating if missing) the store in <dataDir>/store. Throws StoreError with one line on any problem. */
export async function openStore(dataDir: string, options: StoreOptions = {}): Promise<Store> {
	const settings = {...DEFAULTS, ...options};
	const paths = storePaths(dataDir);
	await initialise(paths, settings.lockTimeoutMs);
	const store = new FileStore(paths, settings);
	store.replica.load();
	store.warmUpAfterLoad();
	return store;
}

class FileStore implements Store {
	readonly path: string;
	readonly replica: Replica;
	private readonly db: Low<StoreDocument>;
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
	private watcher: fs.FSWatcher | undefined;
	private watchTimer: NodeJS.Timeout | undefined;

	constructor(
		private readonly paths: StorePaths,
		private readonly settings: Required<StoreOptions>,
	) {
		this.path = paths.dir;
		this.replica = new Replica(paths);
		this.db = new Low<StoreDocument>(this.replica.snapshot, {schema_version: SCHEMA_VERSION, generation: 0, tables: {prompts: [], runs: []}});
		this.source = {table: name => this.replica.tables[name], beforeRead: () => this.beforeRead()};
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

	/**
	 * Open loads documents lazily (lazy-docs.ts); this parses the rest in slices of a few
	 * milliseconds while the event loop is idle, so later reads do not pay for it. Unref'd: it
	 * never keeps the process alive.
	 */
	warmUpAfterLoad(): void {
		const load = this.replica.snapshotLoads;
		if (load === this.warmedLoad) {
			return;
		}

		this.warmedLoad = load;
		this.warm = !this.settings.warmUp;
		if (this.warm) {
			return;
		}

		const {tables} = this.replica;
		const docs = [...tables.prompts.byId.values(), ...tables.runs.byId.values()];
		let next = 0;
		const slice = () => {
			if (this.state !== 'open' || this.replica.tables !== tables) {
				return;
			}

			const deadline = performance.now() + 4;
			while (next < docs.length) {
				materialize(docs[next++]!);
				if (next % 64 === 0 && performance.now() > deadline) {
					setImmediate(slice).unref();
					return;
				}
			}

			this.warm = true;
		};

		setImmediate(slice).unref();
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
		this.watch();
		return () => {
			this.listeners.delete(listener);
			if (this.listeners.size === 0) {
				this.unwatch();
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
			warm: this.warm,
			lastCompactionError: this.lastCompactionError,
		};
	}

	async close(): Promise<void> {
		if (this.state === 'open') {
			this.state = 'closing';
			await this.queue;
			this.unwatch();
			this.state = 'closed';
		}
	}

	private commit<R>(fn: (tx: Transaction) => R): R {
		const tx = new WriteTransaction(this.replica.tables);
		let result: R;
		try {
			result = fn(tx);
			if (isThenable(result)) {
				result.then(undefined, () => undefined);
				throw new StoreError('write(): the callback must be synchronous (it returned a promise)');
			}
		} catch (error) {
			tx.rollback();
			throw error;
		} finally {
			tx.finish();
		}

		if (tx.operations.length > 0) {
			try {
				this.replica.append(tx.operations);
			} catch (error) {
				tx.rollback();
				throw error;
			}

			this.emit(tx.changes);
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
				await this.underLock(async () => {
					if (this.needsCompaction()) {
						await this.compact();
					}
				});
				this.lastCompactionError = undefined;
			} catch (error) {
				// The journal stays valid; the next write that crosses the threshold tries again.
				this.lastCompactionError = describeError(error);
			}
		});
	}

	private async compact(): Promise<void> {
		const {generation, journalOffset, tables} = this.replica;
		this.db.data = {
			schema_version: SCHEMA_VERSION,
			generation: generation + 1,
			base: {generation, journal_bytes: journalOffset},
			tables: {prompts: tables.prompts.ordered() as unknown as Tables['prompts'][], runs: tables.runs.ordered() as unknown as Tables['runs'][]},
		};
		await this.db.write();
		this.replica.adoptCompaction(generation + 1);
		try {
			removeStaleFiles(this.paths, generation);
		} catch {
			// Leftovers are harmless and the next compaction tries again.
		}
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

	/** fs.watch wakes subscribers when another process writes; best effort, reads still check by themselves. */
	private watch(): void {
		if (this.watcher !== undefined || !this.settings.watch || this.state !== 'open') {
			return;
		}

		try {
			this.watcher = fs.watch(this.path, {persistent: false}, () => {
				this.watchTimer ??= setTimeout(() => {
					this.watchTimer = undefined;
					try {
						this.refresh();
					} catch {
						// A broken store shows up on the next explicit read.
					}
				}, 10).unref();
			});
			this.watcher.on('error', () => this.unwatch());
		} catch {
			this.watcher = undefined;
		}
	}

	private unwatch(): void {
		this.watcher?.close();
		this.watcher = undefined;
		clearTimeout(this.watchTimer);
		this.watchTimer = undefined;
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

/** Journals older than the one just compacted, and temp files of dead compactions (we hold the lock). */
function removeStaleFiles(paths: StorePaths, compacted: number): void {
	for (const name of fs.readdirSync(paths.dir)) {
		const journal = /^journal\.(\d+)\.jsonl$/.exec(name);
		if ((journal && Number(journal[1]) < compacted) || /^snapshot\.json\.\d+\.[\da-f]+\.tmp$/.test(name)) {
			fs.rmSync(`${paths.dir}/${name}`, {force: true});
		}
	}
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
	return typeof value === 'object' && value !== null && typeof (value as {then?: unknown}).then === 'function';
}
