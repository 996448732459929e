// A write transaction. Operations apply to the live tables at once (so fn reads its own writes)
// and record an undo step; if fn throws, or the journal append fails, the undo log puts every
// table back and nothing reaches the disk. Values are copied through JSON on the way in, so the
// store holds exactly what a reload from disk would give, and the caller keeps no handle into it.
import {StoreError} from './errors.js';
import {deepFreeze} from './freeze.js';
import {type Operation, type TableSet, documentProblem, isPlainObject, isTableName, serializeOperation} from './operations.js';
import {type Query, type QuerySource, newQuery} from './query.js';
import type {Doc} from './table.js';
import type {TableView} from './table-view.js';
import type {Change, TableName, Tables, Transaction} from './types.js';

/**
 * Runs fn in a transaction and hands its operations to persist (the journal append). If fn throws,
 * returns a promise, or persist throws, every change is undone and the error propagates.
 */
export function runTransaction<R>(
	tables: TableSet,
	fn: (tx: Transaction) => R,
	persist: (operations: readonly string[]) => void,
): {result: R; changes: Change[]} {
	const tx = new WriteTransaction(tables);
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
			persist(tx.operations);
		} catch (error) {
			tx.rollback();
			throw error;
		}
	}

	return {result, changes: tx.changes};
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
	return typeof value === 'object' && value !== null && typeof (value as {then?: unknown}).then === 'function';
}

class WriteTransaction implements Transaction {
	/** Serialised operations, for the journal line. */
	readonly operations: string[] = [];
	readonly changes: Change[] = [];
	private readonly undo: Array<() => void> = [];
	private open = true;
	private readonly source: QuerySource;

	constructor(private readonly tables: TableSet) {
		// Under the lock the tables are already fresh: no catching up between reads of one transaction.
		this.source = {table: name => this.tables[name], beforeRead() {}};
	}

	get<T extends TableName>(table: T, id: string): Tables[T] | undefined {
		return deepFreeze(this.table(table).get(id)) as Tables[T] | undefined;
	}

	select<T extends TableName>(table: T): Query<Tables[T]> {
		this.table(table);
		return newQuery<Tables[T]>(this.source, table);
	}

	insert<T extends TableName>(table: T, doc: Tables[T]): void {
		const target = this.table(table);
		const {json, value} = copy(doc, `insert into ${table}`);
		const problem = documentProblem(value);
		if (problem !== undefined) {
			throw new StoreError(`insert into ${table}: the document ${problem}`);
		}

		const stored = value as Doc;
		if (target.has(stored.id)) {
			throw new StoreError(`insert into ${table}: id ${stored.id} already exists`);
		}

		target.put(stored);
		this.record({op: 'insert', table, doc: stored}, json, () => target.delete(stored.id));
	}

	update<T extends TableName>(table: T, id: string, patch: Partial<Tables[T]>): Tables[T] {
		const target = this.table(table);
		const old = target.get(id);
		if (old === undefined) {
			throw new StoreError(`update ${table} ${id}: no such document`);
		}

		const {json, value} = copy(patch, `update ${table} ${id}`);
		if (!isPlainObject(value)) {
			throw new StoreError(`update ${table} ${id}: the patch is not an object`);
		}

		if ('id' in value && value.id !== id) {
			throw new StoreError(`update ${table} ${id}: the id cannot change`);
		}

		const next = {...old, ...value};
		const problem = documentProblem(next);
		if (problem !== undefined) {
			throw new StoreError(`update ${table} ${id}: the result ${problem}`);
		}

		target.put(next as Doc);
		this.record({op: 'update', table, id, patch: value}, json, () => target.put(old));
		return deepFreeze(next) as unknown as Tables[T];
	}

	remove<T extends TableName>(table: T, id: string): void {
		const target = this.table(table);
		const old = target.delete(id);
		if (old !== undefined) {
			this.record({op: 'delete', table, id}, '', () => target.put(old));
		}
	}

	/** Undoes every operation, newest first. */
	rollback(): void {
		for (const step of this.undo.reverse()) {
			step();
		}

		this.undo.length = 0;
		this.operations.length = 0;
		this.changes.length = 0;
	}

	/** After this, the transaction object refuses further use (fn must not keep it). */
	finish(): void {
		this.open = false;
	}

	private table(name: TableName): TableView {
		if (!this.open) {
			throw new StoreError('this transaction has finished; do all work inside the write() callback');
		}

		if (!isTableName(name)) {
			throw new StoreError(`unknown table ${JSON.stringify(name)}`);
		}

		return this.tables[name];
	}

	private record(operation: Operation, json: string, undo: () => void): void {
		const id = operation.op === 'insert' ? operation.doc.id : operation.id;
		this.operations.push(serializeOperation(operation, json));
		this.changes.push({table: operation.table, id, op: operation.op, external: false});
		this.undo.push(undo);
	}
}

function copy(value: unknown, what: string): {json: string; value: unknown} {
	let json: string | undefined;
	try {
		json = JSON.stringify(value);
	} catch (error) {
		throw new StoreError(`${what}: cannot be stored as JSON (${(error as Error).message})`, {cause: error});
	}

	if (json === undefined) {
		throw new StoreError(`${what}: cannot be stored as JSON`);
	}

	return {json, value: JSON.parse(json)};
}
