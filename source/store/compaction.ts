// Compaction (under the lock): the current tables become snapshot generation g+1, written through
// lowdb's Low.write() with the durable adapter; the header records that it equals generation g plus
// the first N bytes of journal g, so other processes can follow without reparsing. Journal g is
// kept for them; older journals and temp files of dead compactions are removed.
import fs from 'node:fs';
import path from 'node:path';
import type {Low} from 'lowdb';
import {SCHEMA_VERSION} from './migrations.js';
import type {Replica, StorePaths} from './replica.js';
import {TABLE_NAMES, type StoreDocument} from './types.js';

export async function compactInto(db: Low<StoreDocument>, replica: Replica, paths: StorePaths): Promise<void> {
	const {generation, journalOffset, tables} = replica;
	db.data = {
		schema_version: SCHEMA_VERSION,
		generation: generation + 1,
		base: {generation, journal_bytes: journalOffset},
		tables: Object.fromEntries(TABLE_NAMES.map(name => [name, tables[name].ordered()])) as unknown as StoreDocument['tables'],
	};
	await db.write();
	replica.adoptCompaction(generation + 1);
	try {
		removeStaleFiles(paths, generation);
	} catch {
		// Leftovers are harmless and the next compaction tries again.
	}
}

function removeStaleFiles(paths: StorePaths, compacted: number): void {
	for (const name of fs.readdirSync(paths.dir)) {
		const journal = /^journal\.(\d+)\.jsonl$/.exec(name);
		if ((journal && Number(journal[1]) < compacted) || /^snapshot\.json\.\d+\.[\da-f]+\.tmp$/.test(name)) {
			fs.rmSync(path.join(paths.dir, name), {force: true});
		}
	}
}
