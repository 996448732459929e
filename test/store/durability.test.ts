// Requirement 1: a write whose promise resolved survives kill -9 at any moment, and the store
// always opens afterwards (stale lock, torn journal line and half-written compaction included).
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {openStore} from '../../source/store/index.js';
import {makeRun, spawnFixture, tempDir} from './fixtures/records.js';

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

// A compaction writes its segments and snapshot outside the lock and installs them by one rename.
// Killed before the rename, it leaves files nobody names: nothing is lost, writers were never
// blocked, and the next compaction removes the leftovers.
for (const point of ['seal', 'install'] as const) {
	test(`kill -9 during a compaction (${point === 'seal' ? 'writing a sealed segment' : 'before installing the new snapshot'}) loses nothing`, async t => {
		const {dir, cleanup} = tempDir();
		t.teardown(cleanup);
		const storeDir = path.join(dir, 'store');
		const child = spawnFixture('pausing-compactor', [dir], {env: {...process.env, COSMOS_STORE_TEST_PAUSE: point}});
		t.teardown(() => child.process.kill('SIGKILL'));
		await child.waitFor(lines => lines.includes(`paused at ${point}`), point);
		// The compaction holds no lock while it writes: another writer gets through.
		const other = await openStore(dir, {watch: false});
		await other.write(tx => tx.insert('runs', makeRun('meanwhile', 'kp')));
		await other.close();
		child.process.kill('SIGKILL');
		t.is((await child.exited).signal, 'SIGKILL');
		const leftovers = fs.readdirSync(storeDir).filter(name => name.startsWith('segment.') || name.endsWith('.tmp'));
		t.true(leftovers.some(name => name.startsWith('segment.')), 'the killed compaction left no segment');
		t.is(leftovers.some(name => name.endsWith('.tmp')), point === 'install');

		const ids = ['k0', 'k1', 'k2', 'meanwhile'];
		const reopened = await openStore(dir, {compactAfterEntries: 1, sealAfter: 2, watch: false});
		t.deepEqual(ids.filter(id => reopened.get('runs', id) === undefined), []);
		t.is(reopened.info().sealedSegments, 0, 'a compaction that was not installed counts for nothing');
		await reopened.write(tx => tx.insert('runs', makeRun('after', 'kp', {status: 'success'})));
		await reopened.close(); // this compaction installs, sealing the finished runs

		const final = await openStore(dir, {watch: false});
		t.true(final.info().sealedSegments > 0);
		t.deepEqual([...ids, 'after'].filter(id => final.get('runs', id) === undefined), []);
		t.deepEqual(fs.readdirSync(storeDir).filter(name => leftovers.includes(name)), [], 'leftovers of the killed compaction remain');
		await final.close();
	});
}
