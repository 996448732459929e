// `enhance`: the prompt upsampler as a run; on success a NEW prompt with the upsampled text, linked
// to the original (which never changes), recorded on the run. The fake host answers the way the
// upsampler's stdout copy does (output.txt with `Upsampled prompt: ...`).
import {mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {NotFoundError} from '../../source/domain/errors.js';
import {DEFAULT_PARAMETERS, DEFAULT_WEIGHTS, type Prompt} from '../../source/domain/model.js';
import {NO_UPSAMPLED_TEXT_HINT} from '../../source/executor/failure-classifier.js';
import {MAX_NAME_LENGTH, enhanceRun, enhancedName, enhancedPrompt} from '../../source/service/enhance.js';
import {fixtureFor, type ServiceFixture} from '../helpers/service.js';

const input = (digit: string) => ({path: `/local/${digit}.mp4`, sha256: digit.repeat(64), size: 10, mtime_ms: 0});
const original: Prompt = {
	id: 'ps_original',
	name: 'street',
	prompt_text: 'a street',
	negative_prompt: 'blurry',
	video_dir: '/local',
	inputs: {video: input('a'), edge: input('b')},
	created_at: '2026-01-01T00:00:00.000Z',
};

test('enhancedName: "(enhanced)", numbered when taken, cut to the name limit', t => {
	t.is(enhancedName('street', () => false), 'street (enhanced)');
	const taken = new Set(['street (enhanced)', 'street (enhanced 2)']);
	t.is(enhancedName('street', name => taken.has(name)), 'street (enhanced 3)');
	const long = enhancedName('x'.repeat(200), () => false);
	t.is(long.length, MAX_NAME_LENGTH);
	t.true(long.endsWith(' (enhanced)'));
});

test('enhancedPrompt: the text, the original\'s negative prompt, folder and videos, the link; its id a content hash', t => {
	const made = enhancedPrompt(original, '  a street, richly lit  ', {id: 'rs_1'}, '2026-02-02T00:00:00.000Z', () => false);
	t.like(made, {name: 'street (enhanced)', prompt_text: 'a street, richly lit', negative_prompt: 'blurry', video_dir: '/local', created_at: '2026-02-02T00:00:00.000Z'});
	t.deepEqual(made.inputs, original.inputs);
	t.deepEqual(made.enhanced_from, {prompt_id: 'ps_original', run_id: 'rs_1'});
	t.regex(made.id, /^ps_[0-9a-f]{12}$/);
	t.is(enhancedPrompt(original, 'a street, richly lit', {id: 'rs_2'}, '', () => true).id, made.id, 'same text and videos, same id');
	t.not(enhancedPrompt(original, 'other text', {id: 'rs_1'}, '', () => false).id, made.id);
	t.throws(() => enhancedPrompt(original, 'x'.repeat(10_001), {id: 'rs_1'}, '', () => false), {message: /the upsampled prompt is 10,001 characters/});
});

test('enhanceRun: one GPU, enhance with no prompt yet', t => {
	const run = enhanceRun(original, {id: 'rs_1', created_at: '2026-01-01T00:00:00.000Z', priority: 3, host: 'h', control_weights: {...DEFAULT_WEIGHTS}, parameters: {...DEFAULT_PARAMETERS, num_gpus: 4}});
	t.is(run.parameters.num_gpus, 1);
	t.deepEqual(run.enhance, {prompt_id: null});
	t.like(run, {status: 'queued', prompt_id: 'ps_original', priority: 3, host: 'h'});
});

/** The fake host's upsampler: output.txt holds what it printed (`stdout` of the run's prompt text). */
function upsamplerHost(f: ServiceFixture, stdout: (prompt: string) => string | null): void {
	const follow = f.executor.follow.bind(f.executor);
	f.executor.follow = async (handle, job, events, options) => {
		const result = await follow(handle, job, events, options);
		if (!job.run.enhance || result.status !== 'success') return result;
		const text = stdout(job.prompt.prompt_text);
		if (text === null) return {...result, outputs: {dir: job.outputDir}};
		await mkdir(job.outputDir, {recursive: true});
		const file = path.join(job.outputDir, 'output.txt');
		await writeFile(file, text);
		return {...result, outputs: {dir: job.outputDir, prompt_text: file}};
	};
}

test('an enhance run makes a new linked prompt from the upsampled text; the original stays; again: numbered name', async t => {
	const f = await fixtureFor(t);
	upsamplerHost(f, prompt => `[06-07 10:00:00|INFO|upsampler.py:58:__init__] loading\nUpsampled prompt: ${prompt}, in golden light.\nWith a second line.\n`);
	const {prompt} = await f.service.createPrompt({text: 'a harbour at dawn', videoDir: f.inputs, negative: 'ugly'});
	const before = f.service.getPrompt(prompt.id);
	const run = await f.service.enhancePrompt(prompt.id, {priority: 2});
	t.deepEqual(run.enhance, {prompt_id: null});
	t.is(run.parameters.num_gpus, 1);
	const done = await f.runToEnd(run.id);
	t.is(done.status, 'success', done.error_message ?? '');
	t.is(done.upsampled_prompt, 'a harbour at dawn, in golden light.\nWith a second line.');
	const made = f.service.getPrompt(done.enhance!.prompt_id!);
	t.not(made.id, prompt.id);
	t.like(made, {name: `${prompt.name} (enhanced)`, prompt_text: 'a harbour at dawn, in golden light.\nWith a second line.', negative_prompt: 'ugly', video_dir: prompt.video_dir});
	t.deepEqual(made.inputs, prompt.inputs);
	t.deepEqual(made.enhanced_from, {prompt_id: prompt.id, run_id: run.id});
	t.deepEqual(f.service.getPrompt(prompt.id), before, 'the original is never overwritten');
	t.is(f.executor.launched.at(-1)!.gpus.length, 1);

	upsamplerHost(f, promptText => `Upsampled prompt: ${promptText} (take two)\n`);
	const second = await f.runToEnd((await f.service.enhancePrompt(prompt.id)).id);
	t.is(f.service.getPrompt(second.enhance!.prompt_id!).name, `${prompt.name} (enhanced 2)`);
});

test('an enhance run whose upsampler printed no text fails saying so, and makes no prompt', async t => {
	const f = await fixtureFor(t);
	upsamplerHost(f, () => 'INFO loading\nnothing useful\n');
	const {prompt} = await f.service.createPrompt({text: 'a quiet park', videoDir: f.inputs});
	const done = await f.runToEnd((await f.service.enhancePrompt(prompt.id)).id);
	t.is(done.status, 'failed');
	t.is(done.error_message, NO_UPSAMPLED_TEXT_HINT);
	t.deepEqual(done.enhance, {prompt_id: null});
	t.is(f.service.listPrompts().length, 1);

	upsamplerHost(f, () => null);
	const noFile = await f.runToEnd((await f.service.enhancePrompt(prompt.id)).id);
	t.is(noFile.status, 'failed');
	t.is(f.service.listPrompts().length, 1);
});

test('enhance of an unknown prompt is refused before anything is queued', async t => {
	const f = await fixtureFor(t);
	await t.throwsAsync(() => f.service.enhancePrompt('ps_nothere'), {instanceOf: NotFoundError, message: 'no prompt ps_nothere'});
	t.is(f.service.listRuns().length, 0);
});
