import {readFile} from 'node:fs/promises';
import test from 'ava';
import {ConflictError, HostError} from '../../source/domain/errors.js';
import {DEFAULT_CONFIG} from '../../source/config/schema.js';
import {WorkflowService} from '../../source/service/workflow-service.js';
import {openStore} from '../../source/store/index.js';
import {gate} from '../helpers/fake-executor.js';
import {serviceFixture} from '../helpers/service.js';

async function pendingRun(f: Awaited<ReturnType<typeof serviceFixture>>) {
	const {prompt} = await f.service.createPrompt({text: 'a red car', videoDir: f.inputs});
	return f.service.createRun(prompt.id);
}

test('execute moves a run pending -> running -> success, saving its log, progress and outputs', async t => {
	const f = await serviceFixture();
	const run = await pendingRun(f);
	const seen: string[] = [];
	f.service.events.on('run-updated', r => seen.push(r.status));
	const lines: string[] = [];
	f.service.events.on('log', ({line}) => lines.push(line));
	const done = await f.service.executeRun(run.id);
	t.is(done.status, 'success');
	t.is(done.stage, 'done');
	t.is(done.progress?.fraction, 1);
	t.truthy(done.started_at);
	t.truthy(done.completed_at);
	t.is(typeof done.metrics['duration_s'], 'number');
	t.is(done.metrics['exit_code'], 0);
	t.deepEqual(done.remote, {host: 'fake', container: `cosmos-tui-${run.id}`, run_dir: `/remote/runs/${run.id}`});
	t.is(await readFile(done.outputs.video!, 'utf8'), 'fake video');
	t.deepEqual(lines, f.executor.script.lines);
	t.is(await readFile(f.service.files.logPath(run.id), 'utf8'), `${f.executor.script.lines.join('\n')}\n`);
	const progress = await f.service.files.readProgress(run.id);
	t.deepEqual(progress.map(p => p.stage), ['uploading', 'diffusion']);
	t.true(seen.includes('running'));
	t.is(seen.at(-1), 'success');
	await f.cleanup();
});

test('a failed run records its failure kind and message', async t => {
	const f = await serviceFixture();
	f.executor.script = {...f.executor.script, result: 'failed'};
	const done = await f.service.executeRun((await pendingRun(f)).id);
	t.is(done.status, 'failed');
	t.is(done.failure_kind, 'oom');
	t.is(done.error_message, 'out of GPU memory');
	await f.cleanup();
});

test('a launch that fails marks the run failed with the reason', async t => {
	const f = await serviceFixture();
	f.executor.script = {...f.executor.script, failLaunch: 'connection refused'};
	const run = await pendingRun(f);
	await t.throwsAsync(f.service.executeRun(run.id), {message: 'connection refused'});
	const after = f.service.getRun(run.id);
	t.is(after.status, 'failed');
	t.is(after.failure_kind, 'start_failed');
	t.is(after.error_message, 'could not start: connection refused');
	await f.cleanup();
});

test('a launched (detached) run is followed later, continuing the log without repeating lines', async t => {
	const f = await serviceFixture();
	const run = await pendingRun(f);
	const launched = await f.service.launchRun(run.id);
	t.is(launched.status, 'running');
	t.truthy(launched.remote);
	// Another follower saved the first line before it went away.
	const hold = gate();
	f.executor.script = {...f.executor.script, hold: hold.promise};
	const abort = new AbortController();
	const first = f.service.followRun(run.id, {signal: abort.signal});
	await new Promise<void>(resolve => {
		const off = f.service.events.on('progress', p => {
			if (p.stage === 'diffusion') {
				off();
				resolve();
			}
		});
	});
	abort.abort();
	const detached = await first;
	t.is(detached.status, 'running', 'detaching leaves the run going');
	f.executor.script = {...f.executor.script, hold: undefined};
	const done = await f.service.followRun(run.id);
	t.is(done.status, 'success');
	t.deepEqual(f.executor.follows.map(x => x.skipLines), [0, 2]);
	t.is(await readFile(f.service.files.logPath(run.id), 'utf8'), `${f.executor.script.lines.join('\n')}\n`);
	hold.open();
	await f.cleanup();
});

test('kill: a pending run is cancelled at once; a running one has exactly its container stopped', async t => {
	const f = await serviceFixture();
	const pending = await pendingRun(f);
	t.is((await f.service.killRun(pending.id)).status, 'cancelled');
	t.deepEqual(f.executor.killed, []);
	await t.throwsAsync(f.service.killRun(pending.id), {instanceOf: ConflictError, message: /is cancelled; nothing to kill/});

	const run = await f.service.rerun(pending.id);
	const hold = gate();
	f.executor.script = {...f.executor.script, hold: hold.promise};
	const following = f.service.executeRun(run.id);
	await new Promise<void>(resolve => {
		const off = f.service.events.on('progress', p => {
			if (p.run_id === run.id && p.stage === 'diffusion') {
				off();
				resolve();
			}
		});
	});
	const killed = await f.service.killRun(run.id);
	t.is(killed.status, 'cancelled');
	t.deepEqual(f.executor.killed.map(h => h.container), [`cosmos-tui-${run.id}`]);
	hold.open();
	const finished = await following;
	t.is(finished.status, 'cancelled', 'the follower does not turn a cancelled run into a success');
	await f.cleanup();
});

test('without a configured host, launching says so and leaves the run pending', async t => {
	const f = await serviceFixture();
	const run = await pendingRun(f);
	const store = await openStore(f.dataDir);
	const service = new WorkflowService({store, config: DEFAULT_CONFIG, dataDir: f.dataDir});
	await t.throwsAsync(service.executeRun(run.id), {instanceOf: HostError, message: /no GPU host configured/});
	t.is(service.getRun(run.id).status, 'pending');
	await service.close();
	await store.close();
	await f.cleanup();
});

test('a run cannot be launched twice', async t => {
	const f = await serviceFixture();
	const run = await pendingRun(f);
	await f.service.launchRun(run.id);
	await t.throwsAsync(f.service.launchRun(run.id), {instanceOf: ConflictError, message: /only a pending run can start/});
	t.is(f.executor.launched.length, 1);
	await f.cleanup();
});
