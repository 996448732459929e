// Schema versions. snapshot.json carries schema_version; MIGRATIONS[n] turns a version-n document
// into version n+1. openStore applies them (under the lock) and writes the result as a new
// generation; a file newer than this code is refused rather than rewritten.
import {StoreError} from './errors.js';
import {documentProblem, isPlainObject} from './operations.js';
import {TABLE_NAMES, type StoreDocument} from './types.js';

type Migration = (document: Record<string, unknown>) => Record<string, unknown>;

export const MIGRATIONS: readonly Migration[] = [
	// 0 → 1. Version 0 is what a plain lowdb JSONFile held: {prompts: [...], runs: [...]}, no version,
	// and runs from before the stall watchdog and failure kinds.
	document => ({
		schema_version: 1,
		generation: 1,
		tables: {
			prompts: listOrEmpty(document.prompts),
			runs: listOrEmpty(document.runs).map(run =>
				isPlainObject(run) ? {stalled: false, failure_kind: null, metrics: {}, ...run} : run,
			),
		},
	}),
	// 1 → 2. The scheduler: runs are queued (not "pending") with a priority, a queue position, a
	// requested host and a placement; remote handles are backend-neutral; sweeps, leases and hosts tables.
	document => {
		const tables = isPlainObject(document.tables) ? document.tables : {};
		return {
			...document,
			schema_version: 2,
			tables: {
				...tables,
				runs: listOrEmpty(tables.runs).map(run => (isPlainObject(run) ? migrateRunTo2(run) : run)),
				sweeps: [],
				leases: [],
				hosts: [],
			},
		};
	},
	// 2 → 3. Sealed segments and a checksummed journal: the snapshot names its segments, its retired
	// documents and the chain its journal continues (open.ts fills nonce and base for the new generation).
	document => ({...document, schema_version: 3, nonce: '', base: {generation: 0, journal_bytes: 0, journal_lines: 0, seq: 0, sum: 0}, segments: [], retired: {}}),
];

function migrateRunTo2(run: Record<string, unknown>): Record<string, unknown> {
	const {container, ...remote} = isPlainObject(run.remote) ? run.remote : {};
	const created = typeof run.created_at === 'string' ? Date.parse(run.created_at) : Number.NaN;
	return {
		priority: 0,
		queue_order: Number.isFinite(created) ? created : 0,
		host: null,
		placement: isPlainObject(run.remote) && typeof run.remote.host === 'string' ? {host: run.remote.host, gpus: []} : null,
		sweep_id: null,
		cancel_requested_at: null,
		...run,
		status: run.status === 'pending' ? 'queued' : run.status,
		remote: isPlainObject(run.remote) ? {backend: 'docker', ...remote, job: container} : null,
	};
}

export const SCHEMA_VERSION = MIGRATIONS.length;

function listOrEmpty(value: unknown): unknown[] {
	return Array.isArray(value) ? value : [];
}

/** The document's schema_version (0 if it has none). Throws StoreError if it is newer than this code. */
export function versionOf(value: unknown, file: string): number {
	if (!isPlainObject(value)) {
		throw invalid(file, 'the top level is not an object');
	}

	const version = value.schema_version ?? 0;
	if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) {
		throw invalid(file, 'schema_version is not a whole number');
	}

	if (version > SCHEMA_VERSION) {
		throw new StoreError(
			`store file ${file} has schema_version ${version}, newer than the ${SCHEMA_VERSION} this cosmos-tui understands; upgrade cosmos-tui`,
		);
	}

	return version;
}

/** Brings a document of any known version up to SCHEMA_VERSION (in memory). */
export function migrate(value: unknown, file: string): Record<string, unknown> {
	let document = value as Record<string, unknown>;
	for (let version = versionOf(value, file); version < SCHEMA_VERSION; version++) {
		document = MIGRATIONS[version]!(document);
	}

	return document;
}

/** Checks the shape of a current-version document (not every field of every record: that is the domain's job). */
export function validateDocument(value: unknown, file: string): StoreDocument {
	const version = versionOf(value, file);
	if (version !== SCHEMA_VERSION) {
		throw new StoreError(`store file ${file} has schema_version ${version}; open it with openStore to migrate it`);
	}

	const document = validateMeta(value as Record<string, unknown>, file) as unknown as Record<string, unknown>;
	const {tables} = document;
	if (!isPlainObject(tables)) {
		throw invalid(file, 'tables is missing');
	}

	for (const name of Object.keys(tables)) {
		if (!(TABLE_NAMES as readonly string[]).includes(name)) {
			throw invalid(file, `unknown table ${JSON.stringify(name)}`);
		}
	}

	for (const name of TABLE_NAMES) {
		const rows = tables[name];
		if (!Array.isArray(rows)) {
			throw invalid(file, `tables.${name} is not a list`);
		}

		for (const [index, row] of rows.entries()) {
			const problem = documentProblem(row);
			if (problem !== undefined) {
				throw invalid(file, `${name}[${index}] ${problem}`);
			}
		}
	}

	return document as StoreDocument;
}

const whole = (value: unknown, least = 0): boolean => typeof value === 'number' && Number.isSafeInteger(value) && value >= least;

/** Checks the fields besides the tables (what line 1 of the snapshot holds). */
export function validateMeta(document: Record<string, unknown>, file: string): StoreDocument {
	if (!whole(document.generation, 1)) {
		throw invalid(file, 'generation is not a positive whole number');
	}

	const base = document.base as Record<string, unknown> | undefined;
	if (typeof document.nonce !== 'string' || !isPlainObject(base) || !['generation', 'journal_bytes', 'journal_lines', 'seq', 'sum'].every(field => whole(base[field]))) {
		throw invalid(file, 'nonce or base is missing');
	}

	if (!Array.isArray(document.segments) || !document.segments.every(segment => isPlainObject(segment) && typeof segment.file === 'string' && SEGMENT_NAME.test(segment.file))) {
		throw invalid(file, 'segments is not a list of segment files');
	}

	if (!isPlainObject(document.retired) || !Object.values(document.retired).every(ids => Array.isArray(ids) && ids.every(id => typeof id === 'string'))) {
		throw invalid(file, 'retired is not a list of ids per segment');
	}

	return document as StoreDocument;
}

// A plain name in the store folder (never a path elsewhere).
const SEGMENT_NAME = /^segment\.\d+\.\d+\.[\da-f]+\.[a-z]+$/;

export function invalid(file: string, problem: string): StoreError {
	return new StoreError(`store file ${file} is invalid: ${problem}; fix or move it away`);
}
