// `npm run sandbox` keeps the user's data folder (issue 8, item 4): no prompts seem to vanish.
import {mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {sandboxDataDir} from '../../sandbox/host/cosmos-config.js';
import {tempDir} from '../helpers/temp.js';

test('the data folder comes from COSMOS_DATA_DIR, else the user\'s config, else ./data', async t => {
	const {dir, cleanup} = await tempDir();
	t.teardown(cleanup);
	const env = {HOME: dir, XDG_CONFIG_HOME: path.join(dir, 'xdg')};
	t.is(sandboxDataDir(env, dir), path.join(dir, 'data'));
	await mkdir(path.join(dir, 'xdg', 'cosmos-tui'), {recursive: true});
	await writeFile(path.join(dir, 'xdg', 'cosmos-tui', 'config.toml'), '[paths]\ndata_dir = "./my-runs"\n');
	t.is(sandboxDataDir(env, dir), path.join(dir, 'my-runs'));
	t.is(sandboxDataDir({...env, COSMOS_DATA_DIR: '/srv/cosmos'}, dir), '/srv/cosmos');
});

test('a broken user config does not stop the sandbox: the default folder', async t => {
	const {dir, cleanup} = await tempDir();
	t.teardown(cleanup);
	await writeFile(path.join(dir, 'cosmos.toml'), '[paths\n');
	t.is(sandboxDataDir({HOME: dir}, dir), path.join(dir, 'data'));
});
