// The query language: each operator, ordering, paging, grouping, joins, immutability, and the
// compile-time checks on field names and values.
import test from 'ava';
import type {Run} from '../../source/domain/model.js';
import {type Store, StoreError, and, contains, eq, gt, isIn, like, lte, ne, openStore, or} from '../../source/store/index.js';
import {makePrompt, makeRun, tempDir} from './fixtures/records.js';

let store: Store;
let cleanup: () => void;

test.before(async () => {
	const temp = tempDir();
	cleanup = temp.cleanup;
	store = await openStore(temp.dir);
	await store.write(tx => {
		tx.insert('prompts', makePrompt('p1', {name: 'Harbor', prompt_text: 'A foggy HARBOR at dawn', created_at: '2026-01-01T00:00:00.000Z'}));
		tx.insert('prompts', makePrompt('p2', {name: 'Desert', prompt_text: '100% sunny_desert (wide)', created_at: '2026-01-02T00:00:00.000Z'}));
		const runs: Array<[string, string, Partial<Run>]> = [
			['r1', 'p1', {status: 'success', created_at: '2026-01-03T00:00:00.000Z'}],
			['r2', 'p1', {status: 'failed', created_at: '2026-01-04T00:00:00.000Z', error_message: 'CUDA Out Of Memory', failure_kind: 'oom'}],
			['r3', 'p2', {status: 'running', created_at: '2026-01-04T00:00:00.000Z', parent_run_id: 'r1'}],
			['r4', 'p2', {status: 'success', created_at: '2026-01-05T00:00:00.000Z', stalled: true}],
			['r5', 'gone', {status: 'queued', created_at: '2026-01-06T00:00:00.000Z'}],
		];
		for (const [id, prompt, overrides] of runs) {
			tx.insert('runs', makeRun(id, prompt, overrides));
		}
	});
});

test.after.always(async () => {
	await store.close();
	cleanup();
});

const ids = (rows: ReadonlyArray<{id: string}>) => rows.map(row => row.id);

test('comparison operators', t => {
	const runs = store.select('runs');
	t.deepEqual(ids(runs.where('status', '=', 'success').all()), ['r1', 'r4']);
	t.deepEqual(ids(runs.where('status', '!=', 'success').all()), ['r2', 'r3', 'r5']);
	t.deepEqual(ids(runs.where('parent_run_id', '=', null).all()), ['r1', 'r2', 'r4', 'r5']);
	t.deepEqual(ids(runs.where('parent_run_id', '!=', null).all()), ['r3']);
	t.deepEqual(ids(runs.where('created_at', '<', '2026-01-04T00:00:00.000Z').all()), ['r1']);
	t.deepEqual(ids(runs.where('created_at', '<=', '2026-01-04T00:00:00.000Z').all()), ['r1', 'r2', 'r3']);
	t.deepEqual(ids(runs.where('created_at', '>', '2026-01-04T00:00:00.000Z').all()), ['r4', 'r5']);
	t.deepEqual(ids(runs.where('created_at', '>=', '2026-01-05T00:00:00.000Z').all()), ['r4', 'r5']);
	// Ordering comparisons never match null (error_message is null on most runs).
	t.deepEqual(ids(runs.where('error_message', '>', '').all()), ['r2']);
	t.deepEqual(ids(runs.where('stalled', '>', false).all()), ['r4']);
	t.deepEqual(ids(runs.where('status', 'in', ['running', 'queued']).all()), ['r3', 'r5']);
	t.deepEqual(runs.where('status', 'in', []).all(), []);
	t.deepEqual(ids(runs.where('parameters', '=', makeRun('x', 'y').parameters).all()), ['r1', 'r2', 'r3', 'r4', 'r5']);
});

