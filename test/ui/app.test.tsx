// The whole screen on a real service (temp store, fake executors, the scheduler running in this
// process when runs must progress), driven by keys.
import {HostError} from '../../source/domain/errors.js';
import {KEY_BINDINGS} from '../../source/ui/keys/registry.js';
import {appTest} from './helpers/app-test.js';
import type {ServiceFixture} from '../helpers/service.js';
import {HOSTILE} from './helpers/hostile.js';
import {KEYS, renderApp} from './helpers/render-app.js';
import {runningRun as heldRun, seed, working} from './helpers/runs.js';

const test = appTest();

/** A held running run (see helpers/runs.ts); the gate is opened after the test. */
async function runningRun(t: {context: {fixture: ServiceFixture; release: Array<() => void>}}, lines: string[]) {
	const held = await heldRun(t.context.fixture, lines);
	t.context.release.push(held.release);
	return held;
}

const selectedRunLine = (frame: string) => frame.split('\n').find(line => /^rs_\w+ (queued|launching|running|success|failed|cancelled)\b/.test(line)) ?? '';

test.serial('moves through runs with j/k, g/G; the details strip follows the selection', async t => {
	const {ok, failed, cancelled} = await seed(t.context.fixture);
	const app = (t.context.app = await renderApp(t.context.fixture));
	await app.waitFor(frame => frame.includes(cancelled.id) && frame.includes(ok.id));
	t.true(selectedRunLine(app.frame()).startsWith(cancelled.id), 'the newest run is selected first');
	await app.press('j');
	await app.waitFor(frame => selectedRunLine(frame).startsWith(failed.id), 'j selects the next run');
	await app.press(KEYS.down, KEYS.down);
	await app.waitFor(frame => selectedRunLine(frame).startsWith(ok.id), 'down stops at the last run');
	await app.press('g');
	await app.waitFor(frame => selectedRunLine(frame).startsWith(cancelled.id));
	await app.press('G');
	await app.waitFor(frame => selectedRunLine(frame).startsWith(ok.id));
	await app.press('k');
	await app.waitFor(frame => selectedRunLine(frame).startsWith(failed.id));
	await app.waitFor(frame => frame.includes('oom: out of GPU memory'), 'the failure shows in the details strip');
});

test.serial('Tab and 1/2/3/4 move between panes and the queue view; the key bar shows the focused keys', async t => {
	await seed(t.context.fixture);
	const app = (t.context.app = await renderApp(t.context.fixture));
	const bar = () => app.frame().trimEnd().split('\n').at(-1) ?? '';
	await app.waitFor(() => bar().includes('e rerun'), 'runs keys');
	await app.press(KEYS.tab);
	await app.waitFor(() => bar().includes('w wrap'), 'logs keys after Tab');
	await app.press(KEYS.tab);
	await app.waitFor(frame => frame.includes('4 Queue') && !frame.includes('1 Prompts'), 'Tab goes on to the queue view');
	await app.press(KEYS.tab);
	await app.waitFor(frame => frame.includes('1 Prompts') && bar().includes('r run') && !bar().includes('e rerun'), 'and round to the prompts');
	await app.press(KEYS.shiftTab);
	await app.waitFor(frame => frame.includes('4 Queue'), 'Shift-Tab goes back round to the queue view');
	await app.press('2');
	await app.waitFor(() => bar().includes('e rerun'));
	await app.press('4');
	await app.waitFor(frame => frame.includes('4 Queue') && frame.includes('Hosts (1)'));
	await app.press(KEYS.esc);
	await app.waitFor(frame => frame.includes('2 Runs') && bar().includes('e rerun'), 'Esc goes back to the runs');
	t.pass();
});

test.serial('Enter on a prompt lists its runs; a toggles all runs; Esc goes back', async t => {
	const {park, street, ok} = await seed(t.context.fixture);
	const app = (t.context.app = await renderApp(t.context.fixture));
	await app.press('1');
	await app.waitFor(frame => frame.includes(`› ${street.name}`), 'the newest prompt is selected');
	await app.press('j');
	await app.waitFor(frame => frame.includes(`› ${park.name}`));
	await app.press(KEYS.enter);
	await app.waitFor(frame => frame.includes(`2 Runs · of ${park.name}`) && frame.includes('no runs of this prompt yet'), 'the park has no runs');
	await app.press('a');
	await app.waitFor(frame => frame.includes('2 Runs · all') && frame.includes(ok.id));
	await app.press(KEYS.esc);
	await app.waitFor(frame => frame.trimEnd().split('\n').at(-1)!.includes('r run'), 'Esc went back to the prompts pane');
	t.pass();
});

