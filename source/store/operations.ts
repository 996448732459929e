// Journal operations: what one line of the journal holds, how to check it, and how to apply it.
// A write transaction and a process catching up from the journal apply them the same way, so
// every process ends with the same documents.
import type {Segment} from './segment.js';
import type {Doc} from './table.js';
import {TableView} from './table-view.js';
import {type Change, TABLE_NAMES, type TableName} from './types.js';

export type Operation =
	| {op: 'insert'; table: TableName; doc: Doc}
	| {op: 'update'; table: TableName; id: string; patch: Record<string, unknown>}
	| {op: 'delete'; table: TableName; id: string};

export type TableSet = Record<TableName, TableView>;

export function emptyTables(): TableSet {
	return tablesFrom({});
}

/** One table per name, from rows by name (a missing name is an empty table) and the sealed segments. */
export function tablesFrom(
	rows: Partial<Record<TableName, Doc[]>>,
	segments: readonly Segment[] = [],
	retired: ReadonlyMap<Segment, Set<string>> = new Map(),
): TableSet {
	return Object.fromEntries(
		TABLE_NAMES.map(name => {
			const own = segments.filter(segment => segment.ref.table === name);
			const ownRetired = new Map(own.flatMap(segment => (retired.has(segment) ? [[segment, retired.get(segment)!] as const] : [])));
			return [name, new TableView(name, rows[name] ?? [], own, ownRetired)];
		}),
	) as TableSet;
}

export function isTableName(value: unknown): value is TableName {
	return typeof value === 'string' && (TABLE_NAMES as readonly string[]).includes(value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Why value cannot be a stored document, or undefined if it can. */
export function documentProblem(value: unknown): string | undefined {
	if (!isPlainObject(value)) {
		return 'is not an object';
	}

	if (typeof value.id !== 'string' || value.id === '') {
		return 'has no string id';
	}

	if (typeof value.created_at !== 'string') {
		return 'has no string created_at';
	}

	return undefined;
}

/** The operations of one journal line, or a description of what is wrong with it. */
export function parseEntry(value: unknown): Operation[] | string {
	if (!isPlainObject(value) || !Array.isArray(value.ops)) {
		return 'the line is not {"ops": [...]}';
	}

	const operations: Operation[] = [];
	for (const [index, item] of value.ops.entries()) {
		if (!isPlainObject(item) || !isTableName(item.table)) {
			return `operation ${index} names no known table`;
		}

		if (item.op === 'insert' && documentProblem(item.doc) === undefined) {
			operations.push({op: 'insert', table: item.table, doc: item.doc as Doc});
		} else if (item.op === 'update' && typeof item.id === 'string' && isPlainObject(item.patch)) {
			operations.push({op: 'update', table: item.table, id: item.id, patch: item.patch});
		} else if (item.op === 'delete' && typeof item.id === 'string') {
			operations.push({op: 'delete', table: item.table, id: item.id});
		} else {
			return `operation ${index} is not a valid insert, update or delete`;
		}
	}

	return operations;
}

/** Applies a journal operation written by some process. Throws Error if it does not fit the data. */
export function applyOperation(tables: TableSet, operation: Operation): Change {
	const table = tables[operation.table];
	switch (operation.op) {
		case 'insert': {
			if (table.has(operation.doc.id)) {
				throw new Error(`insert of existing ${operation.table} ${operation.doc.id}`);
			}

			table.put(operation.doc);
			return {table: operation.table, id: operation.doc.id, op: 'insert', external: true};
		}

		case 'update': {
			const old = table.get(operation.id);
			if (old === undefined) {
				throw new Error(`update of missing ${operation.table} ${operation.id}`);
			}

			table.put({...old, ...operation.patch, id: old.id} as Doc);
			return {table: operation.table, id: operation.id, op: 'update', external: true};
		}

		default: {
			table.delete(operation.id);
			return {table: operation.table, id: operation.id, op: 'delete', external: true};
		}
	}
}

export function serializeOperation(operation: Operation, json: string): string {
	const head = `{"op":"${operation.op}","table":"${operation.table}"`;
	switch (operation.op) {
		case 'insert': {
			return `${head},"doc":${json}}`;
		}

		case 'update': {
			return `${head},"id":${JSON.stringify(operation.id)},"patch":${json}}`;
		}

		default: {
			return `${head},"id":${JSON.stringify(operation.id)}}`;
		}
	}
}
