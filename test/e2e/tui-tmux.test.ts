// End to end: the real cosmos-tui in tmux, against the sandbox GPU host over SSH. Keys go in with
// send-keys, the screen comes back with capture-pane: create a prompt, run it (live log and
// progress), rerun it with edited weights (checked in the spec on the host), kill a run after
// confirming, quit (the screen says what goes on). Needs root (the sandbox host); skipped otherwise.
import {execFileSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import test from 'ava';
import {sandboxConfigToml} from '../../sandbox/host/cosmos-config.js';
import {canRunSandbox, startSandboxHost, type SandboxHost} from '../helpers/sandbox-host.js';
import {REPO_ROOT, SAMPLE_DIR} from '../helpers/temp.js';
import {waitFor} from '../ui/helpers/wait-for.js';

const serial = canRunSandbox() ? test.serial : test.serial.skip;
/** A tmux server of our own: other tmux users on the machine are not touched. */
const SOCKET = `cosmos-tui-e2e-${randomBytes(4).toString('hex')}`;
const SESSION = 'ui';
/** How long the stand-in takes per run: long enough to watch it, and to kill one. */
const RUN_SECONDS = 300;

let sandbox: SandboxHost | undefined;
let dir = '';

test.before(async t => {
	if (!canRunSandbox()) return;
	t.timeout(15 * 60_000, 'the first sandbox start installs packages and builds the image');
	sandbox = await startSandboxHost();
	dir = await mkdtemp(path.join(tmpdir(), 'cosmos-tui-e2e-'));
});

test.after.always(async () => {
	tmux('kill-server');
	await sandbox?.stop();
	if (dir) await rm(dir, {recursive: true, force: true});
});

function tmux(...args: string[]): string {
	try {
		return execFileSync('tmux', ['-L', SOCKET, ...args], {encoding: 'utf8'});
	} catch {
		return '';
	}
}

const screen = () => tmux('capture-pane', '-p', '-t', SESSION);
const keys = (...names: string[]) => tmux('send-keys', '-t', SESSION, ...names);
const type = (text: string) => tmux('send-keys', '-t', SESSION, '-l', text);

async function see(condition: (text: string) => boolean, what: string, timeoutMs = 60_000): Promise<string> {
	await waitFor(() => condition(screen()), {timeoutMs, message: () => `${what}; the screen:\n${screen()}`});
	return screen();
}

/** The selected run, as the details strip names it: "rs_0123456789ab running · ...". */
function selectedRun(text: string): {id: string; status: string} | null {
	const match = /^(rs_[0-9a-f]{12}) (pending|running|success|failed|cancelled) ·/m.exec(text);
	return match ? {id: match[1]!, status: match[2]!} : null;
}

/** A config pointing at the sandbox; its stand-in model runs slowly enough to watch and to kill. */
function writeConfig(host: SandboxHost): string {
	writeFileSync(path.join(host.remoteDir, 'cosmos-sim.json'), JSON.stringify({mode: 'slow', seconds: RUN_SECONDS, clips: 2}));
	const file = path.join(dir, 'config.toml');
	writeFileSync(file, sandboxConfigToml(host, path.join(dir, 'data')));
	return file;
}

serial('create a prompt, run it, watch it, rerun with new weights, kill a run, quit', async t => {
	t.timeout(10 * 60_000);
	const host = sandbox!;
	const config = writeConfig(host);
	const tsx = import.meta.resolve('tsx');
	// CI=false: Ink draws only the last frame when it thinks it runs in CI.
	const command = `cd ${REPO_ROOT} && CI=false node --import ${tsx} source/cli/main.ts --config ${config}; echo "EXITED $?"; sleep 600`;
	tmux('new-session', '-d', '-s', SESSION, '-x', '160', '-y', '45', '-e', 'TERM=xterm-256color', command);

	await see(text => text.includes('1 Prompts') && text.includes('● connected'), 'the UI connected to the sandbox host');
	t.pass('connected');

	// A prompt from the sample videos.
	keys('c');
	await see(text => text.includes('New prompt'), 'the new-prompt form');
	type('a wet street at night with neon reflections');
	keys('Tab', 'C-u');
	type(`${SAMPLE_DIR}/`);
	keys('Enter');
	const created = await see(text => text.includes('created; r runs it'), 'the prompt was created');
	t.regex(created, /wet_street_night/);

	// Run it with the defaults; its log and progress come live.
	keys('r');
	await see(text => text.includes('Run wet_street_night'), 'the launch form');
	keys('Enter');
	const running = await see(text => selectedRun(text)?.status === 'running' && /\|INFO\|cosmos_transfer1/.test(text), 'the first run running with log lines', 120_000);
	const first = selectedRun(running)!.id;
	await see(text => /\d+% \d/.test(text) && text.includes(`3 Logs · ${first} · following`), 'progress and a following log');
	t.pass(`first run ${first} running`);

	// Rerun it with edited weights: vis up one step (0.30), edge typed (0.9).
	keys('e');
	await see(text => text.includes(`Rerun ${first}`), 'the weights editor');
	keys('Right', 'Tab');
	type('0.9');
	keys('Enter');
	const rerunning = await see(text => {
		const selected = selectedRun(text);
		return selected !== null && selected.id !== first && text.includes(`rerun of ${first}`);
	}, 'the rerun selected', 120_000);
	const second = selectedRun(rerunning)!.id;
	const specPath = path.join(host.remoteDir, '.cosmos-tui', 'runs', second, 'spec.json');
	await waitFor(() => existsSync(specPath), {timeoutMs: 120_000, message: () => `no ${specPath}`});
	const spec = JSON.parse(readFileSync(specPath, 'utf8')) as Record<string, {control_weight?: number}>;
	t.is(spec['vis']?.control_weight, 0.3);
	t.is(spec['edge']?.control_weight, 0.9);
	t.is(spec['depth']?.control_weight, 0.25);
	t.is(spec['seg']?.control_weight, 0.25);
	await see(text => selectedRun(text)?.status === 'running', 'the rerun running', 120_000);

	// Kill the rerun: x asks, No is the default, y confirms.
	keys('x');
	await see(text => text.includes('Kill run') && text.includes(`Stop run ${second} on the host?`), 'the kill confirmation');
	keys('x');
	t.true(screen().includes('Kill run'), 'x again does not confirm');
	keys('y');
	await see(text => selectedRun(text)?.id === second && selectedRun(text)?.status === 'cancelled', 'the rerun cancelled', 120_000);

	t.log(screen());

	// Quit: the terminal comes back and says the first run goes on.
	keys('q');
	const after = await see(text => text.includes('EXITED 0'), 'the UI exited');
	t.regex(after, new RegExp(`1 run keeps going on the host: ${first} \\(running\\)`));
	t.false(after.includes('1 Prompts'), 'the alternate screen is gone');
	t.log(after.trimEnd());
});