test.serial('/ filters runs by status or text, shows the filter, and Esc clears it', async t => {
	const {ok, failed, cancelled} = await seed(t.context.fixture);
	const app = (t.context.app = await renderApp(t.context.fixture));
	await app.press('/');
	for (const character of 'failed') await app.press(character);
	await app.waitFor(frame => frame.includes('/failed▏ (1 of 3)') && frame.includes(failed.id) && !frame.includes(`${ok.id} `));
	await app.press(KEYS.enter);
	await app.waitFor(frame => frame.includes('/failed (1 of 3)'), 'kept after Enter');
	await app.press('n');
	await app.waitFor(frame => selectedRunLine(frame).startsWith(failed.id), 'n stays within the matches');
	await app.press(KEYS.esc);
	await app.waitFor(frame => frame.includes(cancelled.id) && frame.includes(ok.id), 'Esc cleared the filter');
	await app.press('1', '/');
	for (const character of 'park') await app.press(character);
	await app.waitFor(frame => frame.includes('(1 of 2)') && frame.includes('quiet_park_morning'));
	t.pass();
});

test.serial('/ reopened selects the old filter: typing replaces it, ctrl-u clears, backspace erases it all', async t => {
	const {ok, failed} = await seed(t.context.fixture);
	const app = (t.context.app = await renderApp(t.context.fixture));
	await app.press('/', 'failed', KEYS.enter);
	await app.waitFor(frame => frame.includes('/failed (1 of 3)'));
	await app.press('/');
	await app.waitFor(frame => frame.includes('/[failed]▏ (1 of 3)'), 'the old text shows selected');
	await app.press('s', 'u');
	await app.waitFor(frame => frame.includes('/su▏') && frame.includes(ok.id) && !frame.includes(`${failed.id} `), 'typing replaced the old text');
	await app.press(KEYS.ctrlU, 'fail');
	await app.waitFor(frame => frame.includes('/fail▏ (1 of 3)'), 'ctrl-u cleared the text, typing goes on');
	await app.press(KEYS.enter, '/');
	await app.waitFor(frame => frame.includes('/[fail]▏'));
	await app.press(KEYS.backspace);
	await app.waitFor(frame => frame.includes('/▏ (3 of 3)'), 'backspace on the selection erased it all');
	t.pass();
});

test.serial('? lists every key of the registry, and Esc closes it', async t => {
	await seed(t.context.fixture);
	// Wide enough that no description wraps (help-view.test.tsx checks the wrapping).
	const app = (t.context.app = await renderApp(t.context.fixture, {columns: 300, rows: 150}));
	await app.press('?');
	await app.waitFor(frame => frame.includes('Keys (1-'));
	const frame = app.frame();
	for (const binding of KEY_BINDINGS) t.true(frame.includes(binding.description), `${binding.id}: ${binding.description}`);
	await app.press(KEYS.esc);
	await app.waitFor(current => !current.includes('Keys (1-') && current.includes('2 Runs'));
});

test.serial('the help scrolls when it does not fit', async t => {
	const app = (t.context.app = await renderApp(t.context.fixture, {columns: 300, rows: 24}));
	await app.press('?');
	await app.waitFor(frame => frame.includes('Keys (1-'));
	const seen = new Set<string>();
	for (let page = 0; page < 20; page++) {
		for (const binding of KEY_BINDINGS) if (app.frame().includes(binding.description)) seen.add(binding.id);
		await app.press(KEYS.pageDown);
	}
	t.is(seen.size, KEY_BINDINGS.length);
});

test.serial('keys typed in one burst each act on the screen the one before left: "1" then "2x" cancels from the runs pane', async t => {
	const {run} = await runningRun(t, ['starting', 'loading models']);
	const app = (t.context.app = await renderApp(t.context.fixture));
	await app.waitFor(frame => frame.includes(`${run.id} running`));
	await app.press('1');
	await app.waitFor(frame => frame.includes('▶ 1 Prompts'));
	// One chunk, as a fast typist or tmux send-keys delivers it: x must see the runs pane that 2 focused.
	await app.press('2x');
	await app.waitFor(frame => frame.includes('Cancel run') && frame.includes(`Stop run ${run.id}`));
	t.pass();
});

