// End to end: the real cosmos-tui in tmux, against the sandbox GPU host (one GPU) over SSH. Keys go
// in with send-keys, the screen comes back with capture-pane. Create a prompt, run it (a real
// background worker, `cosmos-tui worker --once`, launches it; its log and progress show live),
// rerun it with edited weights: the GPU is taken, so the rerun waits in the queue view (4).
// Cancel the first run after confirming: the rerun starts (its weights checked in the spec on
// the host). Quit: the screen says what goes on. Needs root (the sandbox host); skipped otherwise.
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import test from 'ava';
import {sandboxConfigToml} from '../../sandbox/host/cosmos-config.js';
import {canRunSandbox, startSandboxHost, type SandboxHost} from '../helpers/sandbox-host.js';
import {SAMPLE_DIR} from '../helpers/temp.js';
import {waitFor} from '../ui/helpers/wait-for.js';
import {stopUiWorker, tmuxUi} from './tmux-ui.js';

const serial = canRunSandbox() ? test.serial : test.serial.skip;
const ui = tmuxUi();
const {screen, keys, type, see} = ui;
/** How long the stand-in takes per run: long enough to watch it, and to kill one. */
const RUN_SECONDS = 300;

let sandbox: SandboxHost | undefined;
let dir = '';
let config = '';

test.before(async t => {
	if (!canRunSandbox()) return;
	t.timeout(15 * 60_000, 'the first sandbox start installs packages and builds the image');
	// One GPU: a second run has to wait for the first.
	sandbox = await startSandboxHost({gpus: 1});
	dir = await mkdtemp(path.join(tmpdir(), 'cosmos-tui-e2e-'));
});

test.after.always(async () => {
	ui.kill();
	if (config) await stopUiWorker(config);
	await sandbox?.stop();
	if (dir) await rm(dir, {recursive: true, force: true});
});

/** The selected run, as the details strip names it: "rs_0123456789ab running · ...". */
function selectedRun(text: string): {id: string; status: string} | null {
	const match = /^(rs_[0-9a-f]{12}) (queued|launching|running|success|failed|cancelled)\b/m.exec(text);
	return match ? {id: match[1]!, status: match[2]!} : null;
}

/** A config pointing at the sandbox; its stand-in model runs slowly enough to watch and to kill. */
function writeConfig(host: SandboxHost): string {
	writeFileSync(path.join(host.remoteDir, 'cosmos-sim.json'), JSON.stringify({mode: 'slow', seconds: RUN_SECONDS, clips: 2}));
	const file = path.join(dir, 'config.toml');
	writeFileSync(file, sandboxConfigToml(host, path.join(dir, 'data')));
	return file;
}

