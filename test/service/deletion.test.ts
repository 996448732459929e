import {existsSync} from 'node:fs';
import {mkdir, rm} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {ConflictError} from '../../source/domain/errors.js';
import {fixtureFor, type ServiceFixture} from '../helpers/service.js';

async function promptWithRuns(f: ServiceFixture) {
	const {prompt} = await f.service.createPrompt({text: 'a red car', videoDir: f.inputs});
	const done = await f.runToEnd((await f.service.createRun(prompt.id)).id);
	f.executor.script = {...f.executor.script, hold: new Promise(() => {})};
	const run = await f.service.createRun(prompt.id);
	const active = await f.waitForRun(run.id, r => r.status === 'running');
	return {prompt, done, active};
}

test('the preview lists the runs, the active ones and the files that would go', async t => {
	const f = await fixtureFor(t);
	const {prompt, done, active} = await promptWithRuns(f);
	const preview = await f.service.deletion.previewPrompt(prompt.id);
	t.is(preview.prompt?.id, prompt.id);
	t.deepEqual(preview.runs.map(r => r.id).sort(), [done.id, active.id].sort());
	t.deepEqual(preview.active.map(r => r.id), [active.id]);
	const folder = preview.folders.find(x => x.runId === done.id);
	t.truthy(folder);
	t.true(folder!.files >= 2, 'log and output');
	t.true(folder!.bytes > 0);
	t.truthy(f.service.getRun(done.id), 'a preview deletes nothing');
});

test('deleting is refused while a run is active, unless forced', async t => {
	const f = await fixtureFor(t);
	const {prompt, active} = await promptWithRuns(f);
	await t.throwsAsync(f.service.deletion.deletePrompt(prompt.id), {
		instanceOf: ConflictError,
		message: `1 active run (${active.id}); cancel it first or use --force`,
	});
	await t.throwsAsync(f.service.deletion.deleteRun(active.id), {instanceOf: ConflictError});
	t.is(f.service.listRuns().length, 2, 'nothing was deleted');
	await f.service.deletion.deletePrompt(prompt.id, {force: true});
	t.is(f.service.listRuns().length, 0);
	// The worker stops following the deleted run and removes its job from the host.
	await new Promise<void>(resolve => {
		// The fake records the removal; the worker gets to it on its own, so look until it has.
		const timer = setInterval(() => {
			if (!f.executor.removed.includes(active.id)) return;
			clearInterval(timer);
			resolve();
		}, 20);
	});
	t.deepEqual(f.executor.killed.map(handle => handle.job), [`cosmos-tui-${active.id}`]);
	t.false(existsSync(f.service.files.dir(active.id)), 'its folder did not come back');
	t.is(f.service.listPrompts().length, 0);
});

test('output files go with a run unless kept', async t => {
	const f = await fixtureFor(t);
	const {done} = await promptWithRuns(f);
	f.executor.script = {...f.executor.script, hold: undefined};
	const other = await f.runToEnd((await f.service.rerun(done.id)).id);
	await f.service.deletion.deleteRun(done.id, {keepOutputs: true});
	t.true(existsSync(f.service.files.dir(done.id)));
	await f.service.deletion.deleteRun(other.id);
	t.false(existsSync(f.service.files.dir(other.id)));
});

test('verify reports missing outputs and inputs, and folders no run owns', async t => {
	const f = await fixtureFor(t);
	const {prompt, done} = await promptWithRuns(f);
	t.deepEqual(await f.service.deletion.verify(), {missingOutputs: [], missingInputs: [], orphanFolders: []});
	await rm(done.outputs.video!);
	await rm(path.join(f.inputs, 'depth.mp4'));
	await mkdir(path.join(f.dataDir, 'runs', 'rs_orphan00000'), {recursive: true});
	const report = await f.service.deletion.verify();
	t.deepEqual(report.missingOutputs, [{runId: done.id, path: done.outputs.video!}]);
	t.deepEqual(report.missingInputs, [{promptId: prompt.id, path: path.join(f.inputs, 'depth.mp4')}]);
	t.deepEqual(report.orphanFolders, [path.join(f.dataDir, 'runs', 'rs_orphan00000')]);
});