test.serial('cancel asks first: No is the default, the cancel key does not confirm, y does', async t => {
	const {run} = await runningRun(t, ['starting', 'loading models']);
	const app = (t.context.app = await renderApp(t.context.fixture));
	await app.waitFor(frame => frame.includes(`${run.id} running`));
	await app.press('x');
	await app.waitFor(frame => frame.includes('Cancel run') && frame.includes(`Stop run ${run.id} on fake?`) && frame.includes('SIGTERM, then SIGKILL'));
	await app.press('x', 'x');
	t.true(app.frame().includes('Cancel run'), 'pressing x again does not confirm');
	await app.press(KEYS.enter);
	await app.waitFor(frame => !frame.includes('Cancel run'), 'Enter took the highlighted No');
	t.is(t.context.fixture.executor.killed.length, 0);
	t.is(t.context.fixture.service.getRun(run.id).status, 'running');

	await app.press('x');
	await app.waitFor(frame => frame.includes('Cancel run'));
	await app.press(KEYS.right, KEYS.left, 'n');
	await app.waitFor(frame => !frame.includes('Cancel run'), 'n says no');
	t.is(t.context.fixture.executor.killed.length, 0);

	await app.press('x');
	await app.waitFor(frame => frame.includes('Cancel run'));
	await app.press('y');
	await app.waitFor(frame => selectedRunLine(frame).startsWith(`${run.id} cancelled`) && frame.includes(`${run.id} cancelled by user`));
	t.is(t.context.fixture.executor.killed.length, 1, 'the worker stopped exactly this run');
	await app.press('x');
	await app.waitFor(frame => frame.includes(`${run.id} is cancelled: nothing to cancel`), 'x on an ended run says why not');
});

test.serial('delete asks first and refuses a running run; D then y deletes a finished one', async t => {
	const {ok, cancelled} = await seed(t.context.fixture);
	const app = (t.context.app = await renderApp(t.context.fixture));
	await app.waitFor(frame => selectedRunLine(frame).startsWith(cancelled.id));
	await app.press('D');
	await app.waitFor(frame => frame.includes('Delete run') && frame.includes(`Delete run ${cancelled.id}?`));
	await app.press('D', KEYS.enter);
	await app.waitFor(frame => !frame.includes('Delete run'));
	t.truthy(t.context.fixture.service.getPromptOrNull(ok.prompt_id));
	t.is(t.context.fixture.service.listRuns().length, 3, 'nothing deleted');
	await app.press('D');
	await app.waitFor(frame => frame.includes('Delete run'));
	await app.press('y');
	await app.waitFor(frame => !frame.includes(`${cancelled.id} cancelled`) && frame.includes(`${cancelled.id} deleted`));
	t.is(t.context.fixture.service.listRuns().length, 2);
});

test.serial('e opens the weights editor prefilled from the run; Enter launches a rerun, selected, log followed', async t => {
	const {failed} = await seed(t.context.fixture);
	await working(t.context.fixture);
	const app = (t.context.app = await renderApp(t.context.fixture));
	await app.press('j');
	await app.waitFor(frame => selectedRunLine(frame).startsWith(failed.id));
	t.context.fixture.executor.script = {lines: ['rerun line one', 'rerun line two'], result: 'success'};
	await app.press('e');
	await app.waitFor(frame => frame.includes(`Rerun ${failed.id}`) && /edge\s+0\.60/.test(frame), 'edge 0.6 came from the run');
	await app.press(KEYS.right);
	await app.waitFor(frame => /vis\s+◀\s+0\.30 ▶\s+\*/.test(frame), 'right steps vis by 0.05 and marks it changed');
	await app.press(KEYS.tab, '0', '.', '9');
	await app.waitFor(frame => /edge\s+◀\s+0\.9▏ ▶/.test(frame), 'digits type a value');
	await app.press(KEYS.enter);
	await app.waitFor(frame => frame.includes('rerun line two') && frame.includes(`rerun of ${failed.id}`), 'the new run is selected and its log shown');
	const rerun = t.context.fixture.service.listRuns()[0]!;
	t.is(rerun.parent_run_id, failed.id);
	t.deepEqual(rerun.control_weights, {...failed.control_weights, vis: 0.3, edge: 0.9});
	t.true(selectedRunLine(app.frame()).startsWith(rerun.id));
	await app.waitFor(frame => selectedRunLine(frame).startsWith(`${rerun.id} success`), 'the worker ran it to the end');
});

