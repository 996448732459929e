// Stored text (prompt text, names, negatives, run errors) and ids in error messages may hold
// terminal escape sequences; every command prints them sanitized (only SGR colours may survive),
// while --json keeps them exact.
import {execFile} from 'node:child_process';
import path from 'node:path';
import test from 'ava';
import {newRun, type Prompt, type Run} from '../../source/domain/model.js';
import {openStore} from '../../source/store/index.js';
import type {CliResult} from '../helpers/cli.js';
import {REPO_ROOT, sampleInputs, tempDir} from '../helpers/temp.js';

const ESC = '\u001B';
const BEL = '\u0007';
const ST = `${ESC}\\`;

/** Each is put between two visible markers, `<key>-a` and `<key>-b`. */
const HOSTILE = {
	osc52: `${ESC}]52;c;ZWNobyBwd25lZA==${BEL}`,
	osc0: `${ESC}]0;pwned title${ST}`,
	clear: `${ESC}[2J${ESC}[H`,
	cursor: `${ESC}[5A${ESC}[10;20H${ESC}[K${ESC}7${ESC}8`,
	dcs: `${ESC}P1$qm${ST}`,
	c1csi: '\u009B2J\u009B31m',
	rlo: '\u202Eexe.txt',
	bel: BEL,
	cr: '\rOVERWRITE',
} as const;
type Key = keyof typeof HOSTILE;
const KEYS = Object.keys(HOSTILE) as Key[];

const hostile = (key: Key, part: string) => `${key}-${part}a${HOSTILE[key]}${key}-${part}b`;
/** What the terminal should show of hostile(key, part), escapes gone, printable payload kept. */
const visible = (key: Key, part: string) => `${key}-${part}a${{rlo: 'exe.txt', cr: 'OVERWRITE'}[key as string] ?? ''}${key}-${part}b`;

/** At most this many CLI processes at once: each starts tsx, and a loaded machine slows them all. */
const MAX_PROCESSES = 4;
let running = 0;
const waiting: Array<() => void> = [];

/** The real CLI in a child process, not on a terminal; NO_COLOR unset unless env sets it. */
async function cli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
	if (running >= MAX_PROCESSES) await new Promise<void>(resolve => waiting.push(resolve));
	running++;
	try {
		return await new Promise(resolve => {
			execFile(
				process.execPath,
				['--import', import.meta.resolve('tsx'), path.join(REPO_ROOT, 'source/cli/main.ts'), ...args],
				{cwd, env: {PATH: process.env['PATH'] ?? '', HOME: cwd, ...env}, maxBuffer: 64 * 1024 * 1024},
				(error, stdout, stderr) => resolve({code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr}),
			);
		});
	} finally {
		running--;
		waiting.shift()?.();
	}
}

