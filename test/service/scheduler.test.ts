// The scheduler with in-process fake hosts: the life of a run, the queue, placement, cancel and
// recovery. (The same against the real sandbox host: test/scheduler-integration/.)
import {readFile, writeFile, mkdir} from 'node:fs/promises';
import test from 'ava';
import {ValidationError} from '../../source/domain/errors.js';
import type {Run} from '../../source/domain/model.js';
import {DEFAULT_CONFIG} from '../../source/config/schema.js';
import {parseAxis} from '../../source/domain/sweep.js';
import {followLease} from '../../source/service/scheduler/leases.js';
import {WorkflowService} from '../../source/service/workflow-service.js';
import {openStore} from '../../source/store/index.js';
import {gate} from '../helpers/fake-executor.js';
import {type ServiceFixture, fixtureFor} from '../helpers/service.js';

async function queuedRun(f: ServiceFixture, gpus = 1, submit = {}): Promise<Run> {
	const {prompt} = await f.service.createPrompt({text: 'a red car', videoDir: f.inputs});
	return f.service.createRun(prompt.id, {parameters: {num_gpus: gpus}}, null, submit);
}

test('a run goes queued -> launching -> running -> success on its own GPU, with its log, progress and outputs', async t => {
	const f = await fixtureFor(t);
	const run = await queuedRun(f);
	t.is(run.status, 'queued');
	const seen: string[] = [];
	f.service.events.on('run-updated', r => {
		if (r.id === run.id && seen.at(-1) !== r.status) seen.push(r.status);
	});
	const done = await f.runToEnd(run.id);
	t.is(done.status, 'success');
	t.deepEqual(seen, ['launching', 'running', 'success']);
	t.deepEqual(done.placement, {host: 'fake', gpus: [0]});
	t.deepEqual(f.executor.launched.map(job => job.gpus), [[0]]);
	t.deepEqual(done.remote, {backend: 'docker', host: 'fake', job: `cosmos-tui-${run.id}`, run_dir: `/remote/runs/${run.id}`});
	t.is(await readFile(done.outputs.video!, 'utf8'), 'fake video');
	t.is(await readFile(f.service.files.logPath(run.id), 'utf8'), `${f.executor.script.lines.join('\n')}\n`);
	t.deepEqual((await f.service.files.readProgress(run.id)).map(p => p.stage), ['uploading', 'diffusion']);
	t.is(done.metrics['exit_code'], 0);
});

test('a failed run records its failure; a failed launch records start_failed', async t => {
	const f = await fixtureFor(t);
	f.executor.script = {...f.executor.script, result: 'failed'};
	const failed = await f.runToEnd((await queuedRun(f)).id);
	t.is(failed.status, 'failed');
	t.is(failed.failure_kind, 'oom');
	f.executor.script = {...f.executor.script, failLaunch: 'connection refused'};
	const notStarted = await f.runToEnd((await queuedRun(f)).id);
	t.is(notStarted.status, 'failed');
	t.is(notStarted.failure_kind, 'start_failed');
	t.is(notStarted.error_message, 'could not start: connection refused');
	t.is(notStarted.metrics['launch_attempts'], 3, 'tried three times before failing');
	f.executor.script = {...f.executor.script, result: 'success', failLaunch: 'connection reset', failLaunchTimes: 1};
	const second = await f.runToEnd((await queuedRun(f)).id);
	t.is(second.status, 'success', 'a launch that failed once is queued again and runs');
	t.is(second.metrics['launch_attempts'], 2);
});

