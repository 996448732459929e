// The enhance toggle of the launch / rerun form, driven by keys on a real service: off on a launch
// until turned on, then the queued run asks for the prompt upsampler (enhance_prompt); on a rerun of
// an enhanced run it starts on, and a sweep typed into the form enhances every run.
import {appTest} from './helpers/app-test.js';
import {KEYS, renderApp} from './helpers/render-app.js';

const test = appTest();

/** The toggle's row: `enhance  ◀  on ▶` while focused (the value right-aligned in its column). */
const enhanceRow = (value: 'on' | 'off') => new RegExp(`› enhance\\s+◀\\s+${value} ▶`);

test.serial('the launch form: enhance shows with the parameters, off; → turns it on and the queued run is enhanced', async t => {
	const {fixture} = t.context;
	const {prompt} = await fixture.service.createPrompt({text: 'a wet street at night', videoDir: fixture.inputs});
	const app = (t.context.app = await renderApp(fixture, {columns: 150, rows: 40}));
	await app.press('1', 'r');
	await app.waitFor(frame => frame.includes(`Run ${prompt.name}`) && frame.includes('enhance off ...'), 'the launch form, enhance off in the folded parameters');
	t.false(/ enhance\s+◀?\s+off/.test(app.frame()), 'no enhance row before the parameters show');
	await app.press('a', KEYS.up);
	await app.waitFor(frame => enhanceRow('off').test(frame) && frame.includes('the prompt upsampler rewrites the text first'), 'the toggle focused, off, with its hint');
	await app.press(KEYS.right);
	await app.waitFor(frame => enhanceRow('on').test(frame), 'turned on');
	t.is(fixture.service.listRuns().length, 0, 'nothing queued yet');
	await app.press(KEYS.enter);
	await app.waitFor(frame => /rs_\w+ queued; it starts when GPUs are free/.test(frame) && !frame.includes(`Run ${prompt.name}`), 'queued, the form closed');
	const runs = fixture.service.listRuns();
	t.is(runs.length, 1);
	t.true(runs[0]!.enhance_prompt, 'the queued run asks for the prompt upsampler');
	t.is(runs[0]!.prompt_id, prompt.id);
});

test.serial('the rerun form of an enhanced run starts with enhance on; a sweep typed into it enhances every run', async t => {
	const {fixture} = t.context;
	const {prompt} = await fixture.service.createPrompt({text: 'a wet street at night', videoDir: fixture.inputs});
	const parent = await fixture.service.createRun(prompt.id, {enhance: true});
	const app = (t.context.app = await renderApp(fixture, {columns: 150, rows: 40}));
	await app.waitFor(frame => frame.includes(`${parent.id} queued`));
	await app.press('e');
	await app.waitFor(frame => frame.includes(`Rerun ${parent.id}`) && frame.includes('enhance on ...'), 'the rerun form, enhance inherited');
	await app.press(...'0.2,0.6', KEYS.enter);
	await app.waitFor(frame => /sweep sw_\w+: 2 runs queued/.test(frame), 'the sweep queued');
	const sweepId = /sweep (sw_\w+): 2 runs queued/.exec(app.frame())![1]!;
	const {runs} = fixture.service.getSweepWithRuns(sweepId);
	t.deepEqual(runs.map(run => [run.control_weights.vis, run.enhance_prompt, run.parent_run_id]), [
		[0.2, true, parent.id],
		[0.6, true, parent.id],
	]);
});