serial('create a prompt, run it, rerun it (queued behind it), cancel the first: the rerun starts; quit', async t => {
	t.timeout(10 * 60_000);
	const host = sandbox!;
	config = writeConfig(host);
	const hostName = host.host; // [remote] host names the host in the UI
	ui.start(config, {columns: 160, rows: 45});

	await see(text => text.includes('1 Prompts') && text.includes(`${hostName} ●`), 'the UI connected to the sandbox host');
	t.pass('connected');

	// A prompt from the sample videos.
	keys('c');
	await see(text => text.includes('New prompt'), 'the new-prompt form');
	type('a wet street at night with neon reflections');
	keys('Tab');
	type('wet_street_night');
	keys('Tab');
	type('blurry, daylight');
	keys('Tab', 'C-u');
	type(`${SAMPLE_DIR}/`);
	keys('Enter');
	const created = await see(text => text.includes('created; r runs it'), 'the prompt was created');
	t.regex(created, /wet_street_night/);

	// Run it with the defaults: queued, then a background worker launches it; its log (tailed
	// from the file the worker writes) and progress come live.
	keys('r');
	await see(text => text.includes('Run wet_street_night'), 'the launch form');
	keys('Enter');
	const running = await see(text => selectedRun(text)?.status === 'running' && /\|INFO\|cosmos_transfer1/.test(text), 'the first run running with log lines', 120_000);
	const first = selectedRun(running)!.id;
	await see(text => /\d+% \d/.test(text) && text.includes(`3 Logs · ${first} · following`), 'progress and a following log');
	await see(text => text.includes(`${hostName} ● 0:${first.slice(0, 9)}`), 'the header: the one GPU, with the run on it');
	t.pass(`first run ${first} running`);

	// Rerun it with edited weights: vis up one step (0.30), edge typed (0.9). The GPU is taken: it waits.
	keys('e');
	await see(text => text.includes(`Rerun ${first}`), 'the weights editor');
	keys('Right', 'Tab');
	type('0.9');
	keys('Enter');
	const queued = await see(text => {
		const selected = selectedRun(text);
		return selected !== null && selected.id !== first && selected.status === 'queued' && text.includes(`rerun of ${first}`);
	}, 'the rerun selected, queued', 60_000);
	const second = selectedRun(queued)!.id;
	await see(text => text.includes('○1 queued') && text.includes('#1 in the queue'), 'counted as queued, first in line');

	// The queue view: the first run on the GPU, the rerun first in line and why it waits.
	keys('4');
	const queueView = await see(
		text => text.includes('Launching and running (1)') && new RegExp(`1  ${second}  any host +1  .+waiting for 1 GPU\\(s\\): ${hostName.replaceAll('.', '\\.')}: 0 of 1 free`).test(text),
		'the rerun waiting in the queue view',
	);
	t.regex(queueView, new RegExp(`${first}  running +on ${hostName.replaceAll('.', '\\.')} GPU 0`));
	t.regex(queueView, /worker pid \d+/, 'a background worker dispatches');
	t.false(existsSync(path.join(host.remoteDir, '.cosmos-tui', 'runs', second)), 'nothing of the rerun on the host yet');

	// Cancel the first run from the queue view: x asks, No is the default, y confirms.
	keys('j');
	await see(text => selectedRun(text)?.id === first, 'the first run selected in the queue view');
	keys('x');
	await see(text => text.includes('Cancel run') && text.includes(`Stop run ${first} on ${hostName}?`), 'the cancel confirmation');
	keys('x');
	t.true(screen().includes('Cancel run'), 'x again does not confirm');
	keys('y');
	await see(text => text.includes('Launching and running (1)') && text.includes(`${second}  `) && text.includes('Queued (0)'), 'the rerun started on the freed GPU', 120_000);
	const specPath = path.join(host.remoteDir, '.cosmos-tui', 'runs', second, 'spec.json');
	await waitFor(() => existsSync(specPath), {timeoutMs: 120_000, message: () => `no ${specPath}`});
	const spec = JSON.parse(readFileSync(specPath, 'utf8')) as Record<string, {control_weight?: number}>;
	t.is(spec['vis']?.control_weight, 0.3);
	t.is(spec['edge']?.control_weight, 0.9);
	t.is(spec['depth']?.control_weight, 0.25);
	t.is(spec['seg']?.control_weight, 0.25);

	// Back in the runs pane: the rerun (still selected there) running with its log, the first cancelled.
	keys('2');
	await see(text => selectedRun(text)?.id === second && selectedRun(text)?.status === 'running' && text.includes(`3 Logs · ${second}`), 'the rerun running', 120_000);
	await see(text => /\|INFO\|cosmos_transfer1/.test(text), 'its log');
	keys('j');
	await see(text => selectedRun(text)?.id === first && selectedRun(text)?.status === 'cancelled', 'the first run cancelled', 120_000);

	t.log(screen());

	// Quit: the terminal comes back and says the rerun goes on.
	keys('q');
	const after = await see(text => text.includes('EXITED 0'), 'the UI exited');
	t.regex(after, new RegExp(`1 run keeps going on the host: ${second} \\(running\\)`));
	t.false(after.includes('1 Prompts'), 'the alternate screen is gone');
	t.log(after.trimEnd());
});
