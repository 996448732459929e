// verify --fix is all or nothing: a failure part way puts moved folders back and marks no run.
import {existsSync, readdirSync} from 'node:fs';
import {mkdir, rm, writeFile} from 'node:fs/promises';
import path from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {ConflictError} from '../../source/domain/errors.js';
import {fixPlan} from '../../source/service/verify-fix.js';
import {fixtureFor} from '../helpers/service.js';

async function withStrayAndGone(t: ExecutionContext) {
	const f = await fixtureFor(t);
	const {prompt} = await f.service.createPrompt({text: 'a red car', videoDir: f.inputs});
	const done = await f.runToEnd((await f.service.createRun(prompt.id)).id);
	await rm(done.outputs.video!);
	const stray = path.join(f.dataDir, 'runs', 'rs_stray0000001');
	await mkdir(stray, {recursive: true});
	return {f, done, stray};
}

test('a plan carried out removes the folders and marks the runs', async t => {
	const {f, done, stray} = await withStrayAndGone(t);
	const plan = fixPlan(await f.service.verify());
	t.deepEqual(plan, {folders: [stray], runs: [{runId: done.id, path: done.outputs.video!}]});
	await f.service.verifyFix(plan);
	t.false(existsSync(stray));
	t.is(f.service.getRun(done.id).outputs_missing, true);
	t.deepEqual(fixPlan(await f.service.verify()), {folders: [], runs: []});
});

test('a folder that cannot be moved part way: the ones moved come back, no run is marked', async t => {
	const {f, done, stray} = await withStrayAndGone(t);
	const plan = fixPlan(await f.service.verify());
	// The second entry fails to move (the first already took it).
	const broken = {...plan, folders: [stray, stray]};
	await t.throwsAsync(f.service.verifyFix(broken), {code: 'ENOENT'});
	t.true(existsSync(stray));
	t.is(f.service.getRun(done.id).outputs_missing, undefined);
	t.deepEqual(readdirSync(path.join(f.dataDir, 'runs')).sort(), [done.id, 'rs_stray0000001'].sort());
});

test('a plan the data no longer matches changes nothing', async t => {
	const {f, done, stray} = await withStrayAndGone(t);
	const plan = fixPlan(await f.service.verify());
	await mkdir(path.dirname(done.outputs.video!), {recursive: true});
	await writeFile(done.outputs.video!, 'back again');
	await t.throwsAsync(f.service.verifyFix(plan), {instanceOf: ConflictError});
	t.true(existsSync(stray));
	t.is(f.service.getRun(done.id).outputs_missing, undefined);
});
