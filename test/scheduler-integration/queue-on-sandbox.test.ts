// The scheduler against a real sandbox GPU host (sshd + podman): GPUs per run read back from the
// containers on the host, waiting for GPUs, busy GPUs, cancel in every state, a dead follower's
// lease. Polling containerGpus() below only observes the host; every wait is for a condition.
import test from 'ava';
import {ValidationError} from '../../source/domain/errors.js';
import type {Run} from '../../source/domain/model.js';
import {followLease} from '../../source/service/scheduler/leases.js';
import {containerEvents, containerGpus} from '../helpers/sandbox-gpus.js';
import {startSandboxHost, type SandboxHost} from '../helpers/sandbox-host.js';
import type {ServiceFixture} from '../helpers/service.js';
import {bigInputs, onSandboxes, queueSim} from './harness.js';

let sandbox: SandboxHost;

test.before(async () => {
	sandbox = await startSandboxHost({gpus: 2});
});

test.after.always(async () => {
	await sandbox?.stop();
});

const finished = (f: ServiceFixture, runs: Run[]) => Promise.all(runs.map(run => f.waitForRun(run.id, r => !['queued', 'launching', 'running'].includes(r.status))));

/** Watches the host's containers until `done` settles: the most running at once, and GPU overlaps. */
async function watchHost(done: Promise<unknown>): Promise<{maxRunning: number; overlaps: string[]; gpusByRun: Map<string, string>}> {
	let over = false;
	void done.finally(() => {
		over = true;
	});
	let maxRunning = 0;
	const overlaps: string[] = [];
	const gpusByRun = new Map<string, string>();
	while (!over) {
		const running = (await containerGpus(sandbox)).filter(container => container.state === 'running' && container.runId);
		maxRunning = Math.max(maxRunning, running.length);
		const owners = new Map<string, string>();
		for (const container of running) {
			gpusByRun.set(container.runId!, container.gpus);
			for (const gpu of container.gpus.split(',')) {
				const owner = owners.get(gpu);
				if (owner && owner !== container.runId) overlaps.push(`GPU ${gpu}: ${owner} and ${container.runId}`);
				owners.set(gpu, container.runId!);
			}
		}
	}
	return {maxRunning, overlaps, gpusByRun};
}

test.serial('5 one-GPU runs on a 2-GPU host: at most 2 containers at once, never two on a GPU, all succeed in priority then submission order', async t => {
	sandbox.setGpus(2);
	const f = await onSandboxes({gpu: sandbox});
	t.teardown(f.cleanup);
	const since = Date.now();
	const runs: Run[] = [];
	for (const priority of [0, 0, 5, 0, 5]) runs.push(await queueSim(f, {mode: 'slow', seconds: 2, clips: 1}, {priority}));
	f.startWorker();
	const all = finished(f, runs);
	const seen = await watchHost(all);
	const done = await all;
	t.deepEqual(done.map(run => run.status), ['success', 'success', 'success', 'success', 'success']);
	t.true(seen.maxRunning <= 2, `${seen.maxRunning} containers ran at once`);
	t.deepEqual(seen.overlaps, []);
	for (const run of done) {
		t.is(run.placement?.gpus.length, 1);
		if (seen.gpusByRun.has(run.id)) t.is(seen.gpusByRun.get(run.id), String(run.placement!.gpus[0]), 'the container got exactly the placed GPU');
	}
	const creates = (await containerEvents(since)).filter(event => event.status === 'create' && runs.some(run => run.id === event.runId));
	t.deepEqual(creates.map(event => event.runId).sort(), runs.map(run => run.id).sort(), 'one container each');
	// Dispatched in priority, then submission order: each run was placed no earlier than the runs
	// ahead of it (two placed at once may start their containers in either order).
	const placedAt = [runs[2]!, runs[4]!, runs[0]!, runs[1]!, runs[3]!].map(run => Date.parse(done.find(d => d.id === run.id)!.started_at!));
	t.deepEqual(placedAt, [...placedAt].sort((x, y) => x - y));
	t.true(placedAt[2]! >= Math.max(placedAt[0]!, placedAt[1]!) && placedAt[2]! > placedAt[0]!, 'the third waited for a GPU');
});

