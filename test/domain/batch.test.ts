// Which queued runs can share one process, and how a queue is cut into batches.
import test from 'ava';
import {batchKey, batchLabel, batchLimit, batchText, groupBatches} from '../../source/domain/batch.js';
import {DEFAULT_PARAMETERS, DEFAULT_WEIGHTS, type Run, newRun} from '../../source/domain/model.js';

const prompt = {negative_prompt: 'blurry'};
const run = (id: string, change: Partial<Run> = {}): Run => newRun({id, prompt_id: 'ps_1', created_at: '2026-01-01T00:00:00.000Z', ...change});
const params = (change: Partial<Run['parameters']>) => ({parameters: {...DEFAULT_PARAMETERS, ...change}});

test('runs that differ only in weights (same controls on) share a key; prompts and videos may differ', t => {
	const a = run('a', {control_weights: {...DEFAULT_WEIGHTS, vis: 0.1}});
	const b = run('b', {prompt_id: 'ps_2', control_weights: {...DEFAULT_WEIGHTS, vis: 0.9}});
	t.is(batchKey(a, prompt), batchKey(b, prompt));
});

test('what one process shares splits batches: negative prompt, each parameter, GPU count, enhance, controls on, host', t => {
	const base = batchKey(run('a'), prompt);
	const others: Array<[string, string | null]> = [
		['negative prompt', batchKey(run('b'), {negative_prompt: 'other'})],
		['steps', batchKey(run('b', params({num_steps: 36})), prompt)],
		['guidance', batchKey(run('b', params({guidance: 6})), prompt)],
		['seed', batchKey(run('b', params({seed: 2})), prompt)],
		['fps', batchKey(run('b', params({fps: 30})), prompt)],
		['sigma_max', batchKey(run('b', params({sigma_max: 80})), prompt)],
		['blur', batchKey(run('b', params({blur_strength: 'high'})), prompt)],
		['canny', batchKey(run('b', params({canny_threshold: 'low'})), prompt)],
		['gpus', batchKey(run('b', params({num_gpus: 2})), prompt)],
		['enhance', batchKey(run('b', {enhance_prompt: true}), prompt)],
		['controls on', batchKey(run('b', {control_weights: {...DEFAULT_WEIGHTS, seg: 0}}), prompt)],
		['host', batchKey(run('b', {host: 'gpu-2'}), prompt)],
	];
	for (const [what, key] of others) t.not(key, base, what);
});

test('an upscale is never batched', t => {
	t.is(batchKey(run('a', {upscale: {control_weight: 0.5, input: {path: '/o.mp4', sha256: 'a'.repeat(64), size: 1, mtime_ms: 0}}}), prompt), null);
});

test('groups keep queue order, fill up to the limit, and leave keyless runs alone', t => {
	const queue = ['a1', 'b1', 'a2', 'x', 'a3', 'b2', 'a4'].map(id => run(id));
	const key = (r: Run) => (r.id === 'x' ? null : r.id[0]!);
	const ids = (groups: Run[][]) => groups.map(group => group.map(r => r.id));
	t.deepEqual(ids(groupBatches(queue, key, () => 3)), [['a1', 'a2', 'a3'], ['b1', 'b2'], ['x'], ['a4']]);
	t.deepEqual(ids(groupBatches(queue, key, () => 1)), queue.map(r => [r.id]), 'a limit of 1: no batches');
	t.deepEqual(ids(groupBatches(queue, key, r => (r.id.startsWith('b') ? 1 : 8))), [['a1', 'a2', 'a3', 'a4'], ['b1'], ['x'], ['b2']]);
});

test('a batch spreads over the GPU sets free now, up to batch_max', t => {
	t.is(batchLimit(6, 2, 8), 3, 'six runs, two free GPUs: two batches of three');
	t.is(batchLimit(6, 1, 8), 6);
	t.is(batchLimit(20, 1, 8), 8, 'at most batch_max');
	t.is(batchLimit(6, 0, 8), 6, 'nothing free: full batches wait');
	t.is(batchLimit(3, 5, 8), 1, 'more free GPUs than runs: one each');
	t.is(batchLimit(6, 1, 1), 1, 'batch_max 1: no batches');
});

test('a run\'s place in its batch, short and long', t => {
	t.is(batchLabel({id: 'rs_a', index: 1, size: 4}), 'batch 2/4');
	t.is(batchText({id: 'rs_a', index: 0, size: 2}, 'rs_a'), 'sample 1 of 2: one process with 1 other run, named after this run');
	t.is(batchText({id: 'rs_a', index: 2, size: 3}, 'rs_c'), 'sample 3 of 3: one process with 2 other runs, named after rs_a');
});
