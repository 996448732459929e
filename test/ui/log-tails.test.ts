// Which runs' logs the UI tails (service.streamRun): active runs it shows, at most a few at once,
// none while the dispatcher runs in this process, all let go on detach.
import test from 'ava';
import {newRun, type Run, type RunStatus} from '../../source/domain/model.js';
import {TypedEmitter, type ServiceEvents} from '../../source/service/events.js';
import {LogStore} from '../../source/ui/data/log-store.js';
import {LogTails} from '../../source/ui/data/log-tails.js';
import {waitFor} from './helpers/wait-for.js';

function setup() {
	const events = new TypedEmitter<ServiceEvents>();
	const streams: Array<{id: string; from: number; signal: AbortSignal; end: () => void}> = [];
	const service = {
		files: {countLogLines: async () => 3},
		streamRun: (id: string, from: number, options: {signal?: AbortSignal} = {}) =>
			new Promise<Run>(resolve => {
				const end = () => resolve(newRun({id, prompt_id: 'ps_1', created_at: '2026-01-01T00:00:00.000Z', status: 'success'}));
				options.signal?.addEventListener('abort', end, {once: true});
				streams.push({id, from, signal: options.signal!, end});
			}),
	};
	const logs = new LogStore({events, readLogTail: async () => ['one', 'two', 'three']});
	const notices: string[] = [];
	const tails = new LogTails(service, logs, text => notices.push(text), 2);
	const show = (id: string, status: RunStatus = 'running') => tails.show({id, status});
	return {events, streams, logs, tails, show, notices};
}

test('an active run shown is tailed from its last saved line once the queue was read; an ended one is not', async t => {
	const {streams, tails, show, logs} = setup();
	show('rs_a');
	t.deepEqual(tails.tailedIds(), [], 'where the worker runs is not known yet');
	tails.setWorkerHere(false);
	await waitFor(() => streams.length === 1);
	t.like(streams[0], {id: 'rs_a', from: 3});
	show('rs_done', 'success');
	await waitFor(() => logs.view('rs_done')?.state === 'ready');
	t.deepEqual(tails.tailedIds(), ['rs_a'], 'an ended run: its saved log only');
	show('rs_queued', 'queued');
	await waitFor(() => logs.view('rs_queued')?.state === 'ready');
	t.deepEqual(tails.tailedIds(), ['rs_a'], 'a queued run has no log yet');
	show('rs_queued', 'launching');
	await waitFor(() => streams.length === 2);
	t.is(streams[1]!.id, 'rs_queued', 'shown again as it starts: tailed');
	logs.close();
});

test('at most `max` tails: the least recently shown is let go; a tail ends with its run', async t => {
	const {streams, tails, show, logs} = setup();
	tails.setWorkerHere(false);
	show('rs_a');
	show('rs_b');
	await waitFor(() => streams.length === 2);
	show('rs_a');
	show('rs_c');
	await waitFor(() => streams.length === 3);
	t.deepEqual(tails.tailedIds().sort(), ['rs_a', 'rs_c']);
	t.true(streams.find(stream => stream.id === 'rs_b')!.signal.aborted, 'rs_b, shown least recently, was let go');
	streams.find(stream => stream.id === 'rs_c')!.end();
	await waitFor(() => !tails.tailedIds().includes('rs_c'));
	t.deepEqual(tails.tailedIds(), ['rs_a']);
	logs.close();
});

test('a dispatcher in this process stops the tails (its events carry the lines); detach lets all go', async t => {
	const {streams, tails, show, logs} = setup();
	tails.setWorkerHere(false);
	show('rs_a');
	await waitFor(() => streams.length === 1);
	tails.setWorkerHere(true);
	t.true(streams[0]!.signal.aborted);
	show('rs_b');
	t.deepEqual(tails.tailedIds(), []);
	tails.setWorkerHere(false);
	show('rs_b');
	await waitFor(() => streams.length === 2);
	await tails.detach();
	t.true(streams[1]!.signal.aborted);
	show('rs_c');
	t.deepEqual(tails.tailedIds(), [], 'nothing new after detach');
	logs.close();
});
