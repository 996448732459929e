// A run past its Slurm time limit, against the real single-machine Slurm: [slurm] time_limit = "1"
// (one minute, Slurm's smallest) and the stand-in silent after its first diffusion step. Slurm
// ends the job between 60 and 90 s after it starts (its time-limit check runs every 30 s), so this
// test is a file of its own (about 90 s) beside the faster slurm-executor.test.ts.
import test from 'ava';
import type {Config} from '../../source/config/schema.js';
import {createHostShell} from '../../source/executor/create-executor.js';
import type {HostShell} from '../../source/executor/host-shell.js';
import {SlurmExecutor} from '../../source/executor/slurm/slurm-executor.js';
import {Recorder, type SimOptions, makeJob, sandboxConfig, testOptions} from '../executor-integration/harness.js';
import {type SlurmSandbox, canRunSlurm, pollUntil, startSlurmSandbox} from '../helpers/slurm-cluster.js';
import {tempDir} from '../helpers/temp.js';

const serial = canRunSlurm() ? test.serial : test.serial.skip;
let slurm: SlurmSandbox;
let dir: string;
let cleanup: () => Promise<void>;
let config: Config;
let probe: HostShell;
const sims = new Map<string, SimOptions>();

test.before(async () => {
	if (!canRunSlurm()) return;
	slurm = await startSlurmSandbox({gpus: 2});
	({dir, cleanup} = await tempDir('cosmos-slurm-limit-'));
	config = sandboxConfig(slurm.sandbox, dir, c => {
		c.remote.kind = 'slurm';
		c.slurm.container = 'docker';
		c.slurm.time_limit = '1';
		c.monitor.stall_seconds = 5;
	});
	probe = await createHostShell(config, testOptions(dir, sims));
});
test.after.always(async () => {
	await probe?.close();
	await slurm?.stop();
	await cleanup?.();
});

serial('a stalled run past time_limit: flagged stalled, then ended by Slurm and classified as the time limit; no container left', async t => {
	t.timeout(150_000);
	const shell = await createHostShell(config, testOptions(dir, sims));
	const executor = new SlurmExecutor({shell, config, host: config.remote.host, description: shell.description, specExtras: testOptions(dir, sims).specExtras, pollMs: 500});
	t.teardown(async () => executor.close());
	const job = await makeJob(dir);
	sims.set(job.run.id, {mode: 'stall', stall_seconds: 600});
	const recorder = new Recorder();
	const handle = await executor.launch(job, recorder.events);
	const following = executor.follow(handle, job, recorder.events, {skipLines: 0});
	following.catch(() => undefined);

	await recorder.until(() => recorder.stalled.includes(true));
	t.true(recorder.stalledAfter[0]?.includes('Starting diffusion sampling'), 'silence after the first diffusion step is a stall');

	const result = await following;
	t.is(result.status, 'failed');
	t.is(result.failureKind, 'time_limit');
	t.regex(result.errorMessage ?? '', /time limit/);
	t.is(result.metrics['slurm_state'], 'TIMEOUT');
	await pollUntil(async () => {
		const left = await probe.exec(['docker', 'ps', '-a', '--filter', `name=^cosmos-tui-${job.run.id}$`, '--format', '{{.Names}}']);
		return left.code === 0 && left.stdout.trim() === '' ? true : undefined;
	}, 15_000, 'the container to be removed');
});
