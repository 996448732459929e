import {mkdir, readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {cosmos, stopWorkersIn} from '../helpers/cli.js';
import {sampleInputs, tempDir} from '../helpers/temp.js';

async function workspace() {
	const {dir, cleanup} = await tempDir();
	const inputs = await sampleInputs(dir);
	const run = (...args: string[]) => cosmos(args, {cwd: dir});
	return {
		dir,
		inputs,
		run,
		async cleanup() {
			await stopWorkersIn(dir);
			await cleanup();
		},
	};
}

const oneLine = (text: string) => text.trim().split('\n').length === 1;

test('help, version, and help instead of the UI when not on a terminal', async t => {
	const w = await workspace();
	const help = await w.run('--help');
	t.is(help.code, 0);
	for (const command of ['run', 'inference', 'rerun', 'prompt create', 'list', 'search', 'show', 'delete', 'verify', 'logs', 'kill', 'status']) {
		t.true(help.stdout.includes(`  ${command}`), command);
	}
	t.is((await w.run()).stdout, help.stdout);
	t.regex((await w.run('--version')).stdout, /^\d+\.\d+\.\d+\n$/);
	const runHelp = await w.run('run', '--help');
	t.is(runHelp.code, 0);
	t.regex(runHelp.stdout, /--weights <value>/);
	await w.cleanup();
});

test('help lines keep a gap between every usage and its summary; a short id prefix is explained', async t => {
	const w = await workspace();
	const help = (await w.run('--help')).stdout;
	for (const line of help.split('\n').filter(text => /^  [a-z]+ /.test(text) && !text.startsWith('  --'))) {
		t.regex(line, /^  \S.*?\S {2,}\S/, line);
	}
	t.regex(help, /prompt create <text> <video_dir> {2,}create a prompt/);
	const short = await w.run('show', 'rs_');
	t.is(short.code, 1);
	t.is(short.stderr, 'cosmos-tui: no run rs_; a shortened id needs at least 4 characters\n');
	await w.cleanup();
});

test('usage errors exit 2 with one line', async t => {
	const w = await workspace();
	const cases: Array<[string[], RegExp]> = [
		[['frobnicate'], /unknown command "frobnicate"/],
		// Started as node --import tsx source/cli/main.ts: hints name that (test/cli/invocation.test.ts).
		[['list', '--bogus'], /^cosmos-tui: unknown flag --bogus \(run npx tsx \S+main\.ts list --help\)$/m],
		[['--bogus'], /^cosmos-tui: unknown flag --bogus \(run npx tsx \S+main\.ts --help\)$/m],
		[['list', '--weights', 'vis=1'], /--weights does not apply to list/],
		[['search'], /usage: npx tsx \S+main\.ts search <query>/],
		[['list', 'things'], /list what\? "things"/],
		[['list', '--limit', 'ten'], /--limit must be a whole number/],
		[['list', '--status', 'done'], /--status must be one of queued, launching, running, success, failed, cancelled/],
		[['prompt', 'make', 'x', 'y'], /unknown subcommand "prompt make"/],
	];
	for (const [args, message] of cases) {
		const result = await w.run(...args);
		t.is(result.code, 2, args.join(' '));
		t.regex(result.stderr, message, args.join(' '));
	}
	await w.cleanup();
});

test('create a prompt, then list, search and show it, as tables and as JSON', async t => {
	const w = await workspace();
	const created = await w.run('prompt', 'create', 'A foggy harbour at dawn', w.inputs);
	t.is(created.code, 0, created.stderr);
	const id = /prompt (ps_[0-9a-f]{12})/.exec(created.stdout)?.[1];
	t.truthy(id);
	t.regex(created.stdout, /inputs: video, depth, seg/);
	const again = await w.run('prompt', 'create', 'A foggy harbour at dawn', w.inputs);
	t.regex(again.stdout, /already exists: prompt/);
	const list = JSON.parse((await w.run('list', 'prompts', '--json')).stdout) as Array<{id: string; name: string; inputs: {video: {sha256: string}}}>;
	t.is(list.length, 1);
	t.is(list[0]?.id, id);
	t.is(list[0]?.name, 'foggy_harbour_dawn');
	t.regex(list[0]!.inputs.video.sha256, /^[0-9a-f]{64}$/);
	const table = await w.run('list', 'prompts');
	t.regex(table.stdout, /^ID\s+NAME\s+TEXT\s+INPUTS\s+CREATED/);
	t.regex(table.stdout, /foggy_harbour_dawn/);
	const search = await w.run('search', 'HARBOUR', '--json');
	t.is((JSON.parse(search.stdout) as unknown[]).length, 1);
	t.regex((await w.run('search', 'volcano')).stderr, /no prompts match "volcano"/);
	const show = JSON.parse((await w.run('show', id!.slice(0, 8), '--json')).stdout) as {prompt: {id: string}; runs: unknown[]};
	t.is(show.prompt.id, id!);
	t.deepEqual(show.runs, []);
	t.regex((await w.run('list')).stderr, /no runs/);
	await w.cleanup();
});

test('bad input: one line, exit 1, and the store unchanged', async t => {
	const w = await workspace();
	await w.run('prompt', 'create', 'keep me', w.inputs);
	const before = (await w.run('list', 'prompts', '--json')).stdout;
	const notVideo = path.join(w.dir, 'bad');
	await mkdir(notVideo);
	await writeFile(path.join(notVideo, 'color.mp4'), 'garbage');
	const cases: Array<[string[], RegExp]> = [
		[['prompt', 'create', 'x', path.join(w.dir, 'nope')], /video folder not found/],
		[['prompt', 'create', 'x', path.join(w.inputs, 'color.mp4')], /not a folder/],
		[['prompt', 'create', 'x', notVideo], /not an MP4 file/],
		[['prompt', 'create', ' ', w.inputs], /prompt text is empty/],
		[['prompt', 'create', 'x'.repeat(10_001), w.inputs], /the limit is 10,000/],
		[['show', 'ps_000000000000'], /no prompt ps_000000000000/],
		[['show', 'rs_000000000000'], /no run rs_000000000000/],
		[['logs', 'rs_000000000000'], /no run rs_000000000000/],
		[['delete', 'run', 'rs_000000000000', '--yes'], /no run/],
	];
	for (const [args, message] of cases) {
		const result = await w.run(...args);
		t.is(result.code, 1, args.join(' ').slice(0, 60));
		t.regex(result.stderr, message);
		t.true(oneLine(result.stderr), result.stderr);
	}
	t.is((await w.run('list', 'prompts', '--json')).stdout, before);
	await w.cleanup();
});

test('malformed run flags are usage errors and create nothing', async t => {
	const w = await workspace();
	for (const flags of [['--weights', 'vis=2'], ['--weights', 'vis=NaN'], ['--weights', 'lidar=0.5'], ['--weights', 'vis'], ['--steps', '1.5'], ['--guidance', 'high'], ['--blur-strength', 'max']]) {
		const result = await w.run('run', 'a red car', w.inputs, ...flags);
		t.is(result.code, 2, flags.join(' '));
		t.true(oneLine(result.stderr));
	}
	t.is((await w.run('list', 'prompts', '--json')).stdout.trim(), '[]');
	await w.cleanup();
});

test('commands that need the GPU host say so clearly when none is configured', async t => {
	const w = await workspace();
	for (const args of [['status'], ['run', 'a red car', w.inputs], ['inference', 'ps_000000000000']]) {
		const result = await w.run(...args);
		t.is(result.code, 1);
		t.regex(result.stderr, /no GPU host configured: set \[remote\] host \(or add \[hosts\.NAME\] sections\) in the config file/);
	}
	t.is((await w.run('list', 'prompts', '--json')).stdout.trim(), '[]', 'run created nothing');
	await w.cleanup();
});

test('configuration problems stop the command with one line', async t => {
	const w = await workspace();
	await writeFile(path.join(w.dir, 'cosmos.toml'), '[remote]\nhots = "gpu"\n');
	let result = await w.run('list');
	t.is(result.code, 1);
	t.regex(result.stderr, /unknown key \[remote\] hots/);
	await writeFile(path.join(w.dir, 'cosmos.toml'), '[remote\n');
	result = await w.run('list');
	t.regex(result.stderr, /invalid TOML in .*cosmos\.toml at line 1/);
	result = await w.run('list', '--config', 'missing.toml');
	t.regex(result.stderr, /config file not found/);
	await w.cleanup();
});

test('a data directory that cannot be written is refused', async t => {
	const w = await workspace();
	const file = path.join(w.dir, 'a-file');
	await writeFile(file, 'x');
	const result = await cosmos(['list'], {cwd: w.dir, env: {COSMOS_DATA_DIR: file}});
	t.is(result.code, 1);
	t.regex(result.stderr, /a-file/);
	t.true(oneLine(result.stderr));
	await w.cleanup();
});

test('delete asks first: without --yes and no terminal nothing goes', async t => {
	const w = await workspace();
	const created = await w.run('prompt', 'create', 'A foggy harbour at dawn', w.inputs);
	const id = /prompt (ps_[0-9a-f]{12})/.exec(created.stdout)![1]!;
	const refused = await w.run('delete', 'prompt', id);
	t.is(refused.code, 1);
	t.regex(refused.stdout, new RegExp(`prompt  ${id}`));
	t.regex(refused.stderr, /nothing deleted: add --yes/);
	t.is((JSON.parse((await w.run('list', 'prompts', '--json')).stdout) as unknown[]).length, 1);
	const deleted = await w.run('delete', 'prompt', id, '--yes');
	t.is(deleted.code, 0);
	t.regex(deleted.stderr, /deleted prompt/);
	t.is((await w.run('list', 'prompts', '--json')).stdout.trim(), '[]');
	const verify = await w.run('verify', '--json');
	t.deepEqual(JSON.parse(verify.stdout), {missingOutputs: [], missingInputs: [], orphanFolders: [], unownedRuns: []});
	await w.cleanup();
});

test('rerun of a missing run, and inference of a missing prompt, with a host configured', async t => {
	const w = await workspace();
	const env = {COSMOS_REMOTE_HOST: 'gpu.invalid'};
	const rerun = await cosmos(['rerun', 'rs_000000000000', '--weights', 'vis=0.5'], {cwd: w.dir, env});
	t.is(rerun.code, 1);
	t.is(rerun.stderr, 'cosmos-tui: no run rs_000000000000\n');
	const inference = await cosmos(['inference', 'ps_000000000000'], {cwd: w.dir, env});
	t.is(inference.code, 1);
	t.is(inference.stderr, 'cosmos-tui: no prompt ps_000000000000\n');
	t.is((await w.run('list', '--json')).stdout.trim(), '[]');
	await w.cleanup();
});

test('a corrupt store stops every command with the file and the problem, and is left as it was', async t => {
	const w = await workspace();
	await w.run('prompt', 'create', 'A foggy harbour at dawn', w.inputs);
	const snapshot = path.join(w.dir, 'data', 'store', 'snapshot.json');
	const broken = `${(await readFile(snapshot, 'utf8')).slice(0, 40)}{{{ not json`;
	await writeFile(snapshot, broken);
	for (const args of [['list'], ['prompt', 'create', 'another', w.inputs]]) {
		const result = await w.run(...args);
		t.is(result.code, 1);
		t.regex(result.stderr, /snapshot\.json/);
		t.true(oneLine(result.stderr), result.stderr);
	}
	t.is(await readFile(snapshot, 'utf8'), broken);
	await w.cleanup();
});
