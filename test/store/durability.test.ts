// Requirement 1: a write whose promise resolved survives kill -9 at any moment, and the store
// always opens afterwards (stale lock, torn journal line and half-written compaction included).
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {openStore} from '../../source/store/index.js';
import {spawnFixture, tempDir} from './fixtures/records.js';

test('kill -9 at random moments loses no acknowledged write', async t => {
	const {dir, cleanup} = tempDir();
	t.teardown(cleanup);
	const acknowledged: string[] = [];
	for (let round = 0; round < 6; round++) {
		const child = spawnFixture('crash-writer', [dir, `round${round}`]);
		// Kill after a random number of acknowledged writes (the child keeps writing meanwhile).
		const target = 5 + Math.floor(Math.random() * 60);
		await child.waitFor(lines => lines.filter(line => line.startsWith('wrote ')).length >= target, `${target} writes`);
		child.process.kill('SIGKILL');
		const {signal} = await child.exited;
		t.is(signal, 'SIGKILL');
		acknowledged.push(...child.lines.filter(line => line.startsWith('wrote ')).map(line => line.slice('wrote '.length)));

		const store = await openStore(dir, {warmUp: false});
		const missing = acknowledged.filter(id => store.get('runs', id) === undefined);
		t.deepEqual(missing, [], `round ${round}: acknowledged writes missing after kill -9`);
		// The lock the child may have held must not wedge the store.
		await store.write(tx => {
			tx.update('runs', acknowledged.at(-1)!, {stalled: true});
		});
		await store.close();
	}

	// Compactions happened along the way (threshold 20), so kills could land in one.
	const generations = fs.readdirSync(path.join(dir, 'store')).filter(name => name.startsWith('journal.'));
	t.true(generations.length > 0);
	const store = await openStore(dir, {warmUp: false});
	t.true(store.info().generation > 1, 'no compaction happened during the rounds');
	t.is(store.select('runs').count(), new Set(store.select('runs').all().map(run => run.id)).size);
	await store.close();
});
