// End to end: NO_COLOR (https://no-color.org) on a real terminal. The real cosmos-tui in tmux,
// once with NO_COLOR=1 and once without: capture-pane -e gives the screen with its styles, and
// with NO_COLOR there is no colour in it (bold and inverse may stay), while without it there is.
// No GPU host is needed: the config names one that refuses the connection, and the screen shows
// that (in red, when colours are on).
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import test from 'ava';
import {hasTmux, tmuxUi, type TmuxUi} from './tmux-ui.js';

const serial = hasTmux() ? test.serial : test.serial.skip;

let dir = '';
let config = '';
const sessions: TmuxUi[] = [];

test.before(async () => {
	dir = await mkdtemp(path.join(tmpdir(), 'cosmos-tui-no-color-'));
	config = path.join(dir, 'config.toml');
	// Port 1 on this machine: the connection is refused at once.
	await writeFile(
		config,
		`[remote]\nhost = "127.0.0.1"\nport = 1\nuser = "nobody"\n\n[paths]\nremote_dir = "/nonexistent/cosmos"\ndata_dir = ${JSON.stringify(path.join(dir, 'data'))}\n`,
	);
});

test.after.always(async () => {
	for (const session of sessions) session.kill();
	if (dir) await rm(dir, {recursive: true, force: true});
});

/**
 * SGR sequences that set a colour: 30-48 and 90-107 (38 and 48 start 256 and true colours). 39
 * and 49 (the default colours) are left out: tmux's capture adds them after every reset.
 */
function colourCodes(styled: string): string[] {
	const isColour = (n: number) => ((n >= 30 && n <= 48) || (n >= 90 && n <= 107)) && n !== 39;
	return [...styled.matchAll(/\u001B\[([0-9;]*)m/g)]
		.filter(match => match[1]!.split(';').map(Number).some(isColour))
		.map(match => JSON.stringify(match[0]));
}

/** The UI started and settled: the panes drawn and the host's refusal shown. */
async function started(env: Record<string, string>, unset: string[]): Promise<TmuxUi> {
	const ui = tmuxUi();
	sessions.push(ui);
	ui.start(config, {columns: 120, rows: 30, env, unset});
	await ui.see(text => text.includes('1 Prompts') && text.includes('cannot connect to 127.0.0.1'), 'the UI up, the host refusing');
	return ui;
}

serial('with NO_COLOR=1 the terminal gets no colour codes; without it, it does', async t => {
	t.timeout(120_000);
	const plain = await started({NO_COLOR: '1'}, ['FORCE_COLOR']);
	const styled = plain.styledScreen();
	t.deepEqual(colourCodes(styled), [], 'no colour with NO_COLOR');
	t.regex(styled, /\u001B\[[0-9;]*m/, 'attributes still drawn (bold, dim): the capture has styles at all');
	t.true(plain.screen().includes('▶ 2 Runs'), 'the focused pane is marked in text');
	plain.keys('q');
	await plain.see(text => text.includes('EXITED 0'), 'the UI quit');

	const coloured = await started({}, ['NO_COLOR', 'FORCE_COLOR']);
	t.not(colourCodes(coloured.styledScreen()).length, 0, 'colours without NO_COLOR');
	coloured.keys('q');
	await coloured.see(text => text.includes('EXITED 0'), 'the UI quit');
});
