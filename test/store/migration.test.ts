// Requirement 4: schema_version in the file, migrations applied on open, newer stores refused.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {SCHEMA_VERSION, StoreError, openStore} from '../../source/store/index.js';
import {makePrompt, makeRun, tempDir} from './fixtures/records.js';

test('a new store records the current schema_version', async t => {
	const {dir, cleanup} = tempDir();
	t.teardown(cleanup);
	const store = await openStore(dir);
	await store.close();
	const snapshot = JSON.parse(fs.readFileSync(path.join(dir, 'store/snapshot.json'), 'utf8')) as Record<string, unknown>;
	t.is(SCHEMA_VERSION, 3);
	t.is(snapshot.schema_version, SCHEMA_VERSION);
	t.is(snapshot.generation, 1);
});

test('a version-0 store (a plain lowdb file) is migrated on open, with a backup of the old file', async t => {
	const {dir, cleanup} = tempDir();
	t.teardown(cleanup);
	const storeDir = path.join(dir, 'store');
	fs.mkdirSync(storeDir);
	// Version 0: what new Low(new JSONFile(f), {prompts: [], runs: []}) wrote. Runs predate
	// the stalled, failure_kind and metrics fields.
	const {stalled, failure_kind: failureKind, metrics, ...oldRun} = makeRun('r-old', 'p-old', {status: 'success'});
	void stalled;
	void failureKind;
	void metrics;
	const version0 = JSON.stringify({prompts: [makePrompt('p-old')], runs: [oldRun]}, null, 2);
	const file = path.join(storeDir, 'snapshot.json');
	fs.writeFileSync(file, version0);

	const store = await openStore(dir);
	const run = store.get('runs', 'r-old');
	t.is(run?.status, 'success');
	t.is(run?.stalled, false);
	t.is(run?.failure_kind, null);
	t.deepEqual(run?.metrics, {});
	t.is(store.get('prompts', 'p-old')?.name, 'prompt p-old');
	await store.write(tx => tx.update('runs', 'r-old', {stalled: true}));
	await store.close();

	const migrated = JSON.parse(fs.readFileSync(file, 'utf8')) as {schema_version: number; generation: number};
	t.is(migrated.schema_version, SCHEMA_VERSION);
	t.is(migrated.generation, 1);
	t.is(fs.readFileSync(`${file}.v0.bak`, 'utf8'), version0);

	const reopened = await openStore(dir);
	t.is(reopened.get('runs', 'r-old')?.stalled, true);
	await reopened.close();
});

test('a version-1 store (before the scheduler) is migrated: pending runs are queued, remote handles backend-neutral, new tables empty', async t => {
	const {dir, cleanup} = tempDir();
	t.teardown(cleanup);
	const storeDir = path.join(dir, 'store');
	fs.mkdirSync(storeDir);
	const strip = (run: Record<string, unknown>) => {
		for (const key of ['priority', 'queue_order', 'host', 'placement', 'sweep_id', 'cancel_requested_at']) delete run[key];
		return run;
	};
	const pending = strip({...makeRun('r-pending', 'p1'), status: 'pending', remote: null});
	const running = strip({...makeRun('r-running', 'p1', {status: 'running'}), remote: {host: 'gpu-1', container: 'cosmos-tui-r-running', run_dir: '/w/runs/r-running'}});
	const version1 = JSON.stringify({schema_version: 1, generation: 1, tables: {prompts: [makePrompt('p1')], runs: [pending, running]}});
	fs.writeFileSync(path.join(storeDir, 'snapshot.json'), version1);

	const store = await openStore(dir);
	const queued = store.get('runs', 'r-pending')!;
	t.is(queued.status, 'queued');
	t.is(queued.priority, 0);
	t.is(queued.queue_order, Date.parse(queued.created_at));
	t.is(queued.placement, null);
	t.is(queued.cancel_requested_at, null);
	const followed = store.get('runs', 'r-running')!;
	t.deepEqual(followed.remote, {backend: 'docker', host: 'gpu-1', job: 'cosmos-tui-r-running', run_dir: '/w/runs/r-running'});
	t.deepEqual(followed.placement, {host: 'gpu-1', gpus: []});
	t.deepEqual(store.select('sweeps').all(), []);
	await store.close();
	t.is(fs.readFileSync(path.join(storeDir, 'snapshot.json.v1.bak'), 'utf8'), version1);
});

test('a store newer than this code is refused, and left alone', async t => {
	const {dir, cleanup} = tempDir();
	t.teardown(cleanup);
	const store = await openStore(dir);
	await store.write(tx => tx.insert('prompts', makePrompt('p1')));
	await store.close();
	const file = path.join(dir, 'store/snapshot.json');
	const future = fs.readFileSync(file, 'utf8').replace(`"schema_version":${SCHEMA_VERSION}`, `"schema_version":${SCHEMA_VERSION + 1}`);
	fs.writeFileSync(file, future);
	const names = fs.readdirSync(path.join(dir, 'store')).sort();

	const error = await t.throwsAsync(openStore(dir), {instanceOf: StoreError});
	t.is(
		error?.message,
		`store file ${file} has schema_version ${SCHEMA_VERSION + 1}, newer than the ${SCHEMA_VERSION} this cosmos-tui understands; upgrade cosmos-tui`,
	);
	t.is(fs.readFileSync(file, 'utf8'), future);
	t.deepEqual(fs.readdirSync(path.join(dir, 'store')).sort(), names);
});
