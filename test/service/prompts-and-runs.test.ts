import {mkdir, rm, writeFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {NotFoundError, ValidationError} from '../../source/domain/errors.js';
import {DEFAULT_NEGATIVE_PROMPT} from '../../source/domain/model.js';
import {fixtureFor} from '../helpers/service.js';

test('a prompt picks up color.mp4 and the control videos present, with a short name and the default negative', async t => {
	const f = await fixtureFor(t);
	const {prompt, created} = await f.service.createPrompt({text: 'A rainy street at night with neon signs', videoDir: f.inputs});
	t.true(created);
	t.regex(prompt.id, /^ps_[0-9a-f]{12}$/);
	t.is(prompt.name, 'rainy_street_night');
	t.is(prompt.negative_prompt, DEFAULT_NEGATIVE_PROMPT);
	t.is(prompt.video_dir, f.inputs);
	t.deepEqual(Object.keys(prompt.inputs).sort(), ['depth', 'seg', 'video']);
	t.is(prompt.inputs.seg?.path, path.join(f.inputs, 'segmentation.mp4'));
	t.regex(prompt.inputs.video.sha256, /^[0-9a-f]{64}$/);
});

test('the same text and inputs are stored once', async t => {
	const f = await fixtureFor(t);
	const first = await f.service.createPrompt({text: 'a red car', videoDir: f.inputs});
	const again = await f.service.createPrompt({text: '  a red car ', videoDir: f.inputs, name: 'other'});
	t.false(again.created);
	t.is(again.prompt.id, first.prompt.id);
	t.deepEqual(again.kept, ['name'], 'the other name was not taken, and the caller is told');
	t.deepEqual((await f.service.createPrompt({text: 'a red car', videoDir: f.inputs, negative: 'blurry'})).kept, ['negative prompt']);
	t.deepEqual((await f.service.createPrompt({text: 'a red car', videoDir: f.inputs, name: first.prompt.name})).kept, []);
	t.is(f.service.getPrompt(first.prompt.id).name, first.prompt.name);
	t.is(f.service.listPrompts().length, 1);
});

test('bad prompt input is refused with one clear line and nothing is stored', async t => {
	const f = await fixtureFor(t);
	const notMp4 = path.join(f.dir, 'not-mp4');
	await mkdir(notMp4);
	await writeFile(path.join(notMp4, 'color.mp4'), 'this is not a video');
	const noColor = path.join(f.dir, 'no-color');
	await mkdir(noColor);
	const aFile = path.join(f.dir, 'a-file');
	await writeFile(aFile, 'x');
	const dirAsVideo = path.join(f.dir, 'dir-as-video');
	await mkdir(path.join(dirAsVideo, 'color.mp4'), {recursive: true});
	const cases: Array<[{text: string; videoDir: string}, RegExp]> = [
		[{text: 'x', videoDir: path.join(f.dir, 'missing')}, /^video folder not found: /],
		[{text: 'x', videoDir: aFile}, /^not a folder: /],
		[{text: 'x', videoDir: noColor}, /^no color\.mp4 in /],
		[{text: 'x', videoDir: notMp4}, /^cannot read video .*color\.mp4: not an MP4 file$/],
		[{text: 'x', videoDir: dirAsVideo}, /^cannot read video .*: not a regular file$/],
		[{text: '   ', videoDir: f.inputs}, /^prompt text is empty$/],
		[{text: 'y'.repeat(10_001), videoDir: f.inputs}, /limit is 10,000/],
	];
	for (const [input, message] of cases) {
		const error = await t.throwsAsync(f.service.createPrompt(input), {instanceOf: ValidationError, message});
		t.false(error?.message.includes('\n'));
	}
	t.is(f.service.listPrompts().length, 0);
});

test('a run takes the configured defaults, and changes are validated before anything is stored', async t => {
	const f = await fixtureFor(t, config => {
		config.generation.num_steps = 20;
		config.generation.vis = 0.4;
	});
	const {prompt} = await f.service.createPrompt({text: 'a red car', videoDir: f.inputs});
	const run = await f.service.createRun(prompt.id, {weights: {edge: 0.9}, parameters: {seed: 5}});
	t.is(run.status, 'queued');
	t.deepEqual(run.control_weights, {vis: 0.4, edge: 0.9, depth: 0.25, seg: 0.25});
	t.is(run.parameters.num_steps, 20);
	t.is(run.parameters.seed, 5);
	t.is(run.parameters.guidance, 7);
	t.is(run.parameters.blur_strength, 'medium');
	await t.throwsAsync(f.service.createRun(prompt.id, {weights: {vis: 2}}), {instanceOf: ValidationError});
	await t.throwsAsync(f.service.createRun(prompt.id, {parameters: {fps: 0}}), {instanceOf: ValidationError});
	await t.throwsAsync(f.service.createRun('ps_000000000000'), {instanceOf: NotFoundError, message: 'no prompt ps_000000000000'});
	t.is(f.service.listRuns().length, 1);
});

test('rerun links to its parent and keeps its weights unless changed', async t => {
	const f = await fixtureFor(t);
	const {prompt} = await f.service.createPrompt({text: 'a red car', videoDir: f.inputs});
	const parent = await f.service.createRun(prompt.id, {weights: {vis: 0.1, edge: 0.2}, parameters: {seed: 9}});
	const child = await f.service.rerun(parent.id, {weights: {edge: 0.7}});
	t.is(child.parent_run_id, parent.id);
	t.is(child.prompt_id, prompt.id);
	t.deepEqual(child.control_weights, {vis: 0.1, edge: 0.7, depth: 0.25, seg: 0.25});
	t.is(child.parameters.seed, 9);
	await t.throwsAsync(f.service.rerun('rs_missing'), {instanceOf: NotFoundError, message: 'no run rs_missing'});
});

test('one-step create and run uses the most recently used folder when none is given', async t => {
	const f = await fixtureFor(t);
	await t.throwsAsync(f.service.createPromptAndRun('a cat', undefined), {message: 'no video folder given and none used before'});
	await f.service.createPromptAndRun('a cat', f.inputs);
	const {prompt, run} = await f.service.createPromptAndRun('a dog', undefined);
	t.is(prompt.video_dir, f.inputs);
	t.is(run.prompt_id, prompt.id);
});

test('listing, search, counts, lookups and id prefixes', async t => {
	const f = await fixtureFor(t);
	const a = (await f.service.createPrompt({text: 'A Neon City at night', videoDir: f.inputs})).prompt;
	const b = (await f.service.createPrompt({text: 'a quiet forest', videoDir: f.inputs})).prompt;
	const r1 = await f.service.createRun(a.id);
	const r2 = await f.service.createRun(b.id);
	const r3 = await f.service.createRun(a.id);
	t.deepEqual(f.service.listRuns().map(r => r.id), [r3.id, r2.id, r1.id], 'newest first');
	t.deepEqual(f.service.listRuns({promptId: a.id}).map(r => r.id), [r3.id, r1.id]);
	t.deepEqual(f.service.listRuns({status: 'success'}), []);
	t.deepEqual(f.service.listRuns({limit: 1}).map(r => r.id), [r3.id]);
	t.deepEqual(f.service.searchPrompts('NEON').map(p => p.id), [a.id]);
	t.deepEqual(f.service.searchPrompts('forest').map(p => p.id), [b.id]);
	t.deepEqual(f.service.searchPrompts('100%'), [], 'LIKE wildcards are literal');
	t.throws(() => f.service.searchPrompts('  '), {instanceOf: ValidationError});
	t.deepEqual(f.service.getPromptWithRuns(a.id).runs.map(r => r.id), [r3.id, r1.id]);
	t.is(f.service.getRunWithPrompt(r2.id).prompt.id, b.id);
	t.is(f.service.countRunsByStatus().queued, 3);
	t.is(f.service.listRunsWithPrompts({limit: 2})[1]?.prompt.id, b.id);
	t.is(f.service.resolveId('runs', r2.id.slice(0, 9)), r2.id);
	t.throws(() => f.service.resolveId('runs', 'rs_zzzz'), {instanceOf: NotFoundError});
});

test('an input video changed after the prompt was made fails the run at launch, before anything starts', async t => {
	const f = await fixtureFor(t);
	const {prompt} = await f.service.createPrompt({text: 'a red car', videoDir: f.inputs});
	const run = await f.service.createRun(prompt.id);
	await rm(path.join(f.inputs, 'depth.mp4'));
	const done = await f.runToEnd(run.id);
	t.is(done.status, 'failed');
	t.is(done.failure_kind, 'start_failed');
	t.regex(done.error_message ?? '', /^could not start: input video is gone: .*depth\.mp4/);
	t.is(f.executor.launched.length, 0);
});
