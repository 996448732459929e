// Messages and details never lose information (long ones wrap or open in full, and scroll), and
// the help and key bar follow where you are: `?` opens at the focused pane's keys and filters
// with `/`; the bar shows only what applies to the selection, and a key that does not apply
// says why.
import {appTest} from './helpers/app-test.js';
import {KEYS, renderApp} from './helpers/render-app.js';
import {seed} from './helpers/runs.js';

const test = appTest();

/** The frame's text without borders or spaces: wrapped text reads as one string. */
const squeezed = (frame: string) => frame.replaceAll(/[│╭╮╰╯─\s]/g, '');
const lines = (frame: string) => frame.split('\n');
const lastLine = (frame: string) => lines(frame.replace(/\n+$/, '')).at(-1) ?? '';

const LONG_ERROR =
	'could not start rs_0123456789ab on gpu-1: ssh: handshake failed: the host key for gpu-1.cluster.example.org changed since it was saved in /home/ana/.ssh/known_hosts; remove the old key with ssh-keygen -R gpu-1.cluster.example.org and connect again, then retry the run from the runs pane';

test.serial('a long message keeps the key hints, says it was cut, and ! shows it in full, wrapped and scrollable', async t => {
	const app = (t.context.app = await renderApp(t.context.fixture, {columns: 80, rows: 18}));
	// Longer than the dialog is tall, with a line break of its own.
	app.runtime.notices.emit('notice', {text: `${LONG_ERROR}\n\nearlier: ${LONG_ERROR}`, tone: 'error'});
	await app.waitFor(frame => frame.includes('✗ could not start'), 'the message in the bar, marked as an error');
	const frame = app.frame();
	const messageRow = lines(frame).find(line => line.startsWith('✗ '))!;
	t.true(messageRow.endsWith('… (! shows all)'), messageRow);
	t.true([...messageRow].length <= 80);
	t.regex(lastLine(frame), /\? help/, 'the key hints stay, on their own row');
	t.regex(lastLine(frame), /q quit/);

	await app.press('!');
	await app.waitFor(current => current.includes('Error') && current.includes('Enter or Esc closes'), 'the message dialog');
	t.regex(app.frame(), /j\/k PgUp\/PgDn scroll \(1-\d+ of \d+\)/, 'taller than the screen: it says it scrolls');
	// Every word is there across the pages.
	let seen = '';
	for (let page = 0; page < 10; page++) {
		seen += squeezed(app.frame());
		await app.press('j');
	}
	for (const word of LONG_ERROR.split(' ')) t.true(seen.includes(word), word);
	t.regex(app.frame(), /scroll \(\d+-(\d+) of \1\)/, 'j stops at the last row');
	await app.press('k');
	await app.waitFor(current => !/scroll \(\d+-(\d+) of \1\)/.test(current), 'k scrolls back at once');
	await app.press(KEYS.esc);
	await app.waitFor(current => !current.includes('Enter or Esc closes'));
});

