// snapshot.json, and the lowdb adapter that writes it durably: a uniquely named temp file, fsync,
// rename over the old snapshot, fsync the folder. (lowdb's own JSONFile uses one fixed temp name
// and never fsyncs, so two writers can interleave bytes into it.)
// Layout: the header fields on line 1, then one document per line. That is still plain JSON, a
// parse error names a useful line, and a reader can learn the generation from line 1 alone.
// The header's checksum (SHA-1 of everything after line 1) lets open trust a file this code wrote
// and load its documents lazily; a file that fails it (hand-edited, damaged) is parsed and
// validated in full, which is also what reports corruption.
import fs from 'node:fs';
import {createHash, randomBytes} from 'node:crypto';
import path from 'node:path';
import type {Adapter} from 'lowdb';
import {StoreError, describeError, errorCode} from './errors.js';
import {fsyncDirectory} from './journal.js';
import {describeJsonError} from './json-errors.js';
import {inLineOrder, pendingLine, stubFromLine} from './lazy-docs.js';
import {SCHEMA_VERSION, validateDocument, validateMeta} from './migrations.js';
import type {Doc} from './table.js';
import {TABLE_NAMES, type StoreDocument, type TableName} from './types.js';

export type SnapshotHeader = Omit<StoreDocument, 'tables'> & {checksum?: string};
const META_FIELDS = ['schema_version', 'generation', 'nonce', 'base', 'segments', 'retired'] as const;

