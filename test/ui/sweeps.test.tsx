// Sweeps in the UI, driven by keys on a real service: a sweep's runs grouped under its row in the
// runs pane, the rerun form turning lists and ranges into a sweep, and the launch form refusing
// more GPUs than the host has.
import type {Prompt, Run} from '../../source/domain/model.js';
import {appTest} from './helpers/app-test.js';
import type {ServiceFixture} from '../helpers/service.js';
import {KEYS, renderApp} from './helpers/render-app.js';

const test = appTest();

/** A prompt with one queued run (no worker: everything stays queued). */
async function base(fixture: ServiceFixture): Promise<{prompt: Prompt; run: Run}> {
	const prompt = (await fixture.service.createPrompt({text: 'a wet street at night', videoDir: fixture.inputs})).prompt;
	return {prompt, run: await fixture.service.createRun(prompt.id)};
}

const runsPane = (frame: string) =>
	frame
		.split('\n')
		.map(line => /[│]([^│]*)[│]/.exec(line)?.[1] ?? '')
		.join('\n');

test.serial('the runs of a sweep show under one row for it; Enter folds and unfolds them', async t => {
	const {fixture} = t.context;
	const {run} = await base(fixture);
	const {sweep, runs} = await fixture.service.createSweep({from: run.id, axes: {vis: [0.1, 0.3, 0.5], edge: [0.2, 0.6]}, submit: {}, max: 64, dryRun: false});
	const app = (t.context.app = await renderApp(fixture, {columns: 150, rows: 32}));
	await app.waitFor(frame => frame.includes(`▾ ${sweep.id} · 6 runs · vis 0.1,0.3,0.5 × edge 0.2,0.6  ○6`) && frame.includes(`○ ${run.id}`), 'the sweep row');
	const rows = runsPane(app.frame()).split('\n');
	const at = rows.findIndex(row => row.includes(sweep.id));
	for (const [offset, member] of [...runs].reverse().entries()) t.regex(rows[at + 1 + offset] ?? '', new RegExp(`^  ○ ${member.id} queued`), 'each run under it, indented');
	t.regex(rows[at + 7] ?? '', new RegExp(`^○ ${run.id} queued`), 'the run it varies, on its own');
	await app.waitFor(frame => frame.includes(`varies ${run.id}`), 'the sweep row is selected first; the details strip describes it');
	await app.press('x');
	await app.waitFor(frame => frame.includes(`${sweep.id} is a sweep: select one of its runs`), 'run keys say why not');
	await app.press(KEYS.enter);
	await app.waitFor(frame => frame.includes(`▸ ${sweep.id} · 6 runs`) && !runs.some(member => frame.includes(member.id)), 'folded');
	await app.press(KEYS.enter);
	await app.waitFor(frame => frame.includes(`▾ ${sweep.id}`) && runs.every(member => frame.includes(member.id)), 'unfolded');
	await app.press('/', ...'sw_', KEYS.enter);
	await app.waitFor(frame => frame.includes('/sw_ (6 of 7)'), 'a filter on the sweep id keeps its runs');
});

test.serial('the rerun form turns lists and ranges into a sweep, with the grid size live and errors inline', async t => {
	const {fixture} = t.context;
	const {run} = await base(fixture);
	const app = (t.context.app = await renderApp(fixture, {columns: 150, rows: 40}));
	await app.waitFor(frame => frame.includes(`${run.id} queued`));
	await app.press('e');
	await app.waitFor(frame => frame.includes(`Rerun ${run.id}`) && frame.includes('one run · a list (0.2,0.6) or range'));
	await app.press(...'0.1:0.6:0.2');
	await app.waitFor(frame => frame.includes('0.1:0.6:0.2 does not reach 0.6; use 0.1:0.5:0.2 or 0.1:0.7:0.2'), 'the CLI rule, beside the field');
	await app.press(KEYS.enter);
	await app.waitFor(frame => frame.includes('vis: 0.1:0.6:0.2 does not reach 0.6'), 'Enter refuses it');
	t.is(fixture.service.listRuns().length, 1);
	await app.press(...Array.from({length: 5}, () => KEYS.backspace), ...'5:0.2');
	await app.waitFor(frame => /vis +◀ 0\.1:0\.5:0\.2▏ ▶ +\* 3 values/.test(frame) && frame.includes('sweep: 3 runs'));
	await app.press(KEYS.tab, ...'0.2,0.6');
	await app.waitFor(frame => frame.includes('sweep: 6 runs (vis 3 × edge 2)') && frame.includes('Enter queue 6 runs'), 'the grid size, live');
	await app.press(KEYS.enter);
	await app.waitFor(frame => /sweep sw_\w+: 6 runs queued/.test(frame), 'the bar says it');
	const sweepId = /sweep (sw_\w+): 6 runs queued/.exec(app.frame())![1]!;
	const {sweep, runs} = fixture.service.getSweepWithRuns(sweepId);
	t.is(sweep.base_run_id, run.id);
	t.deepEqual(sweep.axes, {vis: [0.1, 0.3, 0.5], edge: [0.2, 0.6]});
	t.deepEqual(runs.map(member => [member.control_weights.vis, member.control_weights.edge, member.parent_run_id]), [
		[0.1, 0.2, run.id],
		[0.1, 0.6, run.id],
		[0.3, 0.2, run.id],
		[0.3, 0.6, run.id],
		[0.5, 0.2, run.id],
		[0.5, 0.6, run.id],
	]);
	await app.waitFor(frame => frame.includes(`▾ ${sweepId} · 6 runs · vis 0.1,0.3,0.5 × edge 0.2,0.6`), 'its row in the runs pane');
});

test.serial('without lists the rerun form queues one run, as before', async t => {
	const {fixture} = t.context;
	const {run} = await base(fixture);
	const app = (t.context.app = await renderApp(fixture));
	await app.press('e');
	await app.waitFor(frame => frame.includes(`Rerun ${run.id}`));
	await app.press(KEYS.right, KEYS.enter);
	await app.waitFor(frame => /rs_\w+ queued; it starts when GPUs are free/.test(frame));
	const rerun = fixture.service.listRuns()[0]!;
	t.is(rerun.parent_run_id, run.id);
	t.is(rerun.sweep_id, null);
	t.is(rerun.control_weights.vis, 0.3);
});

test.serial('the launch form refuses more GPUs than the host has, with the CLI message', async t => {
	const {fixture} = t.context;
	const {prompt} = await base(fixture);
	const app = (t.context.app = await renderApp(fixture));
	await app.press('1', 'r');
	await app.waitFor(frame => frame.includes(`Run ${prompt.name}`));
	await app.press('a', ...Array.from({length: 11}, () => KEYS.tab), '4', KEYS.enter);
	await app.waitFor(frame => frame.includes('a run asking for 4 GPU(s) cannot start: fake has 2'), 'said in the form');
	t.true(app.frame().includes(`Run ${prompt.name}`), 'the form stays open');
	t.is(fixture.service.listRuns().length, 1, 'nothing was queued');
	await app.press(KEYS.backspace, '2', KEYS.enter);
	await app.waitFor(frame => /rs_\w+ queued/.test(frame) && !frame.includes(`Run ${prompt.name}`));
	t.is(fixture.service.listRuns()[0]!.parameters.num_gpus, 2);
});
