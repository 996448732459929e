// Requirement 6: a data folder that cannot be used gives one clear StoreError line at open.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {StoreError, openStore} from '../../source/store/index.js';
import {spawnFixture, tempDir} from './fixtures/records.js';

test('a data path that is a file', async t => {
	const {dir, cleanup} = tempDir();
	t.teardown(cleanup);
	const file = path.join(dir, 'data');
	fs.writeFileSync(file, 'not a folder');
	const error = await t.throwsAsync(openStore(file), {instanceOf: StoreError});
	t.is(error?.message, `cannot create store folder ${file}/store: ${file} is a file, not a folder`);
	t.is(fs.readFileSync(file, 'utf8'), 'not a folder');
});

test('a data path below a file, and a store folder that is a file', async t => {
	const {dir, cleanup} = tempDir();
	t.teardown(cleanup);
	const file = path.join(dir, 'file');
	fs.writeFileSync(file, '');
	const below = await t.throwsAsync(openStore(path.join(file, 'deeper', 'data')), {instanceOf: StoreError});
	t.is(below?.message, `cannot create store folder ${file}/deeper/data/store: ${file} is a file, not a folder`);

	const data = path.join(dir, 'data');
	fs.mkdirSync(data);
	fs.writeFileSync(path.join(data, 'store'), '');
	const storeFile = await t.throwsAsync(openStore(data), {instanceOf: StoreError});
	t.is(storeFile?.message, `cannot create store folder ${data}/store: ${data}/store is a file, not a folder`);
});

// Permission checks do not apply to root, so the attempt runs as the unprivileged "nobody" user.
const asNobody = process.getuid?.() === 0 ? test : test.skip;

asNobody('a data folder the user cannot write', async t => {
	const {dir, cleanup} = tempDir();
	t.teardown(cleanup);
	fs.chmodSync(dir, 0o755);
	const readOnly = path.join(dir, 'read-only');
	fs.mkdirSync(readOnly, {mode: 0o755});
	const result = spawnFixture('open-probe', [readOnly], {uid: 65_534, gid: 65_534});
	await result.exited;
	t.deepEqual(result.lines, [`StoreError: cannot create store folder ${readOnly}/store: permission denied (EACCES)`], result.stderr);
});

asNobody('a store folder the user cannot write (it exists, owned by someone else)', async t => {
	const {dir, cleanup} = tempDir();
	t.teardown(cleanup);
	fs.chmodSync(dir, 0o755);
	const store = await openStore(dir);
	await store.close();
	for (const entry of ['store', 'store/lock']) {
		fs.chmodSync(path.join(dir, entry), 0o755);
	}

	const before = fs.readFileSync(path.join(dir, 'store/snapshot.json'));
	const result = spawnFixture('open-probe', [dir], {uid: 65_534, gid: 65_534});
	await result.exited;
	t.deepEqual(result.lines, [`StoreError: store folder ${dir}/store is not writable: permission denied (EACCES)`], result.stderr);
	t.deepEqual(fs.readFileSync(path.join(dir, 'store/snapshot.json')), before);
});
