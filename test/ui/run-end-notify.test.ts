// The UI tells the terminal once when a run ends while it is open, and never for runs that had
// ended before it started.
import test from 'ava';
import {createRuntime, startRuntime} from '../../source/ui/data/runtime.js';
import {serviceFixture} from '../helpers/service.js';
import {seed, working} from './helpers/runs.js';
import {waitFor} from './helpers/wait-for.js';

test('a run that ends while the UI is open gives exactly one notification', async t => {
	const fixture = await serviceFixture();
	t.teardown(() => fixture.cleanup());
	const {street} = await seed(fixture); // three runs that ended before the UI started
	const written: string[] = [];
	const runtime = createRuntime({service: fixture.service, terminal: {write: sequence => written.push(sequence), env: {}, notify: 'osc9'}});
	startRuntime(runtime);
	t.teardown(async () => {
		await runtime.tails.detach();
		runtime.close();
	});
	// Updates of runs that had already ended (as a late download would write) ring nothing.
	const before = fixture.service.listRuns({promptId: street.id});
	await fixture.store.write(tx => {
		for (const run of before) tx.update('runs', run.id, {metrics: {...run.metrics, touched: 1}});
	});
	await working(fixture);
	const run = await fixture.service.createRun(street.id);
	const ended = await fixture.waitForRun(run.id, current => current.status === 'success');
	await waitFor(() => written.length > 0, {message: () => 'no notification'});
	// A later update of the ended run does not ring again (the notifier heard it before this listener).
	const heard = new Promise<void>(resolve => {
		const off = fixture.service.events.on('run-updated', current => {
			if (current.id !== run.id || current.metrics['touched'] !== 2) return;
			off();
			resolve();
		});
	});
	await fixture.store.write(tx => tx.update('runs', run.id, {metrics: {...ended.metrics, touched: 2}}));
	await heard;
	t.deepEqual(written, [`\u001B]9;cosmos-tui: ${run.id} success: ${street.name}\u0007`]);
});

test('a queued run cancelled while the UI is open notifies too; notify off writes nothing', async t => {
	const fixture = await serviceFixture();
	t.teardown(() => fixture.cleanup());
	const {prompt} = await fixture.service.createPrompt({text: 'a harbour at dawn', videoDir: fixture.inputs});
	const written: Record<'osc777' | 'off', string[]> = {osc777: [], off: []};
	for (const notify of ['osc777', 'off'] as const) {
		const runtime = createRuntime({service: fixture.service, terminal: {write: sequence => written[notify].push(sequence), env: {}, notify}});
		startRuntime(runtime);
		t.teardown(async () => {
			await runtime.tails.detach();
			runtime.close();
		});
	}
	const run = await fixture.service.createRun(prompt.id); // no worker: it stays queued
	const cancelled = await fixture.service.cancelRun(run.id);
	t.is(cancelled.status, 'cancelled');
	await waitFor(() => written.osc777.length > 0, {message: () => 'no notification'});
	t.deepEqual(written.osc777, [`\u001B]777;notify;cosmos-tui;${run.id} cancelled: ${prompt.name}\u0007`]);
	t.deepEqual(written.off, []);
});
