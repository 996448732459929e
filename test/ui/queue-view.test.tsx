// The queue view (4), driven by keys on a real service: moving queued runs, cancelling one after
// asking, pausing a host, and a queued run starting when the GPU it waits for frees.
import anyTest, {type TestFn} from 'ava';
import type {Prompt} from '../../source/domain/model.js';
import {serviceFixture, type ServiceFixture} from '../helpers/service.js';
import {KEYS, renderApp, type RenderedApp} from './helpers/render-app.js';
import {runningRun} from './helpers/runs.js';
import {waitFor} from './helpers/wait-for.js';

const test = anyTest as TestFn<{fixture: ServiceFixture; app?: RenderedApp; release: Array<() => void>}>;

test.beforeEach(t => {
	t.context.release = [];
});

test.afterEach.always(async t => {
	await t.context.app?.dispose();
	for (const release of t.context.release) release();
	await t.context.fixture.cleanup();
});

async function prompt(fixture: ServiceFixture): Promise<Prompt> {
	return (await fixture.service.createPrompt({text: 'a wet street at night', videoDir: fixture.inputs})).prompt;
}

/** Queued runs and no worker: they stay queued, in submission order. */
async function queued(fixture: ServiceFixture, count: number): Promise<string[]> {
	const {id} = await prompt(fixture);
	const ids: string[] = [];
	for (let i = 0; i < count; i++) ids.push((await fixture.service.createRun(id)).id);
	return ids;
}

const order = (fixture: ServiceFixture) => fixture.service.queueView().queued.map(entry => entry.run.id);

/** The run the details strip describes, and its place in the queue: "rs_… queued" and "#2 in the queue". */
const selected = (frame: string) => {
	const id = /^(rs_\w+) queued\b/m.exec(frame)?.[1] ?? null;
	const position = /^#(\d+) in the queue/m.exec(frame)?.[1];
	return {id, position: position === undefined ? null : Number(position)};
};

test.serial('K/J, shift-up/down, T and B move the selected queued run, which stays selected', async t => {
	t.context.fixture = await serviceFixture();
	const {fixture} = t.context;
	const [r1, r2, r3, r4] = await queued(fixture, 4);
	const app = (t.context.app = await renderApp(fixture, {columns: 140, rows: 32}));
	await app.press('4');
	await app.waitFor(frame => frame.includes('Queued (4)') && frame.includes('4 queued · 0 active'));
	t.regex(app.frame(), new RegExp(`1  ${r1}  any host +1  now +starts next on fake GPU 0`), 'position, host, GPUs, expected start and why');
	t.regex(app.frame(), new RegExp(`3  ${r3}  any host +1  \\? +waiting for 1 GPU\\(s\\): fake: 0 of 2 free`), 'no finished run yet: its start is unknown');

	await app.press('K');
	await app.waitFor(frame => frame.includes('a host: only a queued run can move'), 'the host row cannot move: the bar says why');
	await app.press('G');
	await app.waitFor(frame => selected(frame).id === r4 && selected(frame).position === 4);
	await app.press('K');
	await waitFor(() => order(fixture).join() === [r1, r2, r4, r3].join(), {message: () => order(fixture).join()});
	await app.waitFor(frame => selected(frame).id === r4 && selected(frame).position === 3, 'K moved it up; still selected');
	await app.press(KEYS.shiftUp);
	await app.waitFor(frame => selected(frame).id === r4 && selected(frame).position === 2, 'shift-up too');
	await app.press('T');
	await app.waitFor(frame => selected(frame).id === r4 && selected(frame).position === 1, 'T to the top');
	t.deepEqual(order(fixture), [r4, r1, r2, r3]);
	await app.press('B');
	await app.waitFor(frame => selected(frame).id === r4 && selected(frame).position === 4, 'B to the bottom');
	await app.press('k', 'J');
	await app.waitFor(frame => selected(frame).id === r3 && selected(frame).position === 4, 'J moves down');
	await app.press(KEYS.shiftDown);
	await app.waitFor(frame => frame.includes('Queued (4)'));
	t.deepEqual(order(fixture), [r1, r2, r4, r3], 'shift-down at the bottom changes nothing');
});