test('contains and like ignore case; like has %, _ and \\ escapes', t => {
	const prompts = store.select('prompts');
	t.deepEqual(ids(prompts.where('prompt_text', 'contains', 'harbor').all()), ['p1']);
	t.deepEqual(ids(prompts.where('prompt_text', 'contains', '(WIDE)').all()), ['p2']);
	t.deepEqual(ids(store.select('runs').where('error_message', 'contains', 'out of').all()), ['r2']);
	t.deepEqual(ids(prompts.where('name', 'like', 'h%').all()), ['p1']);
	t.deepEqual(ids(prompts.where('name', 'like', '%T').all()), ['p2']);
	t.deepEqual(ids(prompts.where('name', 'like', 'd_s_rt').all()), ['p2']);
	t.deepEqual(ids(prompts.where('name', 'like', 'd_s_r').all()), []);
	t.deepEqual(ids(prompts.where('prompt_text', 'like', '100\\% sunny\\_%').all()), ['p2']);
	t.deepEqual(ids(prompts.where('prompt_text', 'like', '100\\% sunny\\_x%').all()), []);
	t.deepEqual(ids(prompts.where('prompt_text', 'like', '%(wide)').all()), ['p2']);
	t.deepEqual(ids(prompts.where('prompt_text', 'like', 'a.foggy%').all()), [], '. is not a wildcard');
	t.deepEqual(ids(prompts.where('prompt_text', 'like', '%').all()), ['p1', 'p2']);
});

test('condition helpers: and, or, nested', t => {
	const runs = store.select('runs');
	t.deepEqual(ids(runs.where(or(eq('status', 'failed'), eq('stalled', true))).all()), ['r2', 'r4']);
	t.deepEqual(ids(runs.where(and(ne('status', 'success'), lte('created_at', '2026-01-04T00:00:00.000Z'))).all()), ['r2', 'r3']);
	t.deepEqual(ids(runs.where(or(and(isIn('status', ['success']), gt('created_at', '2026-01-04')), contains('error_message', 'cuda'))).all()), ['r2', 'r4']);
	t.deepEqual(ids(store.select('prompts').where(like('name', 'D%')).all()), ['p2']);
	t.deepEqual(ids(runs.where(or()).all()), []);
	t.deepEqual(ids(runs.where(and()).all()).length, 5);
});

test('ordering: default is created_at then id; orderBy chains for tie-breaks', t => {
	const runs = store.select('runs');
	t.deepEqual(ids(runs.all()), ['r1', 'r2', 'r3', 'r4', 'r5']);
	t.deepEqual(ids(runs.orderBy('created_at', 'desc').all()), ['r5', 'r4', 'r2', 'r3', 'r1']);
	t.deepEqual(ids(runs.orderBy('created_at', 'desc').orderBy('id', 'desc').all()), ['r5', 'r4', 'r3', 'r2', 'r1']);
	t.deepEqual(ids(runs.orderBy('status').all()), ['r2', 'r5', 'r3', 'r1', 'r4']);
	t.deepEqual(ids(runs.orderBy('status', 'desc').orderBy('created_at', 'desc').all()), ['r4', 'r1', 'r3', 'r5', 'r2']);
	// null sorts first ascending.
	t.deepEqual(ids(runs.orderBy('parent_run_id', 'desc').limit(1).all()), ['r3']);
});

test('limit, offset, first and count', t => {
	const newest = store.select('runs').orderBy('created_at', 'desc');
	t.deepEqual(ids(newest.limit(2).all()), ['r5', 'r4']);
	t.deepEqual(ids(newest.offset(1).limit(2).all()), ['r4', 'r2']);
	t.deepEqual(ids(newest.offset(4).all()), ['r1']);
	t.deepEqual(newest.offset(9).all(), []);
	t.is(newest.first()?.id, 'r5');
	t.is(newest.limit(0).first(), undefined);
	t.is(store.select('runs').count(), 5);
	t.is(store.select('runs').where('status', '=', 'success').count(), 2);
	t.is(newest.limit(3).count(), 3);
	t.is(newest.offset(3).count(), 2);
	t.throws(() => newest.limit(-1), {instanceOf: StoreError});
	t.throws(() => newest.offset(1.5), {instanceOf: StoreError});
});

test('groupBy counts, sorted by key', t => {
	t.deepEqual(store.select('runs').groupBy('status').count(), [
		{key: 'failed', count: 1},
		{key: 'queued', count: 1},
		{key: 'running', count: 1},
		{key: 'success', count: 2},
	]);
	t.deepEqual(store.select('runs').where('prompt_id', '=', 'p1').groupBy('failure_kind').count(), [
		{key: null, count: 1},
		{key: 'oom', count: 1},
	]);
	t.deepEqual(store.select('runs').orderBy('created_at', 'desc').limit(2).groupBy('status').count(), [
		{key: 'queued', count: 1},
		{key: 'success', count: 1},
	]);
});