test.serial('a 2-GPU run waits for both GPUs; 3 GPUs is refused at submit; a GPU busy with other processes is skipped', async t => {
	sandbox.setGpus(2);
	const f = await onSandboxes({gpu: sandbox});
	t.teardown(f.cleanup);
	const since = Date.now();
	const small = await queueSim(f, {mode: 'slow', seconds: 3, clips: 1});
	f.startWorker();
	await f.waitForRun(small.id, run => run.status === 'running');
	const big = await queueSim(f, {mode: 'ok'}, {gpus: 2});
	t.regex(f.service.queueView().queued.find(entry => entry.run.id === big.id)?.reason ?? '', /waiting for 2 GPU\(s\): gpu: 1 of 2 free/);
	const [bigDone] = await finished(f, [big]);
	t.is(bigDone!.status, 'success');
	t.deepEqual(bigDone!.placement?.gpus, [0, 1]);
	const events = await containerEvents(since);
	const smallDied = events.find(event => event.runId === small.id && event.status === 'died')!;
	const bigCreated = events.find(event => event.runId === big.id && event.status === 'create')!;
	t.is(bigCreated.gpus, '0,1');
	t.true(bigCreated.time >= smallDied.time, 'the 2-GPU container started only after the other had exited');
	const error = await t.throwsAsync(queueSim(f, {mode: 'ok'}, {gpus: 3}), {instanceOf: ValidationError});
	t.is(error?.message, 'a run asking for 3 GPU(s) cannot start: gpu has 2');

	sandbox.setGpus(2, [0]); // a foreign process fills GPU 0 (a new fixture reads nvidia-smi afresh)
	const busy = await onSandboxes({gpu: sandbox});
	t.teardown(busy.cleanup);
	const runs = [await queueSim(busy, {mode: 'ok'}), await queueSim(busy, {mode: 'ok'})];
	busy.startWorker();
	for (const run of await finished(busy, runs)) {
		t.is(run.status, 'success');
		t.deepEqual(run.placement?.gpus, [1], 'never the busy GPU');
	}
	t.true(busy.service.queueView().hosts[0]!.gpus!.find(gpu => gpu.index === 0)!.busy);
	sandbox.setGpus(2);
});

test.serial('cancel while queued, while uploading (no container is ever made), and while running', async t => {
	sandbox.setGpus(1);
	const f = await onSandboxes({gpu: sandbox});
	t.teardown(f.cleanup);
	const since = Date.now();
	const big = await bigInputs(f.dir, 300);
	const uploading = await queueSim(f, {mode: 'ok'}, {videoDir: big});
	const queued = await queueSim(f, {mode: 'ok'});
	f.startWorker();
	await f.waitForRun(uploading.id, run => run.status === 'launching' && (run.progress?.message ?? '').startsWith('uploading'));
	t.is((await f.service.cancelRun(queued.id)).status, 'cancelled');
	await f.service.cancelRun(uploading.id);
	const cancelledUpload = await f.waitForRun(uploading.id, run => run.status === 'cancelled');
	t.is(cancelledUpload.error_message, 'cancelled while launching');
	t.is(f.service.getRun(queued.id).error_message, 'cancelled while queued');

	const running = await queueSim(f, {mode: 'slow', seconds: 60, clips: 2});
	await f.waitForRun(running.id, run => run.status === 'running');
	await f.service.cancelRun(running.id);
	const stopped = await f.waitForRun(running.id, run => run.status === 'cancelled');
	t.is(stopped.error_message, 'cancelled by user');
	const events = await containerEvents(since);
	t.deepEqual(events.filter(event => event.runId === uploading.id || event.runId === queued.id), [], 'no container for the runs cancelled before they started');
	t.true(events.some(event => event.runId === running.id && event.status === 'died'));
	t.false((await containerGpus(sandbox)).some(container => container.runId === running.id && container.state === 'running'));
	sandbox.setGpus(2);
});

test.serial('a follower lease held by a dead process lapses, and a follower.pid of a live unrelated process blocks nothing', async t => {
	const f = await onSandboxes({gpu: sandbox});
	t.teardown(f.cleanup);
	const run = await queueSim(f, {mode: 'slow', seconds: 6, clips: 3});
	const first = f.startWorker();
	await f.waitForRun(run.id, r => r.status === 'running' && r.stage === 'diffusion');
	await first.stop(); // detaches: the container goes on
	const now = new Date();
	await f.store.write(tx => tx.insert('leases', {
		id: followLease(run.id), holder: 'gone-host:4242:dead', pid: 4242, heartbeat_at: now.toISOString(), expires_at: new Date(now.getTime() + 2000).toISOString(), created_at: now.toISOString(),
	}));
	const {writeFile} = await import('node:fs/promises');
	await writeFile(`${f.service.files.dir(run.id)}/follower.pid`, '1'); // pid 1 is alive and not ours
	f.startWorker();
	const done = await f.waitForRun(run.id, r => r.status === 'success');
	t.is(done.status, 'success');
	const log = await f.service.readLogTail(run.id, 100_000);
	t.is(log.filter(line => /Starting diffusion sampling/.test(line)).length, 3, 'one per clip: no gap, no repeat');
});
