// o and O on a machine without a player or file manager (a server over SSH): the path is shown
// whole and sent to the terminal's clipboard with OSC 52, through the injected terminal writer.
import {render} from 'ink-testing-library';
import anyTest, {type TestFn} from 'ava';
import {stripAnsi} from '../../source/format/sanitize.js';
import {App} from '../../source/ui/components/app.js';
import {createRuntime, startRuntime, type UiRuntime} from '../../source/ui/data/runtime.js';
import {NoOpenerError} from '../../source/ui/system/open-file.js';
import {serviceFixture, type ServiceFixture} from '../helpers/service.js';
import {seed} from './helpers/runs.js';
import {waitFor} from './helpers/wait-for.js';

type Context = {fixture: ServiceFixture; runtime?: UiRuntime; unmount?: () => void};
const test = anyTest as TestFn<Context>;

test.beforeEach(async t => {
	t.context.fixture = await serviceFixture();
});

test.afterEach.always(async t => {
	t.context.unmount?.();
	if (t.context.runtime) {
		await t.context.runtime.tails.detach();
		t.context.runtime.close();
	}
	await t.context.fixture.cleanup();
});

/** The app with openers that fail as on a machine without xdg-open, and a recorded terminal. */
async function renderWithoutOpener(t: {context: Context}, env: NodeJS.ProcessEnv = {}) {
	const written: string[] = [];
	const noOpener = async (target: string) => {
		throw new NoOpenerError('xdg-open', target);
	};
	const runtime = createRuntime({
		service: t.context.fixture.service,
		system: {openFile: noOpener, openFolder: noOpener},
		terminal: {write: sequence => written.push(sequence), env},
	});
	t.context.runtime = runtime;
	startRuntime(runtime);
	const instance = render(<App runtime={runtime} />);
	Object.defineProperty(instance.stdout, 'columns', {value: 100, configurable: true});
	Object.defineProperty(instance.stdout, 'rows', {value: 30, configurable: true});
	instance.stdout.emit('resize');
	t.context.unmount = () => {
		instance.unmount();
		instance.cleanup();
	};
	const frame = () => stripAnsi(instance.lastFrame() ?? '');
	const until = (condition: (text: string) => boolean, what: string) => waitFor(() => condition(frame()), {message: () => `${what}; last frame:\n${frame()}`});
	const press = async (key: string) => {
		instance.stdin.write(key);
		await new Promise(resolve => setImmediate(resolve));
	};
	await until(text => text.includes('1 Prompts'), 'the first frame');
	return {written, frame, until, press};
}

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
/** The frame's text with the dialog's borders and line breaks taken out, so a wrapped path reads whole. */
const unwrapped = (frame: string) => frame.replaceAll(/[│\s]+/g, '');

test.serial('o without a player shows the video path and copies it with OSC 52', async t => {
	const {ok} = await seed(t.context.fixture);
	const video = t.context.fixture.service.getRun(ok.id).outputs.video!;
	const app = await renderWithoutOpener(t);
	await app.press('G');
	await app.until(text => text.includes(ok.id), 'the successful run');
	await app.press('o');
	await app.until(text => text.includes('No video player here'), 'the no-player message');
	t.true(unwrapped(app.frame()).includes(unwrapped(video)), 'the whole path is on the screen');
	t.regex(app.frame(), /copied to the clipboard/);
	t.deepEqual(app.written, [`\u001B]52;c;${base64(video)}\u0007`]);
});

test.serial('O without a file manager shows the output folder and copies it; inside tmux also through passthrough', async t => {
	const {ok} = await seed(t.context.fixture);
	const run = t.context.fixture.service.getRun(ok.id);
	const folder = run.outputs.dir ?? (await import('node:path')).dirname(run.outputs.video!);
	const app = await renderWithoutOpener(t, {TMUX: '/tmp/tmux-1000/default,1,0'});
	await app.press('G');
	await app.until(text => text.includes(ok.id), 'the successful run');
	await app.press('O');
	await app.until(text => text.includes('No file manager here'), 'the no-file-manager message');
	t.true(unwrapped(app.frame()).includes(unwrapped(folder)));
	t.regex(app.frame(), /set-clipboard on/);
	const plain = `\u001B]52;c;${base64(folder)}\u0007`;
	t.deepEqual(app.written, [`${plain}\u001BPtmux;${plain.replaceAll('\u001B', '\u001B\u001B')}\u001B\\`]);
});
