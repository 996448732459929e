// The real full-screen UI in tmux with a Slurm cluster as the GPU host (startSlurmSandbox): a prompt
// run from the UI goes through sbatch; a second run waits in Slurm's queue and says why; the queue
// view shows the partition and its node's GPUs; cancelling a run scancels its job.
import {writeFileSync} from 'node:fs';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import test from 'ava';
import {sandboxConfigToml} from '../../sandbox/host/cosmos-config.js';
import {type SlurmSandbox, canRunSlurm, startSlurmSandbox} from '../helpers/slurm-cluster.js';
import {SAMPLE_DIR} from '../helpers/temp.js';
import {stopUiWorker, tmuxUi} from './tmux-ui.js';

const serial = canRunSlurm() ? test.serial : test.serial.skip;
const ui = tmuxUi('slurm');
const {keys, type, see} = ui;

let slurm: SlurmSandbox | undefined;
let dir = '';
let config = '';

test.before(async () => {
	if (!canRunSlurm()) return;
	slurm = await startSlurmSandbox({gpus: 1});
	dir = await mkdtemp(path.join(tmpdir(), 'cosmos-tui-e2e-slurm-'));
});

test.after.always(async () => {
	ui.kill();
	if (config) await stopUiWorker(config);
	await slurm?.stop();
	if (dir) await rm(dir, {recursive: true, force: true});

});

serial('from the UI on a Slurm host: run, a second run queued on the cluster with its reason, the queue view, cancel', async t => {
	t.timeout(5 * 60_000);
	const host = slurm!.sandbox;
	writeFileSync(path.join(host.remoteDir, 'cosmos-sim.json'), JSON.stringify({mode: 'slow', seconds: 300, clips: 2}));
	config = path.join(dir, 'config.toml');
	writeFileSync(config, sandboxConfigToml(host, path.join(dir, 'data'), {slurm: true, lease_seconds: 3}));
	ui.start(config, {columns: 160, rows: 45});
	await see(text => text.includes('1 Prompts') && text.includes('0/1 GPUs busy'), 'the UI reached the cluster');

	keys('c');
	await see(text => text.includes('New prompt'), 'the new-prompt form');
	type('a harbour at dawn');
	keys('Up', 'C-u');
	type(`${SAMPLE_DIR}/`);
	await see(text => text.includes(`Folder   ${SAMPLE_DIR}/`), 'the folder typed');
	keys('Enter');
	await see(text => text.includes('created; r runs it'), 'the prompt was created');

	keys('r');
	await see(text => text.includes('Run harbour_dawn'), 'the launch form');
	keys('Enter');
	await see(text => /^rs_[0-9a-f]{12} running/m.test(text) && /\|INFO\|cosmos_transfer1/.test(text), 'the first run running, its log live', 120_000);
	await see(text => text.includes('1/1 GPUs busy'), 'the header: the node GPU allocated');

	keys('1');
	await see(text => text.includes('▶ 1 Prompts'), 'the prompts pane');
	keys('r');
	await see(text => text.includes('Run harbour_dawn'), 'the launch form again');
	keys('Enter');
	await see(text => text.includes('queued on cluster: Resources'), 'the second run waits in Slurm\'s queue, and says why', 60_000);

	keys('4');
	await see(text => text.includes('partition gpu') && text.includes('GPUs 1 of 1 allocated'), 'the queue view: partition and node GPUs');

	keys('2');
	await see(text => text.includes('▶ 2 Runs'), 'the runs pane');
	keys('x');
	await see(text => text.includes('Cancel'), 'the cancel question');
	keys('y');
	await see(text => /■1 cancelled/.test(text), 'the run cancelled', 60_000);
	t.pass();
});
