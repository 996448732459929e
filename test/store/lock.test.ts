// The cross-process write lock: mutual exclusion, waiting, timeouts, and recovery from holders
// that died (kill -9 must never wedge the store).
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type {Run} from '../../source/domain/model.js';
import {nextTicket} from '../../source/store/lock.js';
import {StoreError, openStore} from '../../source/store/index.js';
import {deadPid, makePrompt, makeRun, spawnFixture, tempDir} from './fixtures/records.js';

async function storeWithRun(t: {teardown: (fn: () => void) => void}): Promise<string> {
	const {dir, cleanup} = tempDir();
	t.teardown(cleanup);
	const store = await openStore(dir);
	await store.write(tx => {
		tx.insert('prompts', makePrompt('p1'));
		tx.insert('runs', makeRun('r1', 'p1', {metrics: {count: 0}}));
	});
	await store.close();
	return dir;
}

test('lock files left by dead processes are cleared, not waited on', async t => {
	const dir = await storeWithRun(t);
	const lockDir = path.join(dir, 'store', 'lock');
	const pid = await deadPid();
	// A dead holder (ticket 1) and a process that died while choosing its ticket.
	fs.writeFileSync(path.join(lockDir, `t.1.${pid}.0.aaaaaaaaaaaa`), '');
	fs.writeFileSync(path.join(lockDir, `c.${pid}.0.bbbbbbbbbbbb`), '');
	const store = await openStore(dir, {lockTimeoutMs: 5000});
	await store.write(tx => tx.update('runs', 'r1', {status: 'running'}));
	t.deepEqual(fs.readdirSync(lockDir), []);
	await store.close();
});

test('a lock file whose pid now belongs to another process (pid reuse) is stale', async t => {
	const dir = await storeWithRun(t);
	const lockDir = path.join(dir, 'store', 'lock');
	// A live process, but not the one that wrote the ticket: its start time differs.
	const other = spawnFixture('lock-holder', [path.join(dir, 'elsewhere')]);
	t.teardown(() => other.process.kill('SIGKILL'));
	await other.waitFor(lines => lines.includes('locked'), 'locked');
	fs.writeFileSync(path.join(lockDir, `t.1.${other.process.pid}.1.cccccccccccc`), '');
	const store = await openStore(dir, {lockTimeoutMs: 5000});
	await store.write(tx => tx.update('runs', 'r1', {status: 'running'}));
	t.deepEqual(fs.readdirSync(lockDir), []);
	await store.close();
});

async function until(condition: () => boolean): Promise<void> {
	while (!condition()) {
		await new Promise(resolve => setImmediate(resolve));
	}
}

const ourTicket = (lockDir: string) => fs.readdirSync(lockDir).some(name => name.startsWith(`t.`) && name.split('.')[2] === String(process.pid));

test('a live holder makes writes wait (not opens or reads), and they time out with a clear message', async t => {
	const dir = await storeWithRun(t);
	const holder = spawnFixture('lock-holder', [dir]);
	t.teardown(() => holder.process.kill('SIGKILL'));
	await holder.waitFor(lines => lines.includes('locked'), 'locked');
	// A current store opens and reads without the lock: a long write elsewhere does not hold up a reader.
	const store = await openStore(dir, {lockTimeoutMs: 300});
	t.teardown(async () => store.close());
	t.is(store.get('runs', 'r1')?.id, 'r1');
	const error = await t.throwsAsync(store.write(tx => tx.update('runs', 'r1', {stalled: true})), {instanceOf: StoreError});
	t.is(error?.message, `store ${dir}/store is still locked by process ${holder.process.pid} after 0.3 s`);
	t.false(ourTicket(path.join(dir, 'store', 'lock')), 'a timed-out waiter removes its ticket');
});

