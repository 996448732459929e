// Small things the command line says: a kept negative prompt, and why a run failed in the list.
import {mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {newRun} from '../../source/domain/model.js';
import {openStore} from '../../source/store/index.js';
import {cosmos} from '../helpers/cli.js';
import {sampleInputs, tempDir} from '../helpers/temp.js';

test('prompt create for an existing prompt with another negative prompt says the stored one was kept', async t => {
	const {dir, cleanup} = await tempDir();
	t.teardown(cleanup);
	const inputs = await sampleInputs(dir);
	const first = await cosmos(['prompt', 'create', 'a red car', inputs, '--negative', 'blurry'], {cwd: dir});
	t.is(first.code, 0, first.stderr);
	t.is(first.stderr, '');
	const again = await cosmos(['prompt', 'create', 'a red car', inputs, '--negative', 'grainy'], {cwd: dir});
	t.is(again.code, 0);
	t.regex(again.stdout, /already exists/);
	t.is(again.stderr.trim(), 'note: this prompt exists already with another negative prompt; the stored one was kept (the same text and videos make the same prompt)');
	const shown = JSON.parse((await cosmos(['list', 'prompts', '--json'], {cwd: dir})).stdout) as Array<{negative_prompt: string}>;
	t.deepEqual(shown.map(prompt => prompt.negative_prompt), ['blurry']);
});

test('list runs shows why a run failed', async t => {
	const {dir, cleanup} = await tempDir();
	t.teardown(cleanup);
	const inputs = await sampleInputs(dir);
	const prompt = JSON.parse((await cosmos(['prompt', 'create', 'a red car', inputs, '--json'], {cwd: dir})).stdout) as {id: string};
	const store = await openStore(path.join(dir, 'data'));
	await store.write(tx => tx.insert('runs', newRun({id: 'rs_00000000000f', prompt_id: prompt.id, created_at: new Date().toISOString(), status: 'failed', failure_kind: 'oom', error_message: 'out of GPU memory'})));
	await store.close();
	const list = await cosmos(['list', 'runs'], {cwd: dir});
	t.regex(list.stdout, /rs_00000000000f\s+failed \(oom\)/);
});

test('logs prints the saved log in order; --tail N the last N lines, read from the end', async t => {
	const {dir, cleanup} = await tempDir();
	t.teardown(cleanup);
	const inputs = await sampleInputs(dir);
	const prompt = JSON.parse((await cosmos(['prompt', 'create', 'a red car', inputs, '--json'], {cwd: dir})).stdout) as {id: string};
	const store = await openStore(path.join(dir, 'data'));
	await store.write(tx => tx.insert('runs', newRun({id: 'rs_0000000000aa', prompt_id: prompt.id, created_at: new Date().toISOString(), status: 'success'})));
	await store.close();
	const lines = Array.from({length: 5000}, (_, i) => `line ${i} ${'x'.repeat(i % 700)}`);
	await mkdir(path.join(dir, 'data', 'runs', 'rs_0000000000aa'), {recursive: true});
	await writeFile(path.join(dir, 'data', 'runs', 'rs_0000000000aa', 'run.log'), `${lines.join('\n')}\n`);
	const all = await cosmos(['logs', 'rs_0000000000aa'], {cwd: dir});
	t.is(all.code, 0, all.stderr);
	t.deepEqual(all.stdout.trimEnd().split('\n'), lines);
	const tail = await cosmos(['logs', 'rs_0000000000aa', '--tail', '3'], {cwd: dir});
	t.deepEqual(tail.stdout.trimEnd().split('\n'), lines.slice(-3));
	t.is((await cosmos(['logs', 'rs_0000000000aa', '--tail', '0'], {cwd: dir})).stdout, '');
});
