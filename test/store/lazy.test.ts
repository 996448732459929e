// Lazy documents: after a compaction, open trusts the checksummed snapshot and parses documents on
// first use. Updates, removals and the next compaction must treat unparsed documents exactly like
// parsed ones.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type {Run} from '../../source/domain/model.js';
import {openStore} from '../../source/store/index.js';
import {makePrompt, makeRun, tempDir} from './fixtures/records.js';

const sorted = (value: unknown): string =>
	JSON.stringify(value, (_, item: unknown) =>
		item && typeof item === 'object' && !Array.isArray(item) ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : 1))) : item,
	);

test('unparsed documents survive updates, removals and compaction unchanged', async t => {
	const {dir, cleanup} = tempDir();
	t.teardown(cleanup);
	const expected = new Map<string, Run>();
	const first = await openStore(dir, {compactAfterEntries: 1, warmUp: false});
	await first.write(tx => {
		tx.insert('prompts', makePrompt('p1'));
		for (let i = 0; i < 40; i++) {
			const run = makeRun(`r${String(i).padStart(2, '0')}`, 'p1', {
				status: i % 2 === 0 ? 'success' : 'failed',
				created_at: `2026-01-01T00:00:${String(i).padStart(2, '0')}.000Z`,
				error_message: i % 5 === 0 ? 'quote " and backslash \\ inside' : null,
				metrics: {i},
			});
			tx.insert('runs', run);
			expected.set(run.id, run);
		}
	});
	await first.close();

	// Every run line starts with the fields open reads without parsing the rest.
	const lines = fs.readFileSync(path.join(dir, 'store/snapshot.json'), 'utf8').split('\n').filter(line => line.startsWith('{"id":"r'));
	t.is(lines.length, 40);
	t.true(lines.every(line => /^\{"id":"r\d+","created_at":"[^"]+","prompt_id":"p1","status":"\w+","parent_run_id":null,/.test(line)));

	const second = await openStore(dir, {compactAfterEntries: 3, warmUp: false, watch: false});
	t.false(second.info().warm);
	// Index lookups work on unparsed documents (their indexed fields were read from the line).
	t.is(second.select('runs').where('status', '=', 'failed').count(), 20);
	await second.write(tx => {
		tx.update('runs', 'r03', {status: 'success'});
		tx.remove('runs', 'r04');
		tx.remove('runs', 'r05');
		tx.insert('runs', makeRun('r99', 'p1', {created_at: '2026-01-02T00:00:00.000Z'}));
	});
	expected.set('r03', {...expected.get('r03')!, status: 'success'});
	expected.delete('r04');
	expected.delete('r05');
	expected.set('r99', makeRun('r99', 'p1', {created_at: '2026-01-02T00:00:00.000Z'}));
	// A failed transaction's undo puts an unparsed document back as it was.
	await t.throwsAsync(
		second.write(tx => {
			tx.remove('runs', 'r10');
			throw new Error('undo');
		}),
	);
	await second.write(tx => tx.update('runs', 'r06', {stalled: true}));
	expected.set('r06', {...expected.get('r06')!, stalled: true});
	await second.write(tx => tx.update('runs', 'r07', {metrics: {i: 700}}));
	expected.set('r07', {...expected.get('r07')!, metrics: {i: 700}});
	await second.close(); // the third transaction triggered a compaction
	t.is(second.info().generation, 3);

	const third = await openStore(dir, {warmUp: false});
	t.is(third.select('runs').where('status', '=', 'failed').count(), 18);
	const runs = third.select('runs').all();
	t.deepEqual(runs.map(run => run.id), [...expected.keys()].sort());
	for (const run of runs) {
		t.is(sorted(run), sorted(expected.get(run.id)), run.id);
	}

	await third.close();
});

test('warm-up parses everything in the background and builds the indexes', async t => {
	const {dir, cleanup} = tempDir();
	t.teardown(cleanup);
	const first = await openStore(dir, {compactAfterEntries: 1});
	await first.write(tx => {
		tx.insert('prompts', makePrompt('p1'));
		for (let i = 0; i < 3000; i++) {
			tx.insert('runs', makeRun(`r${i}`, 'p1'));
		}
	});
	await first.close();
	const store = await openStore(dir);
	t.teardown(async () => store.close());
	t.false(store.info().warm);
	while (!store.info().warm) {
		await new Promise(resolve => setImmediate(resolve));
	}

	t.is(store.select('runs').where('prompt_id', '=', 'p1').count(), 3000);
	t.is(store.get('runs', 'r2999')?.parameters.num_steps, 35);
});
