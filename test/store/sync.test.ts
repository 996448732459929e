// Several Store instances on one folder (the same code path as several processes, minus the
// process boundary), transactions, change events and compaction.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {type Change, type Store, StoreError, openStore} from '../../source/store/index.js';
import {appendEntry, makePrompt, makeRun, tempDir} from './fixtures/records.js';

async function pair(t: {teardown: (fn: () => void | Promise<void>) => void}, options = {}): Promise<[Store, Store, string]> {
	const {dir, cleanup} = tempDir();
	const a = await openStore(dir, options);
	const b = await openStore(dir, options);
	t.teardown(async () => {
		await a.close();
		await b.close();
		cleanup();
	});
	await a.write(tx => tx.insert('prompts', makePrompt('p1')));
	return [a, b, dir];
}

const nextTurn = async () => new Promise(resolve => setImmediate(resolve));

test('a reader sees another writer\'s changes on its next read, and hears about them', async t => {
	const [a, b] = await pair(t, {watch: false});
	const heard: Change[] = [];
	a.subscribe(change => heard.push(change));
	await b.write(tx => tx.insert('runs', makeRun('r1', 'p1')));
	await nextTurn();
	t.is(a.get('runs', 'r1')?.status, 'queued');
	t.deepEqual(heard, [{table: 'runs', id: 'r1', op: 'insert', external: true}]);

	await b.write(tx => tx.update('runs', 'r1', {status: 'running'}));
	await b.write(tx => tx.remove('runs', 'r1'));
	await nextTurn();
	t.is(a.select('runs').count(), 0);
	t.deepEqual(heard.slice(1), [
		{table: 'runs', id: 'r1', op: 'update', external: true},
		{table: 'runs', id: 'r1', op: 'delete', external: true},
	]);
});

test('reads in one synchronous turn see one state; refresh() or the next turn sees the new one', async t => {
	const [a, , dir] = await pair(t, {watch: false});
	t.is(a.select('runs').count(), 0);
	// Another process appends a transaction while this turn is still running.
	const storeDir = path.join(dir, 'store');
	appendEntry(storeDir, [{op: 'insert', table: 'runs', doc: makeRun('r1', 'p1')}]);
	t.is(a.select('runs').count(), 0);
	t.is(a.get('runs', 'r1'), undefined);
	a.refresh();
	t.is(a.get('runs', 'r1')?.id, 'r1');
	appendEntry(storeDir, [{op: 'delete', table: 'runs', id: 'r1'}]);
	await nextTurn();
	t.is(a.select('runs').count(), 0);
});

test('with fs.watch, subscribers hear of another writer without reading', async t => {
	const [a, b] = await pair(t);
	const heard = new Promise<Change>(resolve => {
		a.subscribe(change => {
			resolve(change);
		});
	});
	await b.write(tx => tx.insert('runs', makeRun('watched', 'p1')));
	t.deepEqual(await heard, {table: 'runs', id: 'watched', op: 'insert', external: true});
});

test('local changes are announced after they are durable, marked not external', async t => {
	const [a, , dir] = await pair(t);
	const journal = () => fs.readdirSync(path.join(dir, 'store')).filter(name => name.startsWith('journal.')).map(name => fs.readFileSync(path.join(dir, 'store', name), 'utf8')).join('');
	const heard: Array<Change & {onDisk: boolean}> = [];
	a.subscribe(change => heard.push({...change, onDisk: journal().includes(`"${change.id}"`)}));
	const result = await a.write(tx => {
		tx.insert('runs', makeRun('r1', 'p1'));
		return tx.update('runs', 'r1', {status: 'running'});
	});
	t.is(result.status, 'running');
	t.true(Object.isFrozen(result));
	t.deepEqual(heard, [
		{table: 'runs', id: 'r1', op: 'insert', external: false, onDisk: true},
		{table: 'runs', id: 'r1', op: 'update', external: false, onDisk: true},
	]);
});