test.serial('r queues the selected prompt with the defaults; the worker runs it', async t => {
	const {street} = await seed(t.context.fixture);
	await working(t.context.fixture);
	const app = (t.context.app = await renderApp(t.context.fixture));
	await app.press('1');
	await app.waitFor(frame => frame.includes(`› ${street.name}`));
	await app.press('r');
	await app.waitFor(frame => frame.includes(`Run ${street.name}`) && frame.includes('The defaults'));
	await app.press('a');
	await app.waitFor(frame => /steps\s+35/.test(frame) && frame.includes('GPUs'), 'a shows the parameters');
	await app.press(KEYS.enter);
	await app.waitFor(frame => /rs_\w+ success/.test(selectedRunLine(frame)) && frame.includes('Saved video'));
	t.is(t.context.fixture.service.listRuns().length, 4);
});

test.serial('c creates a prompt from text and a folder; a bad folder is explained in the form', async t => {
	const app = (t.context.app = await renderApp(t.context.fixture));
	await app.press('c');
	await app.waitFor(frame => frame.includes('New prompt'));
	await app.press('a foggy pier at dawn', KEYS.up, KEYS.ctrlU, '/nowhere/at/all', KEYS.enter);
	await app.waitFor(frame => frame.includes('video folder not found: /nowhere/at/all'));
	await app.press(KEYS.ctrlU, t.context.fixture.inputs.slice(0, -2), KEYS.tab);
	await app.waitFor(frame => frame.includes(`${t.context.fixture.inputs.slice(0, -2)}/`), 'Tab asked for a completion');
	await app.press(KEYS.ctrlU, t.context.fixture.inputs, KEYS.enter);
	await app.waitFor(frame => frame.includes('foggy_pier_dawn') && frame.includes('created; r runs it'));
	t.is(t.context.fixture.service.listPrompts()[0]?.prompt_text, 'a foggy pier at dawn');
});

test.serial('a running run shows live progress and log lines; selection stays put as runs come and go', async t => {
	const {run, prompt} = await runningRun(t, ['\u001B[32mINFO\u001B[0m loading models', 'Starting diffusion sampling']);
	const app = (t.context.app = await renderApp(t.context.fixture));
	await app.waitFor(frame => frame.includes('Starting diffusion sampling') && frame.includes('INFO loading models'), 'reattached and following');
	await app.waitFor(frame => /diffusion █+░+ 50%/.test(frame), 'the progress bar');
	await app.waitFor(frame => frame.includes(`3 Logs · ${run.id} · following`));
	await t.context.fixture.service.pauseHosts('fake'); // the other run stays queued
	const other = await t.context.fixture.service.createRun(prompt.id);
	await app.waitFor(frame => frame.includes(other.id), 'a run created elsewhere appears');
	t.true(selectedRunLine(app.frame()).startsWith(run.id), 'the selection did not jump to the new run');
	await t.context.fixture.service.deletion.deleteRun(other.id, {force: true});
	await app.waitFor(frame => !frame.includes(other.id));
	t.true(selectedRunLine(app.frame()).startsWith(run.id));
});

test.serial('the log pane pauses when scrolled up, says so, and G follows again', async t => {
	const lines = Array.from({length: 80}, (_, i) => `step line ${String(i).padStart(3, '0')}`);
	await runningRun(t, lines);
	const app = (t.context.app = await renderApp(t.context.fixture));
	await app.waitFor(frame => frame.includes('step line 079'));
	await app.press('3', 'k', 'k', 'k');
	await app.waitFor(frame => frame.includes('paused (G follows)') && !frame.includes('step line 079'));
	await app.press('G');
	await app.waitFor(frame => frame.includes('following') && frame.includes('step line 079'));
	await app.press('w', 't');
	// Lines read back from the saved log have no arrival time.
	await app.waitFor(frame => frame.includes('following · wrap') && /--:--:-- step line 079/.test(frame));
	await app.press('/', '0', '7', KEYS.enter);
	await app.waitFor(frame => frame.includes('filter "07": 11') && frame.includes('step line 007') && !frame.includes('step line 008'));
	await app.press('N');
	await app.waitFor(frame => frame.includes('paused'), 'N jumps to a match and pauses');
	await app.press('z');
	await app.waitFor(frame => frame.includes('3 Logs') && !frame.includes('1 Prompts') && !frame.includes('2 Runs'), 'z zooms the log to the whole body');
	await app.press('z');
	await app.waitFor(frame => frame.includes('3 Logs') && frame.includes('1 Prompts'), 'z again brings the panes back');
	t.pass();
});

