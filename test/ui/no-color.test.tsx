// NO_COLOR (https://no-color.org): set and not empty, the screen has no colour at all, but keeps
// text attributes (bold, inverse) and the cues that do not need colour. Ink's chalk ignores
// NO_COLOR, so this is the UI's doing. The variable is read at start: it is set here before the
// UI is imported (each test file runs in a worker of its own). Ink's chalk is told to draw
// styles as on a colour terminal: not on a TTY (and under ava), it would draw none at all.
import anyTest, {type TestFn} from 'ava';
import type {ServiceFixture} from '../helpers/service.js';
import type {RenderedApp} from './helpers/render-app.js';

process.env['NO_COLOR'] = '1';
const {default: chalk} = await import('chalk');
chalk.level = 3;
const {serviceFixture} = await import('../helpers/service.js');
const {renderApp, KEYS} = await import('./helpers/render-app.js');
const {runningRun, seed} = await import('./helpers/runs.js');
const {colorsAllowed, COLORS} = await import('../../source/ui/text/color-mode.js');
const {dropColors} = await import('../../source/ui/text/styled.js');

const test = anyTest as TestFn<{fixture: ServiceFixture; app?: RenderedApp; release: Array<() => void>}>;

test.beforeEach(async t => {
	t.context.fixture = await serviceFixture();
	t.context.release = [];
});

test.afterEach.always(async t => {
	await t.context.app?.dispose();
	for (const release of t.context.release) release();
	await t.context.fixture.cleanup();
});

/** The SGR parameters that set a colour (foreground, background, 256 and true colour, defaults). */
function colourCodes(raw: string): string[] {
	const found: string[] = [];
	for (const match of raw.matchAll(/\u001B\[([0-9;]*)m/g)) {
		const parameters = match[1]!.split(';').map(Number);
		if (parameters.some(n => (n >= 30 && n <= 49) || (n >= 90 && n <= 107))) found.push(JSON.stringify(match[0]));
	}
	return found;
}

test('NO_COLOR set and not empty turns colour off; empty or unset leaves it on', t => {
	t.false(colorsAllowed({NO_COLOR: '1'}));
	t.false(colorsAllowed({NO_COLOR: 'false'}), 'any value but the empty string');
	t.true(colorsAllowed({NO_COLOR: ''}));
	t.true(colorsAllowed({}));
	t.false(COLORS, 'read from the environment at start');
});

test('dropColors takes the colours out of SGR sequences and keeps the attributes', t => {
	t.is(dropColors('\u001B[31mred\u001B[39m'), 'red');
	t.is(dropColors('\u001B[1;31mbold red\u001B[0m'), '\u001B[1mbold red\u001B[0m');
	t.is(dropColors('\u001B[38;5;208mo\u001B[48;2;1;2;3mb\u001B[7mi\u001B[m'), 'ob\u001B[7mi\u001B[0m');
	t.is(dropColors('\u001B[4;92;1mu\u001B[24m'), '\u001B[4;1mu\u001B[24m');
	t.is(dropColors('plain'), 'plain');
});

test.serial('the whole screen has no colour codes, keeps bold and inverse, and marks focus, status and errors in text', async t => {
	await seed(t.context.fixture);
	// The host's own colours in the log, too.
	const held = await runningRun(t.context.fixture, ['\u001B[32mINFO\u001B[0m loading', '\u001B[38;5;196mWARN\u001B[39m slow disk'], 'a harbour at dawn');
	t.context.release.push(held.release);
	const app = (t.context.app = await renderApp(t.context.fixture, {columns: 150, rows: 34}));
	await app.waitFor(frame => frame.includes('WARN slow disk') && frame.includes('✗ failed') === false && frame.includes('failed'), 'runs and the log');
	app.runtime.notices.emit('notice', {text: 'cannot reach the host', tone: 'error'});
	await app.waitFor(frame => frame.includes('✗ cannot reach the host'), 'an error says so with ✗, not only in red');
	const raw = app.rawFrame();
	t.deepEqual(colourCodes(raw), [], 'no colour codes');
	t.regex(raw, /\u001B\[(?:[0-9;]*;)?7m/, 'inverse stays: the selected row');
	t.regex(raw, /\u001B\[(?:[0-9;]*;)?1m/, 'bold stays');
	const frame = app.frame();
	t.true(frame.includes('▶ 2 Runs'), 'the focused pane is marked');
	t.false(frame.includes('▶ 1 Prompts'));
	t.regex(frame, /✓ rs_\w+ success/, 'statuses have a symbol and a word');
	t.regex(frame, /✗ rs_\w+ failed/);
	t.regex(frame, /● rs_\w+ diffusion/);
	await app.press('1');
	await app.waitFor(current => current.includes('▶ 1 Prompts') && current.includes('› '), 'focus moves, the selected prompt marked');
	await app.press('?');
	await app.waitFor(current => current.includes('Keys (1-'));
	t.deepEqual(colourCodes(app.rawFrame()), [], 'the help has no colour either');
	await app.press(KEYS.esc);
});