test('if the transaction function throws, nothing is written or kept', async t => {
	const [a, b, dir] = await pair(t);
	await a.write(tx => tx.insert('runs', makeRun('r1', 'p1')));
	const files = () => fs.readdirSync(path.join(dir, 'store')).map(name => [name, name === 'lock' ? '' : fs.readFileSync(path.join(dir, 'store', name), 'utf8')]);
	const before = files();
	const failure = new Error('changed my mind');
	const rejected = await t.throwsAsync(
		a.write(tx => {
			tx.insert('runs', makeRun('r2', 'p1'));
			tx.update('runs', 'r1', {status: 'failed'});
			tx.remove('prompts', 'p1');
			throw failure;
		}),
	);
	t.is(rejected, failure);
	t.deepEqual(files(), before);
	t.is(a.get('runs', 'r2'), undefined);
	t.is(a.get('runs', 'r1')?.status, 'queued');
	t.is(a.get('prompts', 'p1')?.id, 'p1');
	t.is(a.select('runs').where('status', '=', 'failed').count(), 0);
	t.is(b.get('runs', 'r2'), undefined);

	// A duplicate id rolls back the whole transaction too.
	await t.throwsAsync(
		a.write(tx => {
			tx.insert('runs', makeRun('r3', 'p1'));
			tx.insert('runs', makeRun('r1', 'p1'));
		}),
		{instanceOf: StoreError, message: 'insert into runs: id r1 already exists'},
	);
	t.is(a.get('runs', 'r3'), undefined);
	t.deepEqual(files(), before);
});

test('transaction misuse is reported as StoreError', async t => {
	const [a] = await pair(t);
	await t.throwsAsync(a.write(tx => tx.update('runs', 'nope', {status: 'failed'})), {
		instanceOf: StoreError,
		message: 'update runs nope: no such document',
	});
	await a.write(tx => tx.insert('runs', makeRun('r1', 'p1')));
	await t.throwsAsync(a.write(tx => tx.update('runs', 'r1', {id: 'r2'})), {message: 'update runs r1: the id cannot change'});
	await t.throwsAsync(a.write(tx => tx.insert('runs', {...makeRun('', 'p1')})), {message: 'insert into runs: the document has no string id'});
	await t.throwsAsync(
		a.write(async tx => {
			tx.insert('runs', makeRun('r9', 'p1'));
		}),
		{instanceOf: StoreError, message: /must be synchronous/},
	);
	t.is(a.get('runs', 'r9'), undefined);
	let kept: {get: (table: 'runs', id: string) => unknown} | undefined;
	await a.write(tx => {
		kept = tx;
	});
	t.throws(() => kept!.get('runs', 'r1'), {instanceOf: StoreError, message: /transaction has finished/});
	await a.write(tx => tx.remove('runs', 'not-there'));
	t.is(a.select('runs').count(), 1);
});

test('stored documents are copies: frozen on the way out, and the caller\'s objects stay the caller\'s', async t => {
	const [a] = await pair(t);
	const run = makeRun('r1', 'p1', {metrics: {loss: 1}});
	await a.write(tx => tx.insert('runs', run));
	run.metrics.loss = 99;
	t.false(Object.isFrozen(run));
	const stored = a.get('runs', 'r1')!;
	t.is(stored.metrics.loss, 1);
	t.true(Object.isFrozen(stored) && Object.isFrozen(stored.metrics) && Object.isFrozen(stored.parameters));
	t.throws(() => {
		(stored as {status: string}).status = 'failed';
	}, {instanceOf: TypeError});
	await a.write(tx => tx.update('runs', 'r1', {status: 'running'}));
	t.is(stored.status, 'queued', 'an earlier result is a snapshot, not a live view');
	const [joined] = a.select('runs').join('prompts', 'prompt_id', 'prompt').all();
	t.true(Object.isFrozen(joined) && Object.isFrozen(joined!.prompt));
});

test('compaction: readers one generation behind follow without reloading; further behind reload', async t => {
	const {dir, cleanup} = tempDir();
	const writer = await openStore(dir, {compactAfterEntries: 5, watch: false});
	const reader = await openStore(dir, {watch: false});
	t.teardown(async () => {
		await writer.close();
		await reader.close();
		cleanup();
	});
	await writer.write(tx => tx.insert('prompts', makePrompt('p1')));
	reader.refresh();
	const heard: Change[] = [];
	reader.subscribe(change => heard.push(change));
	for (let i = 0; i < 6; i++) {
		await writer.write(tx => tx.insert('runs', makeRun(`r${i}`, 'p1')));
	}

	await writer.close(); // waits for the queued compaction
	reader.refresh();
	t.is(reader.info().generation, 2);
	t.is(reader.info().snapshotLoads, 1, 'followed the compaction by finishing the old journal');
	t.is(reader.select('runs').count(), 6);
	t.is(heard.length, 6);

	const again = await openStore(dir, {compactAfterEntries: 2, watch: false});
	await again.write(tx => tx.update('runs', 'r0', {status: 'failed'}));
	await again.write(tx => tx.remove('runs', 'r1'));
	await again.write(tx => tx.insert('runs', makeRun('r9', 'p1')));
	await again.write(tx => tx.update('runs', 'r2', {status: 'success'}));
	await again.close();
	t.true(again.info().generation >= 4);
	reader.refresh();
	t.is(reader.info().generation, again.info().generation);
	t.is(reader.info().snapshotLoads, 2, 'two generations behind: reloaded the snapshot');
	t.deepEqual(
		heard.slice(6).map(change => `${change.op} ${change.id}`).sort(),
		['delete r1', 'insert r9', 'update r0', 'update r2'],
	);
	t.is(reader.get('runs', 'r0')?.status, 'failed');
	// Only the current journal and the one before it are kept.
	const journals = fs.readdirSync(path.join(dir, 'store')).filter(name => name.startsWith('journal.'));
	t.true(journals.length <= 2, journals.join());
});

