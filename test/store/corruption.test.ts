// Requirement 3: a store that cannot be read is refused with one clear line and left byte-identical;
// a torn final journal line (a writer died mid-append) is not corruption.
import fs from 'node:fs';
import test from 'ava';
import {openStore} from '../../source/store/index.js';
import {makeRun} from './fixtures/records.js';
import {refusal, seeded, snapshotOf} from './fixtures/seeded.js';

test('a corrupt snapshot is refused with its file, the problem and the line; the file is untouched', async t => {
	const {dir, storeDir} = await seeded(t);
	const file = snapshotOf(storeDir);
	const lines = fs.readFileSync(file, 'utf8').split('\n');
	lines[3] = lines[3]!.replace('"name":', '"name" oops');
	const broken = lines.join('\n');
	fs.writeFileSync(file, broken);
	const before = fs.readdirSync(storeDir).sort();

	const error = await refusal(dir);
	t.regex(error.message, /^store file \S+snapshot\.json is corrupt: .+ at line 4 column \d+; fix or move it away$/);
	t.false(error.message.includes('\n'));
	t.is(fs.readFileSync(file, 'utf8'), broken);
	t.deepEqual(fs.readdirSync(storeDir).sort(), before);
});

test('"Unexpected token" errors (which V8 gives without a position) still name the line', async t => {
	const {dir, storeDir} = await seeded(t);
	const file = snapshotOf(storeDir);
	const text = fs.readFileSync(file, 'utf8').replace('"runs":[', '"runs":[x');
	fs.writeFileSync(file, text);
	const error = await refusal(dir);
	const line = text.split('\n').findIndex(candidate => candidate.startsWith('"runs":[x')) + 1;
	t.regex(error.message, new RegExp(`is corrupt: Unexpected token 'x' at line ${line} column 9; fix or move it away$`));
	t.is(fs.readFileSync(file, 'utf8'), text);
});

test('an empty or truncated snapshot is corrupt', async t => {
	const {dir, storeDir} = await seeded(t);
	const file = snapshotOf(storeDir);
	const text = fs.readFileSync(file, 'utf8');
	fs.writeFileSync(file, text.slice(0, text.length / 2));
	t.regex((await refusal(dir)).message, /is corrupt: .*(end of JSON|Unterminated|Expected)/);
	fs.writeFileSync(file, '');
	t.regex((await refusal(dir)).message, /snapshot\.json is corrupt: the file is empty/);
	t.is(fs.readFileSync(file, 'utf8'), '');
});

test('a valid JSON file of the wrong shape is refused as invalid', async t => {
	const {dir, storeDir} = await seeded(t);
	const file = snapshotOf(storeDir);
	const empty = {prompts: [], runs: [], sweeps: [], leases: [], hosts: []};
	const meta = {schema_version: 3, nonce: 'n', base: {generation: 5, journal_bytes: 0, journal_lines: 0, seq: 0, sum: 0}, segments: [], retired: {}};
	const cases: Array<[unknown, RegExp]> = [
		[[1, 2], /is invalid: the top level is not an object/],
		[{...meta, generation: 5, tables: {...empty, runs: {}}}, /is invalid: tables\.runs is not a list/],
		[{...meta, generation: 5, tables: {...empty, runs: [{id: 'x'}]}}, /is invalid: runs\[0] has no string created_at/],
		[{...meta, generation: 5, tables: {...empty, jobs: []}}, /is invalid: unknown table "jobs"/],
		[{schema_version: 'one', generation: 1, tables: {}}, /is invalid: schema_version is not a whole number/],
		[{schema_version: 3, generation: 1, tables: empty}, /is invalid: nonce or base is missing/],
		[{...meta, generation: 5, segments: [{file: '../../etc/passwd'}], tables: empty}, /is invalid: segments is not a list of segment files/],
		[
			{...meta, generation: 5, tables: {...empty, runs: [makeRun('a', 'p'), makeRun('a', 'p')]}},
			/is invalid: runs has two documents with id "a"/,
		],
	];
	for (const [content, expected] of cases) {
		const text = JSON.stringify(content, null, 2);
		fs.writeFileSync(file, text);
		const error = await refusal(dir);
		t.regex(error.message, expected);
		t.regex(error.message, /^store file \S+ is invalid: .*; fix or move it away$/);
		t.is(fs.readFileSync(file, 'utf8'), text);
	}
});

test('a hand-edited snapshot (checksum no longer matches) is read in full and accepted if valid', async t => {
	const {dir, storeDir} = await seeded(t);
	const file = snapshotOf(storeDir);
	fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('prompt p1', 'renamed by hand'));
	const store = await openStore(dir);
	t.is(store.get('prompts', 'p1')?.name, 'renamed by hand');
	t.is(store.get('runs', 'r1')?.status, 'running');
	await store.close();
});

test('garbage in the middle of the journal is corruption; the journal is untouched', async t => {
	const {dir, journal} = await seeded(t);
	const lines = fs.readFileSync(journal, 'utf8').split('\n');
	t.is(lines.length, 3); // two transactions and the empty string after the last newline
	const broken = [lines[0], '{"ops":[{"op":"insert",', lines[1], ''].join('\n');
	fs.writeFileSync(journal, broken);
	const error = await refusal(dir);
	t.regex(error.message, /^store journal \S+journal\.\d+\.jsonl is corrupt: .+ at line 2 column \d+; fix or move it away$/);
	t.is(fs.readFileSync(journal, 'utf8'), broken);
});

test('a journal line that is JSON but not a transaction is corruption too', async t => {
	const {dir, journal} = await seeded(t);
	const text = `{"ops":[{"op":"explode","table":"runs"}]}\n${fs.readFileSync(journal, 'utf8')}`;
	fs.writeFileSync(journal, text);
	t.regex((await refusal(dir)).message, /journal\.\d+\.jsonl is corrupt: line 1: operation 0 is not a valid insert, update or delete/);
	t.is(fs.readFileSync(journal, 'utf8'), text);
});

test('a torn final journal line is ignored on open and cut off before the next append', async t => {
	const {dir, journal} = await seeded(t);
	const complete = fs.readFileSync(journal, 'utf8');
	const torn = `${complete}{"ops":[{"op":"insert","table":"runs","doc":{"id":"half`;
	fs.writeFileSync(journal, torn);

	const store = await openStore(dir);
	t.is(store.get('runs', 'r1')?.status, 'running');
	t.is(store.select('runs').count(), 2);
	t.is(fs.readFileSync(journal, 'utf8'), torn, 'reading must not modify the journal');

	await store.write(tx => tx.update('runs', 'r2', {status: 'failed'}));
	const after = fs.readFileSync(journal, 'utf8');
	t.true(after.startsWith(complete));
	t.false(after.includes('half'));
	t.true(after.endsWith('\n'));
	t.is(after.split('\n').length, 4);
	await store.close();

	const reopened = await openStore(dir);
	t.is(reopened.get('runs', 'r2')?.status, 'failed');
	await reopened.close();
});

test('a missing snapshot next to a journal is refused, not replaced by an empty store', async t => {
	const {dir, storeDir, journal} = await seeded(t);
	fs.rmSync(snapshotOf(storeDir));
	const error = await refusal(dir);
	t.regex(error.message, /^store file \S+snapshot\.json is missing but \S+journal\.\d+\.jsonl exists/);
	t.false(fs.existsSync(snapshotOf(storeDir)));
	t.true(fs.existsSync(journal));
});