test('5 one-GPU runs on 2 GPUs: at most 2 at once, never two on a GPU, all succeed in priority then submission order', async t => {
	const f = await fixtureFor(t);
	const holds = new Map<string, ReturnType<typeof gate>>();
	f.executor.script = {...f.executor.script, holdFor: job => holds.get(job.run.id)?.promise};
	const {prompt} = await f.service.createPrompt({text: 'a red car', videoDir: f.inputs});
	const runs: Run[] = [];
	for (const priority of [0, 0, 5, 0, 5]) runs.push(await f.service.createRun(prompt.id, {}, null, {priority}));
	for (const run of runs) holds.set(run.id, gate());
	f.startWorker();
	const expected = [runs[2]!, runs[4]!, runs[0]!, runs[1]!, runs[3]!].map(run => run.id);
	// Release each run as soon as it runs: the next starts only when a GPU is free.
	const launchedInOrder: string[] = [];
	for (let i = 0; i < 5; i++) {
		const next = await waitFor(f, () => f.executor.launched.map(job => job.run.id).find(id => !launchedInOrder.includes(id)));
		launchedInOrder.push(next);
		if (launchedInOrder.length >= 2 || i === 4) holds.get(launchedInOrder[launchedInOrder.length - 2] ?? next)?.open();
	}
	for (const hold of holds.values()) hold.open();
	for (const run of runs) t.is((await f.waitForRun(run.id, r => r.status === 'success')).status, 'success');
	// The first two start together on the two free GPUs: which one reaches the host first is a race.
	t.deepEqual(launchedInOrder.slice(0, 2).sort(), expected.slice(0, 2).sort());
	t.deepEqual(launchedInOrder.slice(2), expected.slice(2));
	t.true(f.executor.maxRunning <= 2, `${f.executor.maxRunning} ran at once`);
	t.is(f.executor.maxRunning, 2);
	t.deepEqual(f.executor.gpuConflicts, []);
});

test('a 2-GPU run waits for both GPUs; more GPUs than the host has is refused at submit, with nothing written', async t => {
	const f = await fixtureFor(t);
	const hold = gate();
	f.executor.script = {...f.executor.script, holdFor: job => (job.run.parameters.num_gpus === 1 ? hold.promise : undefined)};
	const small = await queuedRun(f, 1);
	f.startWorker();
	await f.waitForRun(small.id, run => run.status === 'running');
	const big = await queuedRun(f, 2);
	const waiting = await waitFor(f, () => f.service.queueView().queued.find(entry => entry.run.id === big.id && entry.reason.includes('1 of 2 free')));
	t.regex(waiting.reason, /waiting for 2 GPU\(s\): fake: 1 of 2 free/);
	t.is(f.service.getRun(big.id).status, 'queued');
	hold.open();
	const done = await f.waitForRun(big.id, run => run.status === 'success');
	t.deepEqual(done.placement?.gpus, [0, 1]);
	const before = f.service.listRuns().length;
	const error = await t.throwsAsync(queuedRun(f, 3), {instanceOf: ValidationError});
	t.is(error?.message, 'a run asking for 3 GPU(s) cannot start: fake has 2');
	t.is(f.service.listRuns().length, before);
});

test('a GPU busy with other processes is skipped and the queue says why', async t => {
	const f = await fixtureFor(t);
	f.executor.gpuList = f.executor.gpuList.map(gpu => (gpu.index === 0 ? {...gpu, memoryUsedMiB: 30_000} : gpu));
	const hold = gate();
	f.executor.script = {...f.executor.script, hold: hold.promise};
	const first = await queuedRun(f);
	const second = await queuedRun(f);
	f.startWorker();
	const running = await f.waitForRun(first.id, run => run.status === 'running');
	t.deepEqual(running.placement?.gpus, [1]);
	const entry = await waitFor(f, () => f.service.queueView().queued.find(item => item.run.id === second.id));
	t.regex(entry.reason, /GPU 0 busy with other processes/);
	t.true(f.service.queueView().hosts[0]!.gpus!.find(gpu => gpu.index === 0)!.busy);
	hold.open();
	await f.waitForRun(second.id, run => run.status === 'success');
	t.deepEqual(f.service.getRun(second.id).placement?.gpus, [1]);
});