test('sealing by another process: the reader hears nothing for documents that only moved, then hears changes to sealed ones', async t => {
	const {dir, cleanup} = tempDir();
	const writer = await openStore(dir, {compactAfterEntries: 3, sealAfter: 2, keepHot: 1, watch: false});
	const reader = await openStore(dir, {watch: false});
	t.teardown(async () => {
		await writer.close();
		await reader.close();
		cleanup();
	});
	await writer.write(tx => {
		tx.insert('prompts', makePrompt('p1'));
		for (let index = 0; index < 4; index++) tx.insert('runs', makeRun(`s${index}`, 'p1', {status: 'success', created_at: `2026-01-0${index + 1}T00:00:00.000Z`}));
	});
	reader.refresh();
	const heard: Change[] = [];
	reader.subscribe(change => heard.push(change));
	await writer.write(tx => tx.insert('runs', makeRun('s4', 'p1', {created_at: '2026-01-05T00:00:00.000Z'})));
	await writer.write(tx => tx.update('prompts', 'p1', {name: 'harbour'}));
	await writer.close(); // the compaction sealed the finished runs and the prompt
	t.true(writer.info().sealedSegments > 0);
	reader.refresh();
	t.is(reader.info().sealedSegments, writer.info().sealedSegments);
	t.deepEqual(heard.map(change => `${change.op} ${change.id}`).sort(), ['insert s4', 'update p1']);

	const again = await openStore(dir, {watch: false});
	await again.write(tx => tx.update('runs', 's1', {outputs_missing: true}));
	await again.write(tx => tx.remove('runs', 's2'));
	await again.close();
	reader.refresh();
	t.deepEqual(heard.slice(2).map(change => `${change.op} ${change.id}`), ['update s1', 'delete s2']);
	t.is(reader.get('runs', 's1')?.outputs_missing, true);
	t.is(reader.get('runs', 's2'), undefined);
	t.deepEqual(reader.select('runs').all().map(run => run.id), ['s0', 's1', 's3', 's4']);
});

test('a closed store refuses use; close waits for queued writes', async t => {
	const {dir, cleanup} = tempDir();
	t.teardown(cleanup);
	const store = await openStore(dir);
	const pending = store.write(tx => tx.insert('prompts', makePrompt('p1')));
	await store.close();
	await pending;
	t.throws(() => store.get('prompts', 'p1'), {instanceOf: StoreError, message: /is closed/});
	t.throws(() => store.select('runs'), {instanceOf: StoreError});
	await t.throwsAsync(store.write(() => undefined), {instanceOf: StoreError});
	const reopened = await openStore(dir);
	t.is(reopened.get('prompts', 'p1')?.id, 'p1');
	await reopened.close();
});

test('bulk: one transaction may insert many documents, in any order', async t => {
	const {dir, cleanup} = tempDir();
	t.teardown(cleanup);
	const store = await openStore(dir);
	await store.write(tx => {
		tx.insert('prompts', makePrompt('p1'));
		for (let i = 2000; i > 0; i--) {
			tx.insert('runs', makeRun(`r${i}`, 'p1', {created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString()}));
		}
	});
	t.deepEqual(store.select('runs').orderBy('created_at', 'desc').limit(2).all().map(run => run.id), ['r2000', 'r1999']);
	await store.close();
	const reopened = await openStore(dir);
	t.is(reopened.select('runs').count(), 2000);
	t.is(reopened.select('runs').first()?.id, 'r1');
	await reopened.close();
});
