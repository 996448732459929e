// A batch's interleaved log, split into each run's share: its sample's lines and the shared
// (model-loading) lines, marked; each run's own progress; replayed lines only move state.
import test from 'ava';
import {SHARED_LOG_MARK} from '../../source/domain/batch.js';
import {createBatchRouter, createSampleSplitter} from '../../source/executor/batch-log.js';
import type {ExecutorEvents} from '../../source/executor/executor.js';

const info = (message: string) => `[12-02 10:00:00|INFO|cosmos_transfer1/diffusion/inference/transfer.py:1:demo] ${message}`;

const MARKED = [
	info('Loading ctrl model from ckpt_path: checkpoints/vis_control.pt'),
	info('[1/2] Processing sample video_0'),
	info('running preprocessor'),
	'  0%|          | 0/1 [00:00<?, ?it/s]',
	info('Saved video to out/video_0/output.mp4'),
	info('[2/2] Processing sample video_1'),
	info('running preprocessor'),
	info('Saved video to out/video_1/output.mp4'),
];

test('with [i/N] markers: lines before the first are shared, then each belongs to its sample', t => {
	const sampleOf = createSampleSplitter(2);
	t.deepEqual(MARKED.map(sampleOf), [null, 0, 0, 0, 0, 1, 1, 1]);
});

test('without markers (upstream Transfer1, batch size 1) each "running preprocessor" starts the next sample', t => {
	const sampleOf = createSampleSplitter(3);
	const lines = [info('Loading ctrl model'), info('running preprocessor'), info('Saved video to out/video_0/output.mp4'), info('running preprocessor'), info('Generated video 0 is not safe'), info('running preprocessor'), info('done')];
	t.deepEqual(lines.map(sampleOf), [null, 0, 0, 1, 1, 2, 2]);
});

function recorder() {
	const lines: string[] = [];
	const messages: string[] = [];
	const events: ExecutorEvents = {log: line => lines.push(line), progress: update => messages.push(update.message)};
	return {lines, messages, events};
}

test('each run gets its share of the log, shared lines marked; the whole log goes to the batch', t => {
	const whole = recorder();
	const runs = [recorder(), recorder()];
	const router = createBatchRouter(whole.events, runs.map(run => run.events));
	for (const line of MARKED) router.events.log(line);
	t.deepEqual(whole.lines, MARKED);
	t.deepEqual(runs[0]!.lines, [`${SHARED_LOG_MARK}${MARKED[0]}`, ...MARKED.slice(1, 5)]);
	t.deepEqual(runs[1]!.lines, [`${SHARED_LOG_MARK}${MARKED[0]}`, ...MARKED.slice(5)]);
	t.true(runs[1]!.messages.some(message => message.includes('sample 1 of 2 is running')), 'the second run hears it waits');
	t.is(runs[0]!.messages.at(-1), 'its sample is done; the batch goes on (sample 2 of 2 is running)', 'the first hears its sample is done');
	t.true(router.started(0) && router.started(1));
	t.deepEqual(router.tail(1), [MARKED[0], ...MARKED.slice(5)]);
});

test('replayed lines (a reattached follower) move the split but are not shown again', t => {
	const whole = recorder();
	const runs = [recorder(), recorder()];
	const router = createBatchRouter(whole.events, runs.map(run => run.events));
	for (const line of MARKED.slice(0, 6)) router.events.replay!(line);
	for (const line of MARKED.slice(6)) router.events.log(line);
	t.deepEqual(runs[0]!.lines, []);
	t.deepEqual(runs[1]!.lines, MARKED.slice(6), 'the lines after the replay go to sample 2, where the replay left off');
	t.true(router.started(0), 'sample 1 began before the reattachment');
});