test('cancel while queued leaves the queue without touching a host', async t => {
	const f = await fixtureFor(t);
	const run = await queuedRun(f);
	const cancelled = await f.service.cancelRun(run.id);
	t.is(cancelled.status, 'cancelled');
	t.is(cancelled.error_message, 'cancelled while queued');
	t.is(await f.service.runWorker({once: true}), 'idle');
	t.deepEqual(f.executor.launched, []);
});

test('cancel while launching aborts the launch and removes any job on the host', async t => {
	const f = await fixtureFor(t);
	const launch = gate();
	f.executor.script = {...f.executor.script, holdLaunch: launch.promise};
	const run = await queuedRun(f);
	f.startWorker();
	await f.waitForRun(run.id, r => r.status === 'launching');
	await f.service.cancelRun(run.id);
	const done = await f.waitForRun(run.id, r => r.status === 'cancelled');
	t.is(done.error_message, 'cancelled while launching');
	t.deepEqual(f.executor.launched, [], 'the job was never started');
	t.true(f.executor.removed.includes(run.id));
	t.is(f.executor.jobs.size, 0);
});

test('cancel while running stops exactly that job', async t => {
	const f = await fixtureFor(t);
	const hold = gate();
	f.executor.script = {...f.executor.script, hold: hold.promise};
	const run = await queuedRun(f);
	const other = await queuedRun(f);
	f.startWorker();
	await f.waitForRun(run.id, r => r.status === 'running');
	await f.waitForRun(other.id, r => r.status === 'running');
	await f.service.cancelRun(run.id);
	const done = await f.waitForRun(run.id, r => r.status === 'cancelled');
	t.is(done.error_message, 'cancelled by user');
	t.deepEqual(f.executor.killed.map(handle => handle.job), [`cosmos-tui-${run.id}`]);
	t.is(f.service.getRun(other.id).status, 'running');
	hold.open();
	await f.waitForRun(other.id, r => r.status === 'success');
});

/** Writes a run into the state a dead launcher left it in. */
async function orphan(f: ServiceFixture, stage: 'uploading' | 'starting', withJob: boolean): Promise<Run> {
	const run = await queuedRun(f);
	await f.service.pauseHosts(); // nothing dispatches it meanwhile
	const {store} = f;
	await store.write(tx => tx.update('runs', run.id, {status: 'launching', stage, placement: {host: 'fake', gpus: [1]}, started_at: new Date().toISOString()}));
	if (withJob) f.executor.jobs.set(run.id, {backend: 'docker', host: 'fake', job: `cosmos-tui-${run.id}`, run_dir: `/remote/runs/${run.id}`});
	await f.service.resumeHosts();
	return run;
}

test('recovery: a run whose launcher died during the upload goes back to the queue and runs exactly once', async t => {
	const f = await fixtureFor(t);
	const run = await orphan(f, 'uploading', false);
	const done = await f.runToEnd(run.id);
	t.is(done.status, 'success');
	t.is(f.executor.launched.filter(job => job.run.id === run.id).length, 1);
});

test('recovery: a job that exists is followed; none after the start is a failure', async t => {
	const f = await fixtureFor(t);
	const started = await orphan(f, 'starting', true);
	const lost = await orphan(f, 'starting', false);
	t.is((await f.runToEnd(started.id)).status, 'success');
	t.deepEqual(f.executor.launched, [], 'nothing was launched again');
	const failed = await f.waitForRun(lost.id, run => run.status === 'failed');
	t.is(failed.error_message, 'launcher stopped before the container started');
});

test('a follower lease held by a dead process lapses, and an old follower.pid of a live process blocks nothing', async t => {
	const f = await fixtureFor(t);
	const {store} = f;
	const run = await orphan(f, 'starting', true);
	await store.write(tx => {
		tx.update('runs', run.id, {status: 'running', remote: f.executor.jobs.get(run.id)!});
		const now = new Date();
		tx.insert('leases', {id: followLease(run.id), holder: 'dead-host:999999:0', pid: 999_999, heartbeat_at: now.toISOString(), expires_at: new Date(now.getTime() + 1500).toISOString(), created_at: now.toISOString()});
	});
	await mkdir(f.service.files.dir(run.id), {recursive: true});
	await writeFile(`${f.service.files.dir(run.id)}/follower.pid`, String(process.pid));
	const done = await f.runToEnd(run.id);
	t.is(done.status, 'success');
	await waitFor(f, () => (store.get('leases', followLease(run.id)) === undefined ? true : undefined));
	t.pass('the lease was released after the follow');
});

