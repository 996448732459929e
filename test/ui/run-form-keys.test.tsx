// The launch form driven by keys on the whole screen: a value the CLI refuses stays as typed with
// the CLI's message, Enter refuses to queue naming the field, and more GPUs than the host has is
// refused before anything is submitted.
import anyTest, {type TestFn} from 'ava';
import {serviceFixture, type ServiceFixture} from '../helpers/service.js';
import {KEYS, renderApp, type RenderedApp} from './helpers/render-app.js';
import {waitFor} from './helpers/wait-for.js';

const test = anyTest as TestFn<{fixture: ServiceFixture; app?: RenderedApp}>;

test.beforeEach(async t => {
	t.context.fixture = await serviceFixture({hosts: [{name: 'sandbox', gpus: 2}]});
});

test.afterEach.always(async t => {
	await t.context.app?.dispose();
	await t.context.fixture.cleanup();
});

async function openLaunchForm(t: {context: {fixture: ServiceFixture; app?: RenderedApp}}): Promise<RenderedApp> {
	const {fixture} = t.context;
	await fixture.service.createPrompt({text: 'a street at night', videoDir: fixture.inputs});
	const app = (t.context.app = await renderApp(fixture));
	// The form takes the hosts' GPU counts from the queue view, read just after the first frame.
	await waitFor(() => app.runtime.queue.getSnapshot().view?.hosts[0]?.gpus != null, {message: () => 'the queue view never read the hosts'});
	await app.press('1', 'r');
	await app.waitFor(frame => frame.includes('The defaults; changed values are marked'), 'the launch form');
	return app;
}

test.serial('a weight out of range stays as typed with the CLI rule; Enter refuses and names the field', async t => {
	const app = await openLaunchForm(t);
	await app.press(KEYS.up, '1', '.', '5');
	await app.waitFor(frame => frame.includes('seg must be a number from 0 to 1'), 'said while typing');
	await app.press(KEYS.enter);
	await app.waitFor(frame => frame.includes('cannot queue: seg must be a number from 0 to 1'));
	t.regex(app.frame(), /seg\s+◀\s+1\.5 ▶/, 'not clamped to 1');
	t.is(t.context.fixture.service.listRuns().length, 0, 'nothing was queued');
	await app.press('-');
	await app.waitFor(frame => frame.includes('seg 1.5 is out of range; set to its maximum 1') && /seg\s+◀\s+1\.00 ▶/.test(frame));
	await app.press('+');
	await app.waitFor(frame => frame.includes('seg is at its maximum 1'), 'stepping at the bound says so');
});

test.serial('steps 5000 and more GPUs than the host has are refused before submitting', async t => {
	const app = await openLaunchForm(t);
	await app.press('a', KEYS.down, KEYS.down, KEYS.down, KEYS.down);
	await app.press('5', '0', '0', '0', KEYS.tab);
	await app.waitFor(frame => frame.includes('steps must be a whole number from 1 to 1000') && /steps\s+◀?\s+5000/.test(frame));
	await app.press(KEYS.shiftTab, KEYS.backspace, KEYS.backspace, KEYS.backspace, KEYS.backspace, '4', '0');
	// steps → guidance, seed, fps, sigma max, blur, canny, GPUs
	await app.press(...Array.from({length: 7}, () => KEYS.tab), '4');
	await app.waitFor(frame => frame.includes('a run asking for 4 GPU(s) cannot start: sandbox has 2') && !frame.includes('steps must be'));
	await app.press(KEYS.enter);
	await app.waitFor(frame => frame.includes('cannot queue: a run asking for 4 GPU(s) cannot start: sandbox has 2'));
	t.is(t.context.fixture.service.listRuns().length, 0, 'nothing was queued');
});