test('join is an inner join on the other table\'s id', t => {
	const rows = store.select('runs').join('prompts', 'prompt_id', 'prompt').orderBy('created_at', 'desc').all();
	t.deepEqual(ids(rows), ['r4', 'r2', 'r3', 'r1'], 'r5 names a missing prompt');
	t.is(rows[0]!.prompt.name, 'Desert');
	t.is(rows.find(row => row.id === 'r2')!.prompt.id, 'p1');
	const parents = store.select('runs').join('runs', 'parent_run_id', 'parent').all();
	t.deepEqual(parents.map(row => `${row.id}<${row.parent.id}`), ['r3<r1']);
	t.is(store.select('runs').join('prompts', 'prompt_id', 'prompt').where('status', '=', 'queued').count(), 0);
	t.is(store.select('runs').join('prompts', 'prompt_id', 'prompt').limit(2).count(), 2);
});

test('queries are immutable values; terminal calls read fresh data', async t => {
	const all = store.select('runs');
	const failed = all.where('status', '=', 'failed');
	const limited = failed.limit(0);
	t.is(all.count(), 5);
	t.is(failed.count(), 1);
	t.is(limited.count(), 0);
	await store.write(tx => tx.update('runs', 'r1', {status: 'failed'}));
	t.is(failed.count(), 2);
	await store.write(tx => tx.update('runs', 'r1', {status: 'success'}));
});

test('the planner uses indexes and the created_at order when it can', t => {
	t.regex(store.select('runs').where('prompt_id', '=', 'p1').orderBy('created_at', 'desc').explain(), /^index runs\.prompt_id \(2 rows\)$/);
	t.regex(store.select('runs').where('id', 'in', ['r1', 'r2']).explain(), /^index runs\.id/);
	t.is(store.select('runs').orderBy('created_at', 'desc').limit(50).explain(), 'walk runs by created_at desc');
	t.is(store.select('runs').orderBy('status').limit(3).explain(), 'scan runs top 3');
	t.is(store.select('prompts').where('prompt_text', 'contains', 'x').orderBy('name').explain(), 'scan prompts');
});

test('bad operators and values are StoreErrors', t => {
	const runs = store.select('runs');
	t.throws(() => runs.where('status', 'near' as '=', 'queued'), {instanceOf: StoreError, message: 'unknown where operator "near"'});
	t.throws(() => runs.where('status', 'in', 'running' as unknown as Array<Run['status']>), {instanceOf: StoreError});
	t.throws(() => runs.orderBy('status', 'up' as 'asc'), {instanceOf: StoreError});
	t.throws(() => store.select('jobs' as 'runs'), {instanceOf: StoreError, message: 'unknown table "jobs"'});
});

// Compile-time checks: tsc --noEmit fails if any of these lines stops being an error.
export function typeChecks(): void {
	const runs = store.select('runs');
	// @ts-expect-error: no such field
	runs.where('nope', '=', 1);
	// @ts-expect-error: not a RunStatus
	runs.where('status', '=', 'done');
	// @ts-expect-error: 'in' takes an array of the field's type
	runs.where('status', 'in', ['queued', 7]);
	// @ts-expect-error: contains is for string fields
	runs.where('stalled', 'contains', 'x');
	// @ts-expect-error: helper values are checked too
	runs.where(eq('stalled', 'yes'));
	// @ts-expect-error: orderBy takes field names
	runs.orderBy('size');
	// @ts-expect-error: join keys are fields of the left side
	runs.join('prompts', 'promptId', 'prompt');
	const joined = runs.join('prompts', 'prompt_id', 'prompt').first();
	const name: string | undefined = joined?.prompt.name;
	// @ts-expect-error: the joined document is typed
	const wrong: number | undefined = joined?.prompt.name;
	const groups: Array<{key: Run['status']; count: number}> = runs.groupBy('status').count();
	void [name, wrong, groups];
}