/** Identifies one version of a file cheaply; a compaction renames a new file in, which changes it. */
export function fileIdentity(stats: fs.Stats): string {
	return `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
}

export class SnapshotFile implements Adapter<StoreDocument> {
	constructor(readonly path: string) {}

	/** For lowdb's Low.read(): the fully parsed, validated document (current schema only; openStore migrates). */
	async read(): Promise<StoreDocument | null> {
		const loaded = this.load();
		return loaded === undefined ? null : validateDocument(loaded.value, this.path);
	}

	async write(document: StoreDocument): Promise<void> {
		this.install(await this.writeTemporary(document));
	}

	/** Writes document durably beside the snapshot (a compaction does this outside the lock). Returns the file. */
	async writeTemporary(document: StoreDocument): Promise<string> {
		// Serialise before the first await: the caller's arrays may change once we yield.
		const text = serializeSnapshot(document);
		const temporary = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
		try {
			const handle = await fs.promises.open(temporary, 'wx');
			try {
				await handle.writeFile(text);
				await handle.sync();
			} finally {
				await handle.close();
			}

			return temporary;
		} catch (error) {
			await fs.promises.rm(temporary, {force: true}).catch(() => undefined);
			throw new StoreError(`cannot write store file ${this.path}: ${describeError(error)}`, {cause: error});
		}
	}

	/** Renames a file from writeTemporary over the snapshot, durably (the commit point of a new generation). */
	install(temporary: string): void {
		try {
			fs.renameSync(temporary, this.path);
			fsyncDirectory(path.dirname(this.path));
		} catch (error) {
			fs.rmSync(temporary, {force: true});
			throw new StoreError(`cannot write store file ${this.path}: ${describeError(error)}`, {cause: error});
		}
	}

	/** Parses the whole file, any version; undefined if it does not exist. Throws StoreError if it is not JSON. */
	load(): {value: unknown; identity: string} | undefined {
		const file = this.readBytes();
		return file && {value: this.parse(file.bytes.toString('utf8')), identity: file.identity};
	}

	/** A current-version document: lazily if the checksum holds, else parsed and validated in full. */
	loadCurrent(): {document: StoreDocument; identity: string} | undefined {
		const file = this.readBytes();
		if (file === undefined) {
			return undefined;
		}

		const {bytes, identity} = file;
		const newline = bytes.indexOf(10);
		const header = parseHeaderLine(bytes.toString('utf8', 0, Math.max(newline, 0)));
		if (header?.checksum !== undefined && header.schema_version === SCHEMA_VERSION) {
			const body = bytes.subarray(newline + 1);
			const tables = checksum(body) === header.checksum ? splitBody(body.toString('utf8')) : undefined;
			if (tables !== undefined) {
				const meta = Object.fromEntries(META_FIELDS.map(field => [field, header[field]]));
				return {document: validateMeta({...meta, tables}, this.path), identity};
			}
		}

		return {document: validateDocument(this.parse(bytes.toString('utf8')), this.path), identity};
	}

	/** Line 1 only (cheap). Undefined if the file is missing or not in our layout (then load() it). */
	readHeader(): {header: SnapshotHeader; identity: string} | undefined {
		let fd: number;
		try {
			fd = fs.openSync(this.path, 'r');
		} catch {
			return undefined;
		}

		try {
			// Line 1 grows with the list of segments: read until its newline.
			let buffer = Buffer.alloc(0);
			let newline = -1;
			while (newline < 0) {
				const chunk = Buffer.alloc(65_536);
				const read = fs.readSync(fd, chunk, 0, chunk.length, buffer.length);
				if (read === 0) {
					return undefined;
				}

				newline = chunk.subarray(0, read).indexOf(10);
				newline = newline < 0 ? -1 : buffer.length + newline;
				buffer = Buffer.concat([buffer, chunk.subarray(0, read)]);
			}

			const header = parseHeaderLine(buffer.toString('utf8', 0, newline));
			return header && {header, identity: fileIdentity(fs.fstatSync(fd))};
		} finally {
			fs.closeSync(fd);
		}
	}

	private readBytes(): {bytes: Buffer; identity: string} | undefined {
		let fd: number;
		try {
			fd = fs.openSync(this.path, 'r');
		} catch (error) {
			if (errorCode(error) === 'ENOENT') {
				return undefined;
			}

			throw new StoreError(`cannot read store file ${this.path}: ${describeError(error)}`, {cause: error});
		}

		try {
			const identity = fileIdentity(fs.fstatSync(fd));
			return {bytes: fs.readFileSync(fd), identity};
		} catch (error) {
			throw new StoreError(`cannot read store file ${this.path}: ${describeError(error)}`, {cause: error});
		} finally {
			fs.closeSync(fd);
		}
	}

	private parse(text: string): unknown {
		if (text.trim() === '') {
			throw new StoreError(`store file ${this.path} is corrupt: the file is empty; fix or move it away`);
		}

		try {
			return JSON.parse(text);
		} catch (error) {
			throw new StoreError(`store file ${this.path} is corrupt: ${describeJsonError(error, text)}; fix or move it away`);
		}
	}
}

function parseHeaderLine(line: string): SnapshotHeader | undefined {
	if (!line.endsWith(',')) {
		return undefined;
	}

	try {
		const value: unknown = JSON.parse(`${line.slice(0, -1)}}`);
		if (typeof value !== 'object' || value === null) {
			return undefined;
		}

		const header = value as Record<string, unknown>;
		const valid =
			Number.isSafeInteger(header.schema_version) &&
			Number.isSafeInteger(header.generation) &&
			(header.checksum === undefined || typeof header.checksum === 'string');
		return valid ? (header as SnapshotHeader) : undefined;
	} catch {
		return undefined;
	}
}

function checksum(body: Buffer | string): string {
	return createHash('sha1').update(body).digest('hex');
}

/**
 * Line 1: the header fields (ending in a comma). Then:
 *   "tables":{
 *   "prompts":[
 *   {document},        one per line, a comma after all but the last
 *   ],                 (] after the last table)
 *   ...
 *   }}
 */
export function serializeSnapshot(document: StoreDocument): string {
	const lines = ['"tables":{'];
	for (const [index, name] of TABLE_NAMES.entries()) {
		lines.push(`${JSON.stringify(name)}:[`);
		const rows = document.tables[name] as unknown as Doc[];
		for (const [row, doc] of rows.entries()) {
			const line = pendingLine(doc) ?? JSON.stringify(inLineOrder(doc, name));
			lines.push(row < rows.length - 1 ? `${line},` : line);
		}

		lines.push(index < TABLE_NAMES.length - 1 ? '],' : ']');
	}

	lines.push('}}\n');
	const body = lines.join('\n');
	const header = Object.fromEntries(META_FIELDS.map(field => [field, document[field]])) as SnapshotHeader;
	header.checksum = checksum(body);
	return `${JSON.stringify(header).slice(0, -1)},\n${body}`;
}

/** The tables of a body in exactly serializeSnapshot's layout, documents lazy where possible; else undefined. */
function splitBody(text: string): StoreDocument['tables'] | undefined {
	let position = 0;
	const next = (): string | undefined => {
		const end = text.indexOf('\n', position);
		if (end < 0) {
			return undefined;
		}

		const line = text.slice(position, end);
		position = end + 1;
		return line;
	};

	if (next() !== '"tables":{') {
		return undefined;
	}

	const tables: Partial<Record<TableName, Doc[]>> = {};
	for (const [index, name] of TABLE_NAMES.entries()) {
		if (next() !== `${JSON.stringify(name)}:[`) {
			return undefined;
		}

		const close = index < TABLE_NAMES.length - 1 ? '],' : ']';
		const rows: Doc[] = [];
		for (let line = next(); line !== close; line = next()) {
			if (line === undefined || !line.startsWith('{')) {
				return undefined;
			}

			const json = line.endsWith(',') ? line.slice(0, -1) : line;
			const doc = stubFromLine(json, name) ?? parseRow(json);
			if (doc === undefined) {
				return undefined;
			}

			rows.push(doc);
		}

		tables[name] = rows;
	}

	return next() === '}}' && position === text.length ? (tables as unknown as StoreDocument['tables']) : undefined;
}

function parseRow(json: string): Doc | undefined {
	try {
		return JSON.parse(json) as Doc;
	} catch {
		return undefined;
	}
}