test('one dispatcher at a time; the background worker gives up its lease when idle', async t => {
	const f = await fixtureFor(t);
	const {stop} = f.startWorker();
	await waitFor(f, () => f.service.queueView().worker);
	t.is(await f.service.runWorker({once: true}), 'busy', 'a second dispatcher in this process');
	const other = await openStore(f.dataDir);
	const otherProcess = new WorkflowService({store: other, config: DEFAULT_CONFIG, dataDir: f.dataDir});
	t.is(await otherProcess.runWorker({once: true}), 'busy', 'a dispatcher with another holder');
	await otherProcess.close();
	await other.close();
	await stop();
	t.is(f.service.queueView().worker, null);
	t.is(await f.service.runWorker({once: true}), 'idle');
});

test('two hosts: runs spread over both; a paused host starts nothing new', async t => {
	const f = await fixtureFor(t, {hosts: [{name: 'a', gpus: 1}, {name: 'b', gpus: 1}]});
	const hold = gate();
	for (const executor of f.executors) executor.script = {...executor.script, hold: hold.promise};
	const first = await queuedRun(f);
	const second = await queuedRun(f);
	f.startWorker();
	const placed = await Promise.all([first, second].map(run => f.waitForRun(run.id, r => r.status === 'running')));
	t.deepEqual(placed.map(run => run.placement?.host).sort(), ['a', 'b']);
	hold.open();
	await Promise.all([first, second].map(run => f.waitForRun(run.id, r => r.status === 'success')));
	await f.service.pauseHosts('a');
	const third = await queuedRun(f);
	const fourth = await queuedRun(f, 1, {host: 'a'});
	t.is((await f.waitForRun(third.id, r => r.status === 'success')).placement?.host, 'b');
	const entry = await waitFor(f, () => f.service.queueView().queued.find(item => item.run.id === fourth.id));
	t.regex(entry.reason, /a is paused/);
	t.is(f.service.getRun(fourth.id).status, 'queued');
	await f.service.resumeHosts('a');
	t.is((await f.waitForRun(fourth.id, r => r.status === 'success')).placement?.host, 'a');
});

test('queue moves: top, up, down reorder queued runs; a running run cannot move', async t => {
	const f = await fixtureFor(t);
	const runs: Run[] = [];
	for (let i = 0; i < 4; i++) runs.push(await queuedRun(f));
	const order = () => f.service.queueView().queued.map(entry => runs.findIndex(run => run.id === entry.run.id));
	t.deepEqual(order(), [0, 1, 2, 3]);
	await f.service.moveRun(runs[3]!.id, 'top');
	t.deepEqual(order(), [3, 0, 1, 2]);
	await f.service.moveRun(runs[1]!.id, 'up');
	t.deepEqual(order(), [3, 1, 0, 2]);
	await f.service.moveRun(runs[3]!.id, 'down');
	t.deepEqual(order(), [1, 3, 0, 2]);
	await f.service.moveRun(runs[1]!.id, 'bottom');
	t.deepEqual(order(), [3, 0, 2, 1]);
	const done = await f.runToEnd(runs[3]!.id);
	await t.throwsAsync(f.service.moveRun(done.id, 'up'), {message: /only a queued run can move/});
});