test.serial('run details wrap a long prompt text and the paths, and scroll when taller than the screen', async t => {
	const {fixture} = t.context;
	const text = `${'a very long description of a rainy street at night with neon signs and reflections '.repeat(4)}the end`;
	const prompt = (await fixture.service.createPrompt({text, videoDir: fixture.inputs})).prompt;
	const run = await fixture.service.createRun(prompt.id);
	const app = (t.context.app = await renderApp(fixture, {columns: 70, rows: 20}));
	await app.waitFor(frame => frame.includes(run.id));
	await app.press(KEYS.enter);
	await app.waitFor(frame => frame.includes(`Run ${run.id}`), 'the details');
	t.regex(app.frame(), /Esc closes · j\/k PgUp\/PgDn scroll \(1-/);
	let seen = '';
	for (let page = 0; page < 20; page++) {
		seen += squeezed(app.frame());
		await app.press('j');
	}
	t.true(seen.includes(text.replaceAll(' ', '')), 'the whole prompt text');
	t.true(seen.includes(fixture.service.files.logPath(run.id).replaceAll(' ', '')), 'the whole log path');
	t.true(seen.includes('steps') && seen.includes('gpus'), 'the parameters');
	t.true(app.frame().split('\n').every(line => [...line].length <= 70));
});

test.serial('? opens at the focused pane\'s keys; / filters the help; Esc clears the filter, then closes', async t => {
	const app = (t.context.app = await renderApp(t.context.fixture, {columns: 120, rows: 30}));
	await app.press('3', '?');
	await app.waitFor(frame => frame.includes('Keys (1-'));
	const body = lines(app.frame()).map(line => line.replace(/^\s*│\s*/, ''));
	const firstTitle = body.findIndex(line => /^(Logs pane|Main screen|Runs pane|Moving)/.test(line));
	t.true(body[firstTitle]!.startsWith('Logs pane'), 'the logs pane keys come first');

	await app.press('/', 'w', 'r', 'a', 'p');
	await app.waitFor(frame => frame.includes('Keys matching /wrap▏'), 'typing the filter');
	t.true(app.frame().includes('Wrap long lines, or cut them'));
	t.false(app.frame().includes('Show every key'), 'other keys are filtered out');
	await app.press(KEYS.enter);
	await app.waitFor(frame => frame.includes('Keys matching /wrap (') && frame.includes('Esc clears the filter'), 'kept');
	await app.press(KEYS.esc);
	await app.waitFor(frame => frame.includes('Keys (1-') && frame.includes('Show when each line arrived'), 'Esc cleared the filter, the help stays');
	await app.press(KEYS.esc);
	await app.waitFor(frame => !frame.includes('Keys (') && frame.includes('3 Logs'), 'Esc again closes');
});

test.serial('the bar shows only the run keys that apply; a key that does not apply says why', async t => {
	const {ok, failed, cancelled} = await seed(t.context.fixture);
	const app = (t.context.app = await renderApp(t.context.fixture, {columns: 160, rows: 30}));
	await app.waitFor(frame => /^rs_\w+ cancelled/m.test(frame) && frame.includes(cancelled.id), 'the newest run, cancelled, selected');
	t.regex(lastLine(app.frame()), /e rerun/);
	t.notRegex(lastLine(app.frame()), /x cancel/, 'no cancel on a finished run');
	t.notRegex(lastLine(app.frame()), /o open video/, 'no video: no o');
	await app.press('x');
	await app.waitFor(frame => frame.includes(`${cancelled.id} is cancelled: nothing to cancel`), 'x says why');
	t.false(app.frame().includes('Cancel run'), 'and asks nothing');
	await app.press('j');
	await app.waitFor(frame => new RegExp(`^${failed.id} failed`, 'm').test(frame));
	await app.press('o');
	await app.waitFor(frame => frame.includes(`${failed.id} has no output video (failed)`));
	t.is(app.opened.length, 0);
	await app.press('j');
	await app.waitFor(frame => new RegExp(`^${ok.id} success`, 'm').test(frame) && /o open video/.test(lastLine(frame)), 'a video: o shows');
	t.notRegex(lastLine(app.frame()), /x cancel/);
});

test.serial('the prompts pane keys say how to get a prompt when there is none', async t => {
	const app = (t.context.app = await renderApp(t.context.fixture));
	await app.press('1');
	await app.waitFor(frame => frame.includes('▶ 1 Prompts'), 'the focused pane is marked, not only coloured');
	t.notRegex(lastLine(app.frame()), /r run/, 'no prompt: no run key in the bar');
	await app.press('r');
	await app.waitFor(frame => frame.includes('no prompts yet: c creates one'));
	await app.press('2');
	await app.waitFor(frame => frame.includes('▶ 2 Runs') && lastLine(frame).includes('/ filter'));
	t.notRegex(lastLine(app.frame()), /details/, 'no run: no Enter details in the bar');
});