test('a waiting writer proceeds when the holder releases', async t => {
	const dir = await storeWithRun(t);
	const store = await openStore(dir);
	t.teardown(async () => store.close());
	const holder = spawnFixture('lock-holder', [dir]);
	t.teardown(() => holder.process.kill('SIGKILL'));
	await holder.waitFor(lines => lines.includes('locked'), 'locked');

	let done = false;
	const write = store.write(tx => tx.update('runs', 'r1', {status: 'running'})).then(() => {
		done = true;
	});
	await until(() => ourTicket(path.join(dir, 'store', 'lock')));
	t.false(done, 'the write went ahead while another process held the lock');
	holder.send('release');
	await write;
	t.is(store.get('runs', 'r1')?.status, 'running');
});

test('a holder killed with -9 does not wedge a waiting writer', async t => {
	const dir = await storeWithRun(t);
	const store = await openStore(dir);
	t.teardown(async () => store.close());
	const holder = spawnFixture('lock-holder', [dir]);
	await holder.waitFor(lines => lines.includes('locked'), 'locked');

	const write = store.write(tx => tx.update('runs', 'r1', {status: 'failed'}));
	await until(() => ourTicket(path.join(dir, 'store', 'lock')));
	holder.process.kill('SIGKILL');
	await write;
	t.is(store.get('runs', 'r1')?.status, 'failed');
});

test('two stores in one process serialise their read-modify-write transactions', async t => {
	const dir = await storeWithRun(t);
	const a = await openStore(dir, {compactAfterEntries: 15});
	const b = await openStore(dir, {compactAfterEntries: 15});
	const increment = async (store: typeof a) =>
		store.write(tx => {
			const run = tx.get('runs', 'r1') as Run;
			tx.update('runs', 'r1', {metrics: {count: (run.metrics.count as number) + 1}});
		});
	await Promise.all(Array.from({length: 40}, async (_, i) => increment(i % 2 === 0 ? a : b)));
	await a.close();
	await b.close();
	const check = await openStore(dir);
	t.is(check.get('runs', 'r1')?.metrics.count, 40);
	await check.close();
});

test('a huge ticket is read and compared exactly: a live holder of ticket 10^21 (or "1e+21", as older versions wrote it) blocks', async t => {
	const dir = await storeWithRun(t);
	const lockDir = path.join(dir, 'store', 'lock');
	// This test's own pid is alive: the ticket's owner counts as a live process holding the lock.
	const holder = `t.1000000000000000000000.${process.pid}.0.cccccccccccc`;
	fs.writeFileSync(path.join(lockDir, holder), '');
	const store = await openStore(dir, {lockTimeoutMs: 300});
	t.teardown(async () => store.close());
	const write = () => store.write(tx => tx.update('runs', 'r1', {stalled: true})).catch((error: unknown) => error);
	const refused = await write();
	t.true(refused instanceof StoreError, 'the write waits on the holder and times out instead of taking the lock');
	t.regex((refused as Error).message, /still locked by process/);
	const names = fs.readdirSync(lockDir);
	t.deepEqual(names, [holder], 'the waiter removed its own ticket');

	// As an older version wrote it ("1e+21"): it still counts.
	fs.renameSync(path.join(lockDir, holder), path.join(lockDir, `t.1e+21.${process.pid}.0.cccccccccccc`));
	t.true((await write()) instanceof StoreError);
});

test('the next ticket is one above the highest, exactly, at any size; other names do not count', t => {
	const owner = '123.456.abcdef';
	t.is(nextTicket([]), 1n);
	t.is(nextTicket([`t.7.${owner}`, `t.41.${owner}`, `c.${owner}`, 'stray']), 42n);
	t.is(nextTicket([`t.999999999999999999999.${owner}`]), 1_000_000_000_000_000_000_000n);
	t.is(`t.${nextTicket([`t.999999999999999999999.${owner}`])}`, 't.1000000000000000000000', 'written in full digits, never 1e+21');
	t.is(nextTicket([`t.1e+21.${owner}`]), 1_000_000_000_000_000_000_001n, 'an older version\'s "1e+21" still counts');
});