test('a sweep from a run makes the cartesian product, refuses more than --max, and a dry run writes nothing', async t => {
	const f = await fixtureFor(t);
	await f.service.pauseHosts();
	const base = await queuedRun(f);
	const axes = {vis: parseAxis('vis', '0.1:0.5:0.2'), edge: parseAxis('edge', '0.2,0.6')};
	const dry = await f.service.createSweep({from: base.id, axes, submit: {}, max: 64, dryRun: true});
	t.is(dry.points.length, 6);
	t.is(f.service.listRuns().length, 1);
	await t.throwsAsync(f.service.createSweep({from: base.id, axes, submit: {}, max: 4, dryRun: false}), {message: 'the sweep makes 6 runs; the limit is 4 (raise it with --max)'});
	t.is(f.service.listRuns().length, 1);
	const {sweep, runs} = await f.service.createSweep({from: base.id, axes, submit: {}, max: 64, dryRun: false});
	t.is(runs.length, 6);
	t.deepEqual(runs.map(run => [run.control_weights.vis, run.control_weights.edge]), [[0.1, 0.2], [0.1, 0.6], [0.3, 0.2], [0.3, 0.6], [0.5, 0.2], [0.5, 0.6]]);
	t.true(runs.every(run => run.sweep_id === sweep.id && run.parent_run_id === base.id && run.control_weights.depth === base.control_weights.depth));
	t.deepEqual(f.service.getSweepWithRuns(sweep.id).runs.map(run => run.id), runs.map(run => run.id));
});

/** Waits until probe() gives a value, checking on every service event (never a fixed sleep). */
function waitFor<T>(f: ServiceFixture, probe: () => T | undefined | null): Promise<T> {
	return new Promise(resolve => {
		const offs: Array<() => void> = [];
		const check = () => {
			const value = probe();
			if (value === undefined || value === null) return;
			for (const off of offs) off();
			resolve(value);
		};
		for (const event of ['run-updated', 'run-created', 'queue-changed', 'progress', 'log'] as const) offs.push(f.service.events.on(event, check));
		check();
	});
}

test('a worker that stops mid-run and a new one that reattaches: the run counts the reconnect', async t => {
	const f = await fixtureFor(t);
	const hold = gate();
	f.executor.script = {...f.executor.script, hold: hold.promise};
	const run = await queuedRun(f);
	const first = f.startWorker();
	await f.waitForRun(run.id, r => r.status === 'running' && r.stage === 'diffusion');
	await first.stop();
	f.startWorker();
	await waitFor(f, () => (f.executor.follows.length === 2 ? true : undefined));
	hold.open();
	const done = await f.waitForRun(run.id, r => r.status === 'success');
	t.deepEqual(f.executor.follows.map(follow => follow.skipLines), [0, f.executor.script.lines.length], 'the second follow continued the saved log');
	t.is(done.metrics['reconnects'], 1);
});

test('a cluster host takes runs at once up to max_submitted, with no GPU placement of ours, and more GPUs than any box', async t => {
	const f = await fixtureFor(t, {hosts: [{name: 'slurm', gpus: 0, cluster: {maxSubmitted: 2}}]});
	const hold = gate();
	f.executor.script = {...f.executor.script, holdFor: () => hold.promise};
	const {prompt} = await f.service.createPrompt({text: 'a red car', videoDir: f.inputs});
	const runs: Run[] = [];
	for (const gpus of [4, 1, 1]) runs.push(await f.service.createRun(prompt.id, {parameters: {num_gpus: gpus}}));
	f.startWorker();
	for (const run of runs.slice(0, 2)) t.deepEqual((await f.waitForRun(run.id, r => r.status === 'running')).placement, {host: 'slurm', gpus: []});
	const third = await waitFor(f, () => f.service.queueView().queued.find(entry => entry.run.id === runs[2]!.id && entry.reason.includes('max_submitted')));
	t.is(third.reason, 'waiting for 1 GPU(s): slurm: 2 of 2 jobs submitted (max_submitted)');
	hold.open();
	for (const run of runs) t.is((await f.waitForRun(run.id, r => r.status === 'success')).status, 'success');
	t.is(f.executor.maxRunning, 2);
});
