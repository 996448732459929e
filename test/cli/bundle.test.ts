// The command line as it ships: scripts/bundle-cli.mjs bundles it (dist/cli/ is what `cosmos-tui`
// runs), so here the sources are bundled the same way into a temp folder and the result is run as a
// user would, with plain node: commands on a store, a background worker, and the full-screen UI.
import {execFileSync, spawnSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {readdirSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {openStore} from '../../source/store/index.js';
import {hasTmux, tmuxUi} from '../e2e/tmux-ui.js';
import {makePrompt, makeRun} from '../store/fixtures/records.js';
import {REPO_ROOT, tempDir} from '../helpers/temp.js';

const folder = await tempDir('cosmos-bundle-');
// Inside the checkout (dist/ is not tracked), so the bundle finds node_modules as dist/cli/ does.
const outdir = path.join(REPO_ROOT, 'dist', `bundle-test-${randomBytes(4).toString('hex')}`);
test.after.always(async () => {
	rmSync(outdir, {recursive: true, force: true});
	await folder.cleanup();
});
execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts/bundle-cli.mjs'), outdir]);
const main = path.join(outdir, 'main.js');
const home = path.join(folder.dir, 'home');
const dataDir = path.join(folder.dir, 'data');

function cli(...args: string[]): {status: number | null; stdout: string; stderr: string} {
	const result = spawnSync(process.execPath, [main, ...args, '--data-dir', dataDir], {
		cwd: folder.dir,
		encoding: 'utf8',
		env: {PATH: process.env['PATH'], HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), NO_COLOR: '1'},
	});
	return {status: result.status, stdout: result.stdout, stderr: result.stderr};
}

test.before(async () => {
	const store = await openStore(dataDir, {watch: false});
	await store.write(tx => {
		tx.insert('prompts', makePrompt('ps_harbor', {name: 'harbor at dawn', created_at: '2026-01-01T00:00:00.000Z'}));
		for (let index = 0; index < 3; index++) {
			tx.insert('runs', makeRun(`rs_bundle${index}`, 'ps_harbor', {status: 'success', created_at: `2026-01-0${index + 1}T00:00:00.000Z`}));
		}
	});
	await store.close();
});

test('the bundle is a few flat files: the bin, the UI entry and shared chunks, all in one folder (spawnWorker runs the main.js beside its chunk)', t => {
	const files = readdirSync(outdir).sort();
	t.true(files.includes('main.js') && files.includes('launch.js'));
	t.true(files.every(name => name.endsWith('.js')), files.join(' '));
	t.true(files.length < 12, `${files.length} files`);
});

test('commands run from the bundle: version, list, search, show', t => {
	const version = cli('--version');
	t.is(version.status, 0, version.stderr);
	t.regex(version.stdout, /^\d+\.\d+\.\d+/);
	const list = cli('list', 'runs', '--json');
	t.is(list.status, 0, list.stderr);
	t.deepEqual((JSON.parse(list.stdout) as Array<{id: string}>).map(run => run.id), ['rs_bundle2', 'rs_bundle1', 'rs_bundle0']);
	const search = cli('search', 'HARBOR');
	t.is(search.status, 0, search.stderr);
	t.regex(search.stdout, /ps_harbor/);
	const missing = cli('show', 'rs_nothing');
	t.is(missing.status, 1);
	t.regex(missing.stderr, /^cosmos-tui: no run/);
});

test('a background worker starts from the bundle (worker --once, nothing to do)', t => {
	const worker = cli('worker', '--once');
	t.is(worker.status, 0, worker.stderr);
});

test('the full-screen UI starts from the bundle and quits with q', async t => {
	t.true(hasTmux(), 'tmux is needed for this test (.ci/run installs it)');
	const config = path.join(folder.dir, 'ui.toml');
	writeFileSync(config, `[paths]\ndata_dir = ${JSON.stringify(dataDir)}\n`);
	const ui = tmuxUi();
	t.teardown(() => ui.kill());
	ui.start(config, {entry: main, env: {HOME: home}});
	await ui.see(text => text.includes('harbor at dawn') && text.includes('rs_bundle2'), 'the prompt and its runs on screen');
	ui.keys('q');
	await ui.see(text => text.includes('EXITED 0'), 'the UI quit with status 0');
	t.pass();
});