test.serial('hostile escape sequences in the log are shown harmlessly', async t => {
	await runningRun(t, Object.entries(HOSTILE).map(([name, sequence]) => `hostile ${name}:${sequence}:end`));
	const app = (t.context.app = await renderApp(t.context.fixture));
	await app.waitFor(frame => frame.includes('hostile bell::end') && frame.includes('hostile osc52Clipboard::end'));
	const raw = app.rawFrame();
	t.false(/\u001B(?!\[[0-9;]*m)/.test(raw), 'no escape sequence but SGR colours');
	t.false(/[\u0080-\u009F\u0007\u0008]/.test(raw), 'no C1 controls, bells or backspaces');
	t.notRegex(raw, /Y29zbW9zLXNpbTogY2xpcGJvYXJkIHdyaXRl|set your terminal title|example\.invalid/);
});

test.serial('o opens the output video and s saves the log, through the injected functions', async t => {
	const {ok} = await seed(t.context.fixture);
	const app = (t.context.app = await renderApp(t.context.fixture));
	await app.press('G');
	await app.waitFor(frame => selectedRunLine(frame).startsWith(ok.id));
	await app.press('o');
	await app.waitFor(frame => frame.includes('opening '));
	t.deepEqual(app.opened, [t.context.fixture.service.getRun(ok.id).outputs.video]);
	await app.press('s');
	await app.waitFor(frame => frame.includes(`log saved to /tmp/saved/${ok.id}.log`));
	t.deepEqual(app.saved, [ok.id]);
	await app.press('k', 'o');
	await app.waitFor(frame => frame.includes('has no output video (failed)'));
	t.is(app.opened.length, 1);
});

test.serial('host errors show in the header and the bar; the store still works', async t => {
	t.context.fixture.executor.status = async () => {
		throw new HostError('cannot reach gpu-1: connection refused');
	};
	await seed(t.context.fixture);
	const app = (t.context.app = await renderApp(t.context.fixture));
	await app.waitFor(frame => frame.includes('fake ✖ cannot reach gpu-1') && frame.includes('host fake: cannot reach gpu-1: connection refused'));
	await app.press('j');
	await app.waitFor(frame => selectedRunLine(frame).includes('failed'), 'keys still work');
	t.pass();
});

test.serial('a run that cannot start fails with why, in the bar and the details', async t => {
	const {street} = await seed(t.context.fixture);
	t.context.fixture.executor.script = {lines: [], result: 'success', failLaunch: 'ssh: unknown host key for gpu-1'};
	await working(t.context.fixture);
	const app = (t.context.app = await renderApp(t.context.fixture));
	await app.press('1', 'r');
	await app.waitFor(frame => frame.includes(`Run ${street.name}`));
	await app.press(KEYS.enter);
	await app.waitFor(frame => /failed: could not start: ssh: unknown host key for gpu-1/.test(frame), 'the bar says it');
	await app.waitFor(frame => /start_failed: could not start: ssh: unknown host key/.test(frame) && /^rs_\w+ failed/m.test(frame), 'the details too');
	t.pass();
});

test.serial('resizing re-lays out; below the minimum size one message shows', async t => {
	await seed(t.context.fixture);
	const app = (t.context.app = await renderApp(t.context.fixture, {columns: 160, rows: 40}));
	const frameHeight = () => app.frame().replace(/\n$/, '').split('\n').length;
	await app.waitFor(() => frameHeight() === 39, 'rows - 1');
	app.resize(50, 12);
	await app.waitFor(frame => frame.includes('terminal too small: 50x12, need 60x16'));
	app.resize(80, 24);
	await app.waitFor(frame => frame.includes('2 Runs') && frameHeight() === 23);
	t.true(app.frame().split('\n').every(line => [...line].length <= 80), 'nothing wider than the terminal');
});
