// The queue watch: the queue view read from the store when it changes, a worker started while runs
// wait and no process holds the dispatcher lease, and each host's connection.
import test from 'ava';
import {QueueWatch} from '../../source/ui/data/queue-watch.js';
import {serviceFixture} from '../helpers/service.js';
import {waitFor} from './helpers/wait-for.js';

test('starts a worker on start, and again while runs wait with none holding the lease', async t => {
	const fixture = await serviceFixture();
	const prompt = (await fixture.service.createPrompt({text: 'a wet street', videoDir: fixture.inputs})).prompt;
	const run = await fixture.service.createRun(prompt.id);
	let starts = 0;
	const ensureWorker = fixture.service.ensureWorker.bind(fixture.service);
	fixture.service.ensureWorker = () => {
		starts++;
		return ensureWorker();
	};
	const watch = new QueueWatch(fixture.service, () => {}, {watchMs: 10});
	const here: boolean[] = [];
	watch.onWorkerHere(value => here.push(value));
	watch.start();
	await waitFor(() => watch.getSnapshot().view?.queued[0]?.run.id === run.id);
	await waitFor(() => starts >= 3, {message: () => `${starts} starts`});
	t.deepEqual(here, [false], 'told once where the worker runs: not here');
	await waitFor(() => watch.getSnapshot().connections['fake']?.kind === 'connected');

	fixture.startWorker();
	await fixture.waitForRun(run.id, current => current.status === 'success');
	await waitFor(() => watch.getSnapshot().view?.worker !== null && watch.getSnapshot().view?.queued.length === 0);
	t.deepEqual(here, [false, true], 'the dispatcher is in this process now (as in tests)');
	watch.close();
	await fixture.cleanup();
});

test('no GPU host configured: the snapshot says so, and nothing is dispatched', async t => {
	const fixture = await serviceFixture({hosts: []});
	const watch = new QueueWatch(fixture.service);
	watch.start();
	await waitFor(() => watch.getSnapshot().noHost !== null);
	t.regex(watch.getSnapshot().noHost!, /^no GPU host configured/);
	watch.close();
	await fixture.cleanup();
});
