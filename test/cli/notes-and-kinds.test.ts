// Small things the command line says: a kept negative prompt, and why a run failed in the list.
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
