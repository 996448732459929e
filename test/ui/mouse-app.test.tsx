// The mouse on the whole screen: SGR reports written to the UI's stdin, as a terminal with mouse
// reporting on sends them. A click focuses a pane and selects the row under it, the wheel scrolls
// the pane under the pointer, and no report ever reaches the keys as text.
import {computeLayout, type PaneLayout} from '../../source/ui/layout/layout.js';
import {appTest} from './helpers/app-test.js';
import type {ServiceFixture} from '../helpers/service.js';
import {KEYS, renderApp} from './helpers/render-app.js';
import {runningRun} from './helpers/runs.js';

const test = appTest();

/** An SGR report at a 0-based cell (the terminal counts from 1). */
const report = (button: number, column: number, row: number, final = 'M') => `\u001B[<${button};${column + 1};${row + 1}${final}`;
const click = (column: number, row: number) => [report(0, column, row), report(0, column, row, 'm')];
const wheel = (direction: 'up' | 'down', column: number, row: number) => report(direction === 'up' ? 64 : 65, column, row);

// The default test terminal, 120x32, starts with the runs pane focused.
const layout = computeLayout(120, 32, 'runs') as PaneLayout;
const promptsRow = (row: number) => layout.header + 1 + row;

async function threePrompts(fixture: ServiceFixture): Promise<void> {
	for (const [name, text] of [['alpha', 'a quiet park'], ['beta', 'a busy street'], ['gamma', 'a calm lake']] as const) {
		await fixture.service.createPrompt({text, videoDir: fixture.inputs, name});
	}
}

test.serial('a click focuses the prompts pane and selects the clicked row; the wheel moves the selection', async t => {
	await threePrompts(t.context.fixture);
	const app = (t.context.app = await renderApp(t.context.fixture));
	await app.waitFor(frame => frame.includes('alpha') && frame.includes('gamma'));
	t.false(app.frame().includes('▶ 1 Prompts'));
	// Newest first: gamma, beta, alpha.
	await app.press(...click(5, promptsRow(2)));
	await app.waitFor(frame => frame.includes('▶ 1 Prompts'), 'the click focused the prompts pane');
	await app.press('r');
	await app.waitFor(frame => frame.includes('Run alpha'), 'the clicked row (the third) is selected');
	await app.press(KEYS.esc);
	await app.waitFor(frame => !frame.includes('Run alpha'));
	await app.press(wheel('up', 5, promptsRow(0)));
	await app.press('r');
	await app.waitFor(frame => frame.includes('Run beta'), 'a wheel notch up moved the selection up one row');
	await app.press(KEYS.esc);
	// A report split across two reads (Ink hands over the first part alone) still counts, and leaks nothing.
	const [press] = click(5, promptsRow(0));
	await app.press(press!.slice(0, 7), press!.slice(7));
	await app.press('r');
	await app.waitFor(frame => frame.includes('Run gamma'), 'the split click selected the first row');
});

test.serial('mouse reports never reach a filter being typed as text', async t => {
	await threePrompts(t.context.fixture);
	const app = (t.context.app = await renderApp(t.context.fixture));
	await app.press('1', '/', 'a');
	await app.waitFor(frame => frame.includes('/a▏'));
	const notch = wheel('down', 5, promptsRow(0));
	await app.press(notch, `${notch}${notch}`, notch.slice(0, 6), notch.slice(6), report(0, 5, promptsRow(1), 'm'), 'l');
	await app.waitFor(frame => frame.includes('/al▏'), 'the key after the reports is typed');
	t.false(app.frame().includes('[<'), 'no report bytes in the filter');
	t.false(app.frame().includes(';M'));
});

test.serial('the wheel over the log scrolls it (and pauses following), as k does', async t => {
	const lines = Array.from({length: 80}, (_, i) => `step line ${String(i).padStart(3, '0')}`);
	const held = await runningRun(t.context.fixture, lines);
	t.context.release.push(held.release);
	const app = (t.context.app = await renderApp(t.context.fixture));
	await app.waitFor(frame => frame.includes('step line 079') && frame.includes('following'));
	const logsColumn = layout.prompts.width + 10;
	await app.press(wheel('up', logsColumn, layout.header + 5));
	await app.waitFor(frame => frame.includes('paused (G follows)') && !frame.includes('step line 079'), 'one notch scrolled the log up');
	t.false(app.frame().includes('▶ 3 Logs'), 'the wheel does not move the focus');
	await app.press(...click(logsColumn, layout.header + 5));
	await app.waitFor(frame => frame.includes('▶ 3 Logs'), 'a click focuses the log');
});
