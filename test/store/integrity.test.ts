// Issue 10: a store that notices tampering. Journal lines carry a sequence number and a checksum
// chained from the line before (from the snapshot's generation for the first), segments carry
// checksums, and every refusal is one line naming the file and the problem, with the files left as
// they were.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {openStore} from '../../source/store/index.js';
import {makePrompt, makeRun, tempDir} from './fixtures/records.js';
import {contentsOf, refusal, seeded, snapshotOf} from './fixtures/seeded.js';

const lines = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter(line => line !== '');
const write = (file: string, rows: string[]) => fs.writeFileSync(file, `${rows.join('\n')}\n`);

/** Breaks the store with tamper, then checks the refusal matches expected and nothing changed. */
async function refusedAfter(t: import('ava').ExecutionContext, tamper: (store: Awaited<ReturnType<typeof seeded>>) => void, expected: RegExp): Promise<void> {
	const store = await seeded(t, 5);
	tamper(store);
	const before = contentsOf(store.storeDir);
	const error = await refusal(store.dir);
	t.regex(error.message, expected);
	t.notRegex(error.message, /\n/);
	t.deepEqual(contentsOf(store.storeDir), before, 'the refusal changed a file');
}

test('a journal line deleted in the middle is refused as missing', async t => {
	await refusedAfter(
		t,
		({journal}) => write(journal, lines(journal).filter((_, index) => index !== 1)),
		/^store journal \S+journal\.2\.jsonl is corrupt: line 2: entries? \d+ (are|is) missing before entry \d+; fix or move it away$/,
	);
});

test('a journal line edited into other valid JSON is refused by its checksum', async t => {
	await refusedAfter(
		t,
		({journal}) => write(journal, lines(journal).map((line, index) => (index === 1 ? line.replace('"running"', '"success"') : line))),
		/^store journal \S+ is corrupt: line 2: it was changed or comes from elsewhere \(its checksum does not match\)/,
	);
});

test('two journal lines swapped are refused', async t => {
	await refusedAfter(
		t,
		({journal}) => {
			const rows = lines(journal);
			[rows[1], rows[2]] = [rows[2]!, rows[1]!];
			write(journal, rows);
		},
		/^store journal \S+ is corrupt: line 2: /,
	);
});

test('a line from another store (valid in its own journal) is refused', async t => {
	const other = await seeded(t, 5);
	await refusedAfter(
		t,
		({journal}) => {
			const rows = lines(journal);
			rows.splice(3, 0, lines(other.journal)[3]!);
			write(journal, rows);
		},
		/^store journal \S+ is corrupt: line 4: it was changed or comes from elsewhere/,
	);
});

test('a journal that belongs to another snapshot of the same generation is refused', async t => {
	const other = await seeded(t, 5);
	await refusedAfter(
		t,
		({journal}) => fs.copyFileSync(other.journal, journal),
		/^store journal \S+ is corrupt: line 1: it was not written after this snapshot \(a journal from another generation or store\)/,
	);
});

test('a snapshot older than its journal (restored from a backup) is refused', async t => {
	const {dir, storeDir} = await seeded(t, 2);
	const older = fs.readFileSync(snapshotOf(storeDir));
	const store = await openStore(dir, {compactAfterEntries: 1});
	await store.write(tx => tx.insert('runs', makeRun('late', 'p1')));
	await store.write(tx => tx.insert('runs', makeRun('later', 'p1')));
	await store.close();
	fs.writeFileSync(snapshotOf(storeDir), older);
	const before = contentsOf(storeDir);
	const error = await refusal(dir);
	t.regex(error.message, /^store journal \S+journal\.\d+\.jsonl is newer than \S+snapshot\.json \(generation 2\): the snapshot is older than its journal/);
	t.deepEqual(contentsOf(storeDir), before);
});

test('a damaged sealed segment is refused when it is first read, naming the file', async t => {
	const {dir, cleanup} = tempDir();
	t.teardown(cleanup);
	const store = await openStore(dir, {compactAfterEntries: 1, sealAfter: 2, watch: false});
	await store.write(tx => {
		tx.insert('prompts', makePrompt('p1'));
		for (let index = 0; index < 5; index++) {
			tx.insert('runs', makeRun(`r${index}`, 'p1', {status: 'success', created_at: `2026-01-0${index + 1}T00:00:00.000Z`}));
		}
	});
	await store.close();
	const storeDir = path.join(dir, 'store');
	const segment = fs.readdirSync(storeDir).find(name => name.endsWith('.runs'))!;
	t.truthy(segment, 'nothing was sealed');
	// Flip one byte inside the third document (a valid JSON change: a digit of its created_at).
	const file = path.join(storeDir, segment);
	const bytes = fs.readFileSync(file);
	const at = bytes.indexOf('"r2"') + 1;
	bytes[at + 1] = '7'.charCodeAt(0);
	fs.writeFileSync(file, bytes);

	const reopened = await openStore(dir, {watch: false});
	t.is(reopened.get('runs', 'r4')?.status, 'success', 'other documents still read');
	const error = t.throws(() => reopened.select('runs').where('status', '=', 'success').all());
	t.regex(error.message, new RegExp(`^store segment \\S+${segment.replaceAll('.', '\\.')} is corrupt: (document 3 fails its checksum|its id\\.\\d section fails its checksum)`));
	await reopened.close();
});

test('a store written by the previous version (schema 2) migrates on first open, with backups', async t => {
	const {dir, cleanup} = tempDir();
	t.teardown(cleanup);
	const fixture = path.resolve('test/store/fixtures/v2-store');
	fs.cpSync(fixture, dir, {recursive: true});
	const storeDir = path.join(dir, 'store');
	const oldSnapshot = fs.readFileSync(snapshotOf(storeDir));
	const oldJournal = fs.readFileSync(path.join(storeDir, 'journal.2.jsonl'));

	const store = await openStore(dir, {sealAfter: 1, watch: false});
	t.is(store.info().schemaVersion, 3);
	t.true(store.info().sealedSegments > 0, 'the migration sealed the finished runs');
	t.is(store.get('prompts', 'ps_fixture2')?.name, 'renamed harbor');
	t.like(store.get('runs', 'rs_fixture00'), {status: 'failed', failure_kind: 'oom'});
	t.is(store.get('runs', 'rs_fixture01'), undefined);
	t.deepEqual(store.get('sweeps', 'sw_fixture')?.run_ids, ['rs_fixture10']);
	t.is(store.select('runs').count(), 11);
	t.deepEqual(
		store.select('runs').where('status', '=', 'queued').orderBy('created_at').all().map(run => run.id),
		['rs_fixture03', 'rs_fixture13', 'rs_fixture23'],
	);
	await store.write(tx => tx.update('runs', 'rs_fixture02', {stalled: true}));
	await store.close();

	t.deepEqual(fs.readFileSync(path.join(storeDir, 'snapshot.json.v2.bak')), oldSnapshot);
	t.deepEqual(fs.readFileSync(path.join(storeDir, 'journal.2.jsonl.v2.bak')), oldJournal);
	const reopened = await openStore(dir, {watch: false});
	t.is(reopened.get('runs', 'rs_fixture02')?.stalled, true);
	t.is(reopened.select('runs').count(), 11);
	await reopened.close();
});
