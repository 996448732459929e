// verify lists; verify --fix removes folders no run owns and marks successful runs whose output is
// gone, after a list and a question (--yes for scripts; refused without a terminal).
import {execFile} from 'node:child_process';
import {existsSync, readdirSync} from 'node:fs';
import {mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {newRun, type Prompt, type Run} from '../../source/domain/model.js';
import type {FullVerifyReport} from '../../source/service/verify-fix.js';
import {openStore} from '../../source/store/index.js';
import {cosmos, stopWorkersIn} from '../helpers/cli.js';
import {REPO_ROOT, sampleInputs, tempDir} from '../helpers/temp.js';

const GONE = 'rs_a00000000001';
const KEPT = 'rs_a00000000002';

async function workspace() {
	const {dir, cleanup} = await tempDir();
	const inputs = await sampleInputs(dir);
	const run = (...args: string[]) => cosmos(args, {cwd: dir});
	const created = await run('prompt', 'create', 'A quiet street', inputs, '--json');
	const prompt = JSON.parse(created.stdout) as Prompt;
	const runs = path.join(dir, 'data', 'runs');
	const output = (id: string) => path.join(runs, id, 'outputs', 'output.mp4');
	// KEPT has its video; GONE's folder is there but its video is not.
	await mkdir(path.dirname(output(KEPT)), {recursive: true});
	await writeFile(output(KEPT), 'video');
	await mkdir(path.dirname(output(GONE)), {recursive: true});
	const store = await openStore(path.join(dir, 'data'));
	const at = new Date().toISOString();
	await store.write(tx => {
		for (const id of [GONE, KEPT]) {
			tx.insert('runs', newRun({id, prompt_id: prompt.id, created_at: at, started_at: at, completed_at: at, status: 'success', stage: null, outputs: {video: output(id)}}));
		}
	});
	await store.close();
	// Folders no run owns: one like a run's, one of anything.
	const strays = [path.join(runs, 'rs_b00000000009'), path.join(runs, 'leftover')];
	for (const stray of strays) {
		await mkdir(path.join(stray, 'outputs'), {recursive: true});
		await writeFile(path.join(stray, 'outputs', 'output.mp4'), 'old');
	}
	return {
		dir, run, strays, output,
		async report() {
			return JSON.parse((await run('verify', '--json')).stdout) as FullVerifyReport;
		},
		async cleanup() {
			await stopWorkersIn(dir);
			await cleanup();
		},
	};
}

test('verify shows and changes nothing; --fix without a terminal or --yes refuses; --fix --yes removes and marks', async t => {
	const w = await workspace();
	const shown = await w.run('verify');
	t.is(shown.code, 1);
	t.regex(shown.stdout, new RegExp(`^missing output {3}${GONE} {2}\\S+output\\.mp4$`, 'm'));
	for (const stray of w.strays) t.true(shown.stdout.includes(`orphan folder    ${stray}\n`), stray);
	t.regex(shown.stderr, /^3 problem\(s\) \(npx tsx \S+ verify --fix removes 2 folder\(s\) and marks 1 run\(s\)\)\n$/);
	t.true(w.strays.every(stray => existsSync(stray)));
	const before = await w.report();
	t.deepEqual(before.missingOutputs, [{runId: GONE, path: w.output(GONE), marked: false}]);

	const refused = await w.run('verify', '--fix');
	t.is(refused.code, 2);
	t.is(refused.stdout, '');
	t.is(refused.stderr, 'cosmos-tui: verify --fix asks before it changes anything: run it in a terminal, or add --yes\n');
	t.true(w.strays.every(stray => existsSync(stray)));
	t.deepEqual(await w.report(), before);

	const fixed = await w.run('verify', '--fix', '--yes');
	t.is(fixed.code, 0, fixed.stderr);
	for (const stray of w.strays) t.true(fixed.stdout.includes(`remove folder    ${stray}\n`), stray);
	t.regex(fixed.stdout, new RegExp(`^mark run {9}${GONE} {2}output missing$`, 'm'));
	t.regex(fixed.stderr, /^removed 2 folder\(s\), marked 1 run\(s\)\nall consistent\n$/);
	t.false(w.strays.some(stray => existsSync(stray)));
	// Folders that runs own stay, with or without their video; nothing is left aside.
	t.true(existsSync(w.output(KEPT)));
	t.true(existsSync(path.dirname(w.output(GONE))));
	t.deepEqual(readdirSync(path.join(w.dir, 'data', 'runs')).sort(), [GONE, KEPT]);

	const after = await w.report();
	t.deepEqual(after.missingOutputs, [{runId: GONE, path: w.output(GONE), marked: true}]);
	t.deepEqual(after.orphanFolders, []);
	const shownRun = JSON.parse((await w.run('show', GONE, '--json')).stdout) as {run: Run};
	t.is(shownRun.run.outputs_missing, true);
	t.is((JSON.parse((await w.run('show', KEPT, '--json')).stdout) as {run: Run}).run.outputs_missing, undefined);
	t.regex((await w.run('list', 'runs')).stdout, new RegExp(`${GONE} +success \\(outputs missing\\)`));

	const again = await w.run('verify', '--fix', '--yes');
	t.is(again.code, 0);
	t.regex(again.stdout, /\(marked\)$/m);
	t.is(again.stderr, 'nothing for --fix to do\nall consistent\n');
	await w.cleanup();
});

/** The CLI on a terminal (a pty from util-linux script), the answer typed in. */
function onTerminal(args: string[], cwd: string, answer: string): Promise<{code: number; output: string}> {
	const quote = (word: string) => `'${word.replaceAll("'", String.raw`'\''`)}'`;
	const line = [process.execPath, '--import', import.meta.resolve('tsx'), path.join(REPO_ROOT, 'source/cli/main.ts'), ...args].map(quote).join(' ');
	return new Promise(resolve => {
		const child = execFile('script', ['-qec', line, '/dev/null'], {cwd, env: {PATH: process.env['PATH'] ?? '', HOME: cwd, NO_COLOR: '1'}}, (error, stdout) => {
			resolve({code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: stdout});
		});
		child.stdin!.end(`${answer}\n`);
	});
}

test('on a terminal verify --fix lists, asks, and does only what is answered', async t => {
	const w = await workspace();
	const no = await onTerminal(['verify', '--fix'], w.dir, 'n');
	t.is(no.code, 1);
	t.regex(no.output, /remove folder {4}\S+rs_b00000000009\r?\n/);
	t.true(no.output.includes('Remove 2 folder(s) and mark 1 run(s)? [y/N] '));
	t.regex(no.output, /nothing changed/);
	t.true(w.strays.every(stray => existsSync(stray)));
	t.false((await w.report()).missingOutputs[0]!.marked);
	const yes = await onTerminal(['verify', '--fix'], w.dir, 'y');
	t.is(yes.code, 0, yes.output);
	t.regex(yes.output, /removed 2 folder\(s\), marked 1 run\(s\)/);
	t.false(w.strays.some(stray => existsSync(stray)));
	t.true((await w.report()).missingOutputs[0]!.marked);
	await w.cleanup();
});
