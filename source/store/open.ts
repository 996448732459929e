// What openStore does before loading, under the lock: check the folder can be written, create the
// first snapshot, or migrate an older schema (keeping a .bak of the old snapshot and journal). It
// never rewrites a file it could not read: those errors propagate as StoreError and the file is
// left as it is.
import fs from 'node:fs';
import path from 'node:path';
import {StoreError, describeError, errorCode} from './errors.js';
import {writeGeneration} from './compaction.js';
import {journalPath, readJournal} from './journal.js';
import {acquireLock} from './lock.js';
import {SCHEMA_VERSION, migrate, validateDocument, versionOf} from './migrations.js';
import {applyOperation, isPlainObject} from './operations.js';
import {type StorePaths, buildTables} from './replica.js';
import {SnapshotFile} from './snapshot-file.js';
import type {Doc} from './table.js';
import {TABLE_NAMES, type StoreDocument} from './types.js';

type Settings = {lockTimeoutMs: number; sealAfter: number; keepHot: number};

export async function initialise(paths: StorePaths, settings: Settings): Promise<void> {
	createFolder(paths.dir);
	const snapshot = new SnapshotFile(paths.snapshot);
	// The common case, a current store: nothing to create or migrate, so no lock to take.
	if (snapshot.readHeader()?.header.schema_version === SCHEMA_VERSION) {
		probeWritable(paths.dir);
		return;
	}

	const release = await acquireLock(paths.lockDir, settings.lockTimeoutMs);
	try {
		probeWritable(paths.dir);
		if (snapshot.readHeader()?.header.schema_version === SCHEMA_VERSION) {
			return;
		}

		const loaded = snapshot.load();
		if (loaded === undefined) {
			const orphan = fs.readdirSync(paths.dir).find(name => /^journal\.\d+\.jsonl$/.test(name));
			if (orphan !== undefined) {
				throw new StoreError(
					`store file ${paths.snapshot} is missing but ${path.join(paths.dir, orphan)} exists; restore the snapshot or move the folder away`,
				);
			}

			const empty = {prompts: [], runs: [], sweeps: [], leases: [], hosts: []};
			await install(paths, snapshot, 0, empty as unknown as StoreDocument['tables'], settings);
			return;
		}

		const version = versionOf(loaded.value, paths.snapshot);
		if (version < SCHEMA_VERSION) {
			await upgrade(paths, snapshot, loaded.value as Record<string, unknown>, version, settings);
		}
	} finally {
		release();
	}
}

/** Writes generation `after` + 1 from tables, sealing what can be sealed, and installs it. */
async function install(paths: StorePaths, snapshot: SnapshotFile, after: number, tables: StoreDocument['tables'], settings: Settings): Promise<void> {
	const placeholder = {generation: after, journal_bytes: 0, journal_lines: 0, seq: 0, sum: 0};
	const captured = {generation: after, document: {schema_version: SCHEMA_VERSION, base: placeholder, segments: [], retired: {}, tables}};
	const next = await writeGeneration(paths, snapshot, captured, {sealAfter: settings.sealAfter, keepHot: settings.keepHot, fresh: true});
	snapshot.install(next.temporary);
}

async function upgrade(paths: StorePaths, snapshot: SnapshotFile, old: Record<string, unknown>, version: number, settings: Settings): Promise<void> {
	const generation = typeof old.generation === 'number' ? old.generation : 0;
	let document = old;
	if (version >= 1) {
		// From version 1 on, a journal may continue the snapshot, in the old version's shape: fold it in first.
		const tables = isPlainObject(old.tables) ? (old.tables as Record<string, Doc[]>) : {};
		const set = buildTables(tables, paths.snapshot);
		const file = journalPath(paths.dir, generation);
		for (const entry of readJournal(file, 0, 1, 'unchained').entries) {
			for (const operation of entry.operations) {
				applyOperation(set, operation);
			}
		}

		document = {...old, tables: Object.fromEntries(TABLE_NAMES.map(name => [name, [...set[name].hot.ordered()]]))};
	}

	const migrated: Record<string, unknown> = {...migrate(document, paths.snapshot), generation: Math.max(generation, 1)};
	const valid = validateDocument(migrated, paths.snapshot);
	buildTables(valid.tables as unknown as Record<string, Doc[]>, paths.snapshot);
	const journal = journalPath(paths.dir, generation);
	backUp(paths.snapshot, `${paths.snapshot}.v${version}.bak`);
	if (fs.existsSync(journal)) {
		backUp(journal, `${journal}.v${version}.bak`);
	}

	await install(paths, snapshot, generation, valid.tables, settings);
	// The new generation's journal starts a new chain; the old one lives on only as the backup.
	fs.rmSync(journal, {force: true});
}

function backUp(file: string, backup: string): void {
	try {
		fs.copyFileSync(file, backup, fs.constants.COPYFILE_EXCL);
	} catch (error) {
		if (errorCode(error) !== 'EEXIST') {
			throw new StoreError(`cannot back up ${file} before migrating it: ${describeError(error)}`, {cause: error});
		}
	}
}

function createFolder(dir: string): void {
	try {
		fs.mkdirSync(dir, {recursive: true});
		if (fs.statSync(dir).isDirectory()) {
			return;
		}
	} catch (error) {
		const file = firstNonFolder(dir);
		const problem = file === undefined ? describeError(error) : `${file} is a file, not a folder`;
		throw new StoreError(`cannot create store folder ${dir}: ${problem}`, {cause: error});
	}

	throw new StoreError(`cannot create store folder ${dir}: it is a file, not a folder`);
}

/** The closest existing ancestor of dir (or dir itself) that is not a folder. */
function firstNonFolder(dir: string): string | undefined {
	for (let current = dir; ; current = path.dirname(current)) {
		let stats: fs.Stats | undefined;
		try {
			stats = fs.statSync(current);
		} catch {
			// Missing, or below a file (ENOTDIR): look further up.
		}

		if (stats !== undefined) {
			return stats.isDirectory() ? undefined : current;
		}

		if (path.dirname(current) === current) {
			return undefined;
		}
	}
}

function probeWritable(dir: string): void {
	const probe = path.join(dir, `write-test.${process.pid}.tmp`);
	try {
		fs.writeFileSync(probe, '');
		fs.rmSync(probe);
	} catch (error) {
		throw new StoreError(`store folder ${dir} is not writable: ${describeError(error)}`, {cause: error});
	}
}
