import test from 'ava';
import type {Run} from '../../source/domain/model.js';
import {TypedEmitter, type ServiceEvents} from '../../source/service/events.js';
import {LogStore} from '../../source/ui/data/log-store.js';
import {waitFor} from './helpers/wait-for.js';

function feed(saved: Record<string, string[]> = {}) {
	const events = new TypedEmitter<ServiceEvents>();
	const reads: Array<{id: string; resolve: () => void}> = [];
	return {
		events,
		reads,
		/** Tail reads wait until the test lets them finish, to put live lines in between. */
		readLogTail: (id: string, lines: number) =>
			new Promise<string[]>(resolve => {
				reads.push({id, resolve: () => resolve((saved[id] ?? []).slice(-lines))});
			}),
	};
}

const texts = (store: LogStore, id: string) => {
	const source = store.view(id)!.source;
	const out: string[] = [];
	for (let seq = source.startSeq; seq < source.endSeq; seq++) out.push(source.at(seq)!.text);
	return out;
};

test('a burst of lines is announced once per flush, not once per line', async t => {
	const log = feed();
	const store = new LogStore(log, {flushMs: 20});
	let notified = 0;
	store.subscribe(() => notified++);
	for (let i = 0; i < 1000; i++) log.events.emit('log', {runId: 'rs_1', line: `line ${i}`});
	t.is(notified, 0, 'nothing yet: the flush is pending');
	await waitFor(() => notified > 0);
	t.is(notified, 1);
	t.is(store.view('rs_1')!.origin, 'live');
	t.is(texts(store, 'rs_1').length, 1000);
	store.close();
});

test('the window is bounded: the oldest lines fall off', t => {
	const log = feed();
	const store = new LogStore(log, {capacity: 100});
	for (let i = 0; i < 250; i++) log.events.emit('log', {runId: 'rs_1', line: `line ${i}`});
	const lines = texts(store, 'rs_1');
	t.is(lines.length, 100);
	t.is(lines[0], 'line 150');
	t.is(store.view('rs_1')!.source.startSeq, 150);
	store.close();
});

test('a saved log read while live lines arrive is joined without repeats', async t => {
	const log = feed({rs_1: ['one', 'two', 'three']});
	const store = new LogStore(log);
	const opened = store.open('rs_1');
	t.is(store.view('rs_1')!.state, 'loading');
	log.events.emit('log', {runId: 'rs_1', line: 'three'}); // already on disk when the read happened
	log.events.emit('log', {runId: 'rs_1', line: 'four'});
	log.reads[0]!.resolve();
	await opened;
	t.deepEqual(texts(store, 'rs_1'), ['one', 'two', 'three', 'four']);
	t.is(store.view('rs_1')!.source.at(0)!.at, null, 'saved lines have no arrival time');
	t.not(store.view('rs_1')!.source.at(3)!.at, null);
	store.close();
});

test('logs of ended runs are dropped when enough other logs were opened', async t => {
	const log = feed({});
	const store = new LogStore(log, {keepSaved: 1});
	log.events.emit('log', {runId: 'rs_live', line: 'hello'});
	log.events.emit('run-updated', {id: 'rs_live', status: 'success'} as Run);
	for (const id of ['rs_a', 'rs_b']) {
		const opened = store.open(id);
		log.reads.at(-1)!.resolve();
		await opened;
	}
	t.is(store.view('rs_live'), null, 'the ended run, least recently used, was dropped');
	t.truthy(store.view('rs_a'), 'one other is kept');
	t.truthy(store.view('rs_b'), 'and the one just opened');
	store.close();
});