test.serial('x cancels a queued run after asking: No first, then y; it leaves the queue', async t => {
	t.context.fixture = await serviceFixture();
	const {fixture} = t.context;
	const [first, second] = await queued(fixture, 2);
	const app = (t.context.app = await renderApp(fixture));
	await app.press('4', 'j');
	await app.waitFor(frame => selected(frame).id === first);
	await app.press('x');
	await app.waitFor(frame => frame.includes('Cancel run') && frame.includes(`Cancel run ${first}?`) && frame.includes('It leaves the queue'));
	await app.press('x', KEYS.enter);
	await app.waitFor(frame => !frame.includes('Cancel run') && frame.includes('Queued (2)'), 'x again and Enter (No) left it queued');
	t.is(fixture.service.getRun(first!).status, 'queued');
	await app.press('x');
	await app.waitFor(frame => frame.includes('Cancel run'));
	await app.press('y');
	await app.waitFor(frame => frame.includes(`${first} left the queue`) && frame.includes('Queued (1)'));
	t.is(fixture.service.getRun(first!).status, 'cancelled');
	t.deepEqual(order(fixture), [second]);
	await app.waitFor(frame => selected(frame).id === second && selected(frame).position === 1, 'the next run took its place');
});

test.serial('p pauses and resumes the host under the cursor; a queued run says it waits for it', async t => {
	t.context.fixture = await serviceFixture();
	const {fixture} = t.context;
	const [run] = await queued(fixture, 1);
	const app = (t.context.app = await renderApp(fixture));
	const bar = () => app.frame().trimEnd().split('\n').at(-1) ?? '';
	await app.press('4');
	await app.waitFor(frame => /fake +● ready +2 of 2 free/.test(frame), 'the host row, selected first');
	await app.waitFor(() => bar().includes('p pause/resume') && !bar().includes('move up') && !bar().includes('x cancel'), 'the bar shows only what applies to a host');
	await app.press('p');
	await app.waitFor(frame => frame.includes('fake paused: its runs go on; nothing new starts there') && /fake +● paused/.test(frame));
	t.true(fixture.service.queueView().hosts[0]!.paused);
	await app.waitFor(frame => frame.includes('needs 1 GPU(s): fake is paused') && /^cosmos-tui fake ● paused/m.test(frame), 'the queue and the header say so');
	await app.press('j');
	await app.waitFor(() => bar().includes('K/S-↑ move up') && bar().includes('x cancel') && !bar().includes('pause/resume'), 'and to a queued run for any host');
	await app.press('p');
	await app.waitFor(frame => frame.includes(`${run} may go to any host: select a host row to pause one`), 'p there says why not');
	await app.press('k', 'p');
	await app.waitFor(frame => frame.includes('fake resumed') && frame.includes('starts next on fake GPU 0'));
	t.false(fixture.service.queueView().hosts[0]!.paused);
});

test.serial('a queued run starts when the GPU it waits for frees; the queue view and the header follow', async t => {
	t.context.fixture = await serviceFixture({hosts: [{name: 'fake', gpus: 1}]});
	const {fixture} = t.context;
	const first = await runningRun(fixture, ['loading models', 'Starting diffusion sampling']);
	t.context.release.push(first.release);
	const second = await fixture.service.createRun(first.prompt.id);
	const app = (t.context.app = await renderApp(fixture, {columns: 140, rows: 32}));
	const short = (id: string) => id.slice(0, 9);
	await app.waitFor(frame => frame.includes(`fake ● 0:${short(first.run.id)}`) && frame.includes('○1 queued') && frame.includes('●1 running'), 'the header: the GPU and its run, the counts');
	await app.press('4');
	await app.waitFor(frame => frame.includes('Launching and running (1)') && frame.includes(`${first.run.id}  running`) && frame.includes('on fake GPU 0'));
	await app.waitFor(frame => new RegExp(`1  ${second.id}  any host +1  .+waiting for 1 GPU\\(s\\): fake: 0 of 1 free`).test(frame), 'it waits for the GPU');
	first.release();
	await fixture.waitForRun(second.id, run => run.status === 'success');
	await app.waitFor(frame => frame.includes('Queued (0)') && frame.includes('Launching and running (0)') && frame.includes('fake ● 0:free'), 'both done, the GPU free');
	t.is(fixture.executor.launched.length, 2);
	t.deepEqual(fixture.executor.launched.map(job => job.gpus), [[0], [0]]);
});