const SGR = /\u001B\[[0-9;]*m/g;
const UNSAFE = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

type Assert = {true(value: boolean, message?: string): void; false(value: boolean, message?: string): void};

/** No escape but SGR (none at all without colour), no BEL, CR, C1 or bidi control. */
function assertSafe(t: Assert, text: string, label: string, color: boolean): void {
	if (!color) t.false(text.includes(ESC), `${label}: no escape at all without colour: ${JSON.stringify(text)}`);
	const rest = text.replaceAll(SGR, '');
	const bad = UNSAFE.exec(rest);
	t.true(bad === null, `${label}: U+${bad?.[0].codePointAt(0)?.toString(16).padStart(4, '0')} in ${JSON.stringify(text)}`);
}

/** What a reader sees, colours and spaces aside (tables turn CR and newlines into spaces). */
const plain = (text: string) => text.replaceAll(SGR, '').replaceAll(' ', '');

let ws: {dir: string; prompts: Map<Key, Prompt>; runIds: Map<Key, string>; cleanup: () => Promise<void>};

test.before(async () => {
	const {dir, cleanup} = await tempDir();
	const inputs = await sampleInputs(dir);
	const prompts = new Map<Key, Prompt>();
	/** Names the CLI refused (it takes no C0 controls in a name): stored directly, as old data could hold them. */
	const refusedNames: Key[] = [];
	// In parallel (the store serialises writers across processes): each start of the CLI is slow.
	await Promise.all(KEYS.map(async key => {
		const args = ['prompt', 'create', `${hostile(key, 'text')} scene`, inputs, '--negative', hostile(key, 'neg'), '--json'];
		let created = await cli([...args, '--name', hostile(key, 'name')], dir, {NO_COLOR: '1'});
		if (created.code !== 0) {
			if (!/name must be/.test(created.stderr)) throw new Error(`prompt create ${key}: ${created.stderr}`);
			refusedNames.push(key);
			created = await cli([...args, '--name', `${key}-plain`], dir, {NO_COLOR: '1'});
			if (created.code !== 0) throw new Error(`prompt create ${key}: ${created.stderr}`);
		}
		prompts.set(key, JSON.parse(created.stdout) as Prompt);
	}));
	const store = await openStore(path.join(dir, 'data'));
	const runIds = new Map<Key, string>();
	const now = Date.now();
	await store.write(tx => {
		for (const key of refusedNames) prompts.set(key, tx.update('prompts', prompts.get(key)!.id, {name: hostile(key, 'name')}));
		KEYS.forEach((key, index) => {
			const id = `rs_${(0xa0_00_00_00_00_00 + index).toString(16)}`;
			const at = new Date(now - (KEYS.length - index) * 1000).toISOString();
			tx.insert(
				'runs',
				newRun({
					id,
					prompt_id: prompts.get(key)!.id,
					created_at: at,
					started_at: at,
					completed_at: at,
					status: 'failed',
					stage: null,
					error_message: hostile(key, 'err'),
					progress: {stage: 'diffusion', fraction: 0.5, message: hostile(key, 'prog'), at},
				}),
			);
			runIds.set(key, id);
		});
	});
	await store.close();
	ws = {dir, prompts, runIds, cleanup};
});

test.after.always(async () => {
	await ws?.cleanup();
});

const MODES = [
	{label: 'not a TTY, NO_COLOR unset', env: {}, color: false},
	{label: 'FORCE_COLOR=1', env: {FORCE_COLOR: '1'}, color: true},
] as const;

for (const mode of MODES) {
	const run = (...args: string[]) => cli(args, ws.dir, mode.env);
	const check = (t: Assert, result: CliResult, label: string) => {
		assertSafe(t, result.stdout, `${mode.label}, ${label} stdout`, mode.color);
		assertSafe(t, result.stderr, `${mode.label}, ${label} stderr`, mode.color);
	};

	test(`list prompts and search (${mode.label})`, async t => {
		const list = await run('list', 'prompts');
		t.is(list.code, 0, list.stderr);
		check(t, list, 'list prompts');
		if (mode.color) t.true(list.stdout.startsWith(`${ESC}[1mID`), 'our own colours still work');
		const search = await run('search', 'scene');
		t.is(search.code, 0, search.stderr);
		check(t, search, 'search');
		for (const key of KEYS) {
			t.true(plain(list.stdout).includes(visible(key, 'text')), `${key} text in list prompts`);
			t.true(plain(list.stdout).includes(visible(key, 'name')), `${key} name in list prompts`);
			t.true(plain(search.stdout).includes(visible(key, 'text')), `${key} text in search`);
			t.true(plain(search.stdout).includes(visible(key, 'name')), `${key} name in search`);
		}
		const hostileQuery = await run('search', `nothing${HOSTILE.osc52}${HOSTILE.rlo}`);
		check(t, hostileQuery, 'search with a hostile query');
		t.regex(hostileQuery.stderr, /no prompts match "nothingexe\.txt"/);
	});

	test(`show prompt, list runs and show run (${mode.label})`, async t => {
		const runs = await run('list', 'runs');
		t.is(runs.code, 0, runs.stderr);
		check(t, runs, 'list runs');
		await Promise.all(KEYS.map(async key => {
			t.true(plain(runs.stdout).includes(visible(key, 'name')), `${key} prompt name in list runs`);
			const prompt = ws.prompts.get(key)!;
			const show = await run('show', prompt.id);
			t.is(show.code, 0, show.stderr);
			check(t, show, `show prompt ${key}`);
			for (const part of ['text', 'name', 'neg']) t.true(plain(show.stdout).includes(visible(key, part)), `${key} ${part} in show prompt`);
			const showRun = await run('show', ws.runIds.get(key)!);
			t.is(showRun.code, 0, showRun.stderr);
			check(t, showRun, `show run ${key}`);
			for (const part of ['name', 'err', 'prog']) t.true(plain(showRun.stdout).includes(visible(key, part)), `${key} ${part} in show run`);
		}));
	});

	test(`verify and the delete preview (${mode.label})`, async t => {
		check(t, await run('verify'), 'verify');
		await Promise.all(KEYS.map(async key => {
			const preview = await run('delete', 'prompt', ws.prompts.get(key)!.id);
			t.is(preview.code, 1, 'nothing deleted without --yes');
			check(t, preview, `delete preview ${key}`);
			t.true(plain(preview.stdout).includes(visible(key, 'name')), `${key} name in the delete preview`);
			t.regex(preview.stderr, /nothing deleted/);
		}));
	});

	test(`error messages with hostile ids and commands (${mode.label})`, async t => {
		const all = Object.values(HOSTILE).join('');
		const missing = await run('show', `ps_${all}x`);
		t.is(missing.code, 1);
		check(t, missing, 'show of a missing hostile id');
		t.regex(missing.stderr, /^cosmos-tui: no prompt ps_.*exe\.txt.*OVERWRITEx$/m);
		const missingRun = await run('delete', 'run', `rs_${all}`);
		t.is(missingRun.code, 1);
		check(t, missingRun, 'delete of a missing hostile run');
		t.regex(missingRun.stderr, /^cosmos-tui: no run rs_/);
		const unknown = await run(`${HOSTILE.osc0}list${HOSTILE.clear}`);
		t.is(unknown.code, 2);
		check(t, unknown, 'unknown command');
		t.regex(unknown.stderr, /unknown command "list"/);
	});
}

test('--json keeps the exact strings', async t => {
	const [list, runs] = await Promise.all([cli(['list', 'prompts', '--json'], ws.dir, {FORCE_COLOR: '1'}), cli(['list', 'runs', '--json'], ws.dir, {FORCE_COLOR: '1'})]);
	for (const result of [list, runs]) {
		t.false(UNSAFE.test(result.stdout.replaceAll('\n', ' ')), 'C0 escaped by JSON itself, C1 and bidi controls by us, as \\u escapes');
	}
	const prompts = JSON.parse(list.stdout) as Prompt[];
	const runRows = JSON.parse(runs.stdout) as Run[];
	for (const key of KEYS) {
		const prompt = prompts.find(p => p.id === ws.prompts.get(key)!.id)!;
		t.is(prompt.prompt_text, `${hostile(key, 'text')} scene`);
		t.is(prompt.name, hostile(key, 'name'));
		t.is(prompt.negative_prompt, hostile(key, 'neg'));
		const run = runRows.find(r => r.id === ws.runIds.get(key))!;
		t.is(run.error_message, hostile(key, 'err'));
		t.is(run.progress?.message, hostile(key, 'prog'));
	}
});
