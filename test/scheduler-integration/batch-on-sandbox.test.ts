// Batches on a real sandbox GPU host (sshd + podman, the stand-in model): queued runs that can
// share a process run as one container with --batch_input_path, and each run keeps its own
// record, log share, output and failure. Container creations are read from the engine's events.
import {existsSync, readFileSync} from 'node:fs';
import {appendFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import type {Run} from '../../source/domain/model.js';
import {SHARED_LOG_MARK} from '../../source/domain/batch.js';
import type {SampleLine} from '../../source/executor/batch-plan.js';
import {containerEvents} from '../helpers/sandbox-gpus.js';
import {startSandboxHost, type SandboxHost} from '../helpers/sandbox-host.js';
import {sampleInputs} from '../helpers/temp.js';
import type {ServiceFixture} from '../helpers/service.js';
import type {SimOptions} from '../executor-integration/harness.js';
import {bigInputs, onSandboxes} from './harness.js';

let sandbox: SandboxHost;

test.before(async () => {
	sandbox = await startSandboxHost({gpus: 1});
});

test.after.always(async () => {
	await sandbox?.stop();
});

const ended = (f: ServiceFixture, runs: readonly Run[]) => Promise.all(runs.map(run => f.runToEnd(run.id)));
const createdFor = async (since: number, runs: readonly Run[]) =>
	(await containerEvents(since)).filter(event => event.status === 'create' && runs.some(run => run.id === event.runId)).map(event => event.runId);
const runLog = (f: ServiceFixture, id: string) => readFileSync(path.join(f.dataDir, 'runs', id, 'run.log'), 'utf8');

async function fixture(t: {teardown(fn: () => Promise<void>): void}, sim: SimOptions | undefined, batchMax: number): Promise<ServiceFixture> {
	const f = await onSandboxes({gpu: sandbox}, () => sim, batchMax);
	t.teardown(f.cleanup);
	return f;
}

test.serial('a 3×2 weights sweep runs as one container; each run its own weights line, output and log share; a failed sample fails only its run', async t => {
	const f = await fixture(t, {mode: 'ok', fail_sample: 4}, 8);
	const {prompt} = await f.service.createPrompt({text: 'a street at dusk', videoDir: f.inputs});
	const since = Date.now();
	const {runs} = await f.service.createSweep({from: prompt.id, axes: {vis: [0.2, 0.5, 0.8], edge: [0.3, 0.6]}, submit: {}, max: 64, dryRun: false});
	const done = await ended(f, runs);
	const leader = done.find(run => run.batch?.index === 0)!;
	t.deepEqual(await createdFor(since, runs), [leader.id], 'one docker run for the six');
	t.deepEqual(done.map(run => run.batch?.size), [6, 6, 6, 6, 6, 6]);
	t.deepEqual(done.map(run => run.batch?.index).sort(), [0, 1, 2, 3, 4, 5]);

	// The old tool's batch mode lost the negative prompt, steps, sigma_max and fps: the base spec carries them.
	const spec = JSON.parse(readFileSync(path.join(sandbox.remoteDir, '.cosmos-tui', 'runs', leader.id, 'spec.json'), 'utf8')) as Record<string, unknown>;
	t.like(spec, {negative_prompt: prompt.negative_prompt, num_steps: leader.parameters.num_steps, sigma_max: leader.parameters.sigma_max, fps: leader.parameters.fps, guidance: leader.parameters.guidance, seed: leader.parameters.seed});
	const lines = readFileSync(path.join(sandbox.remoteDir, '.cosmos-tui', 'runs', leader.id, 'batch.jsonl'), 'utf8').trimEnd().split('\n').map(line => JSON.parse(line) as SampleLine);
	for (const run of done) {
		const line = lines[run.batch!.index]!;
		t.is(line.control_overrides['vis']?.control_weight, run.control_weights.vis, `${run.id}: its vis weight`);
		t.is(line.control_overrides['edge']?.control_weight, run.control_weights.edge, `${run.id}: its edge weight`);
	}

	const failed = done.filter(run => run.status === 'failed');
	t.deepEqual(failed.map(run => run.batch?.index), [4], 'exactly the blocked sample failed');
	t.is(failed[0]!.failure_kind, 'guardrail');
	const videos = new Set<string>();
	for (const run of done.filter(each => each.status === 'success')) {
		t.truthy(run.outputs.video, `${run.id} has its video`);
		videos.add(readFileSync(run.outputs.video!, 'utf8').length + run.outputs.video!);
		t.is(readFileSync(run.outputs.prompt_text!, 'utf8'), 'a street at dusk');
		const log = runLog(f, run.id);
		const index = run.batch!.index;
		t.true(log.includes(`[${index + 1}/6] Processing sample video_${index}`), 'its own sample');
		t.false(log.includes(`[${((index + 1) % 6) + 1}/6] Processing sample`), 'no other sample');
		t.true(log.split('\n').some(line => line.startsWith(SHARED_LOG_MARK) && line.includes('Loading ctrl model')), 'the shared model loading, marked');
	}
	t.is(videos.size, 5, 'five outputs, one per successful run');
});

test.serial('runs with different steps are never batched together; batch_max 1 gives each run its own container', async t => {
	const f = await fixture(t, {mode: 'ok'}, 8);
	const {prompt} = await f.service.createPrompt({text: 'steps', videoDir: f.inputs});
	const since = Date.now();
	const runs: Run[] = [];
	for (const steps of [10, 11, 10, 11]) runs.push(await f.service.createRun(prompt.id, {parameters: {num_steps: steps}}, null, {}));
	const done = await ended(f, runs);
	t.deepEqual(done.map(run => run.status), ['success', 'success', 'success', 'success']);
	t.is((await createdFor(since, runs)).length, 2, 'one container per steps value');
	t.is(done[0]!.batch?.id, done[2]!.batch?.id);
	t.is(done[1]!.batch?.id, done[3]!.batch?.id);
	t.not(done[0]!.batch?.id, done[1]!.batch?.id);

	const single = await fixture(t, {mode: 'ok'}, 1);
	const {prompt: again} = await single.service.createPrompt({text: 'steps', videoDir: single.inputs});
	const sinceSingle = Date.now();
	const alone: Run[] = [];
	for (let i = 0; i < 2; i++) alone.push(await single.service.createRun(again.id, {}, null, {}));
	const aloneDone = await ended(single, alone);
	t.deepEqual(aloneDone.map(run => [run.status, run.batch ?? null]), [['success', null], ['success', null]]);
	t.is((await createdFor(sinceSingle, alone)).length, 2);
});

test.serial('cancelling a run of a running batch stops the container: finished samples keep their output, the unfinished run is queued again and runs', async t => {
	const f = await fixture(t, {mode: 'ok', clips: 2, clip_seconds: 1}, 8);
	const {prompt} = await f.service.createPrompt({text: 'cancel one', videoDir: f.inputs});
	const since = Date.now();
	const runs: Run[] = [];
	for (const vis of [0.2, 0.4, 0.6]) runs.push(await f.service.createRun(prompt.id, {weights: {vis}}, null, {}));
	f.startWorker();
	// The first sample's video comes home at once: its run ends while the batch goes on.
	const early = await f.waitForRun(runs[0]!.id, run => run.status === 'success');
	t.truthy(early.outputs.video);
	t.is(f.service.getRun(runs[2]!.id).status, 'running', 'the batch goes on');
	// The second sample is under way once its own log share begins.
	await f.waitForRun(runs[1]!.id, run => run.status === 'running' && run.progress?.stage === 'diffusion');
	await f.service.cancelRun(runs[2]!.id);
	const [first, second, third] = await ended(f, runs);
	t.is(first!.status, 'success', 'its sample had saved its video');
	t.is(third!.status, 'cancelled');
	t.is(second!.status, 'success', 'queued again and run to the end');
	t.is(second!.batch ?? null, null, 'the second time alone');
	t.is((await createdFor(since, runs)).length, 2, 'the batch, then the requeued run');
});

test.serial('a worker that stops mid-batch and a new one that reattaches: every run ends once, no log line lost or repeated', async t => {
	const f = await fixture(t, {mode: 'ok', clips: 2, clip_seconds: 1}, 8);
	const {prompt} = await f.service.createPrompt({text: 'reattach', videoDir: f.inputs});
	const runs: Run[] = [];
	for (const vis of [0.3, 0.7]) runs.push(await f.service.createRun(prompt.id, {weights: {vis}}, null, {}));
	const first = f.startWorker();
	await f.waitForRun(runs[0]!.id, run => run.status === 'running' && run.progress?.stage === 'diffusion');
	await first.stop();
	f.startWorker();
	const done = await ended(f, runs);
	t.deepEqual(done.map(run => run.status), ['success', 'success']);
	t.deepEqual(done.map(run => run.batch?.size), [2, 2], 'still the one batch');
	for (const [index, run] of done.entries()) {
		const log = runLog(f, run.id).split('\n');
		t.is(log.filter(line => line.includes(`[${index + 1}/2] Processing sample`)).length, 1, 'its marker once');
		t.is(log.filter(line => line.includes('Saved video to')).length, 1, 'its save once');
	}
	const whole = readFileSync(path.join(f.dataDir, 'runs', done[0]!.id, 'batch.log'), 'utf8').split('\n');
	t.is(whole.filter(line => line.includes('Processing sample')).length, 2, 'the whole log once');
});

test.serial('cancelling a run of a batch that is still uploading: the batch goes again without it', async t => {
	const f = await fixture(t, {mode: 'ok'}, 8);
	const {prompt} = await f.service.createPrompt({text: 'cancel while uploading', videoDir: await bigInputs(f.dir, 64)});
	const since = Date.now();
	const runs: Run[] = [];
	for (const vis of [0.2, 0.4, 0.6]) runs.push(await f.service.createRun(prompt.id, {weights: {vis}}, null, {}));
	f.startWorker();
	await f.waitForRun(runs[1]!.id, run => run.status === 'launching' && run.stage === 'uploading' && (run.progress?.fraction ?? 0) > 0);
	await f.service.cancelRun(runs[1]!.id);
	const done = await ended(f, runs);
	t.deepEqual(done.map(run => run.status), ['success', 'cancelled', 'success']);
	t.deepEqual([done[0]!.batch?.size, done[2]!.batch?.size], [2, 2], 'the others, batched again');
	t.deepEqual(await createdFor(since, runs), [done[0]!.id], 'only the second batch started a container');
});

test.serial('a sample that crashes fails only its run: the samples before keep their outputs, the ones after are queued again and run', async t => {
	const f = await fixture(t, undefined, 8);
	const runs: Run[] = [];
	for (const text of ['first', 'second [cosmos-sim oom]', 'third']) {
		const {prompt} = await f.service.createPrompt({text, videoDir: f.inputs});
		runs.push(await f.service.createRun(prompt.id, {}, null, {}));
	}
	const since = Date.now();
	const [first, second, third] = await ended(f, runs);
	t.is(first!.status, 'success');
	t.is(first!.batch?.size, 3);
	t.is(second!.status, 'failed');
	t.is(second!.failure_kind, 'oom');
	t.is(third!.status, 'success', 'queued again after the crash, then run');
	t.is(third!.batch ?? null, null, 'alone the second time');
	t.is((await createdFor(since, runs)).length, 2);
	t.false(runLog(f, third!.id).includes('CUDA out of memory'), "the crash is in the second run's log, not the third's");
});

test.serial('delete: a finished run of a running batch goes alone; --force of a waiting one stops the batch, the unfinished one runs again', async t => {
	const f = await fixture(t, {mode: 'ok', clips: 2, clip_seconds: 1}, 8);
	const {prompt} = await f.service.createPrompt({text: 'delete one', videoDir: f.inputs});
	const runs: Run[] = [];
	for (const vis of [0.2, 0.4, 0.6, 0.8]) runs.push(await f.service.createRun(prompt.id, {weights: {vis}}, null, {}));
	f.startWorker();
	await f.waitForRun(runs[0]!.id, run => run.status === 'success');
	await f.service.deletion.deleteRun(runs[0]!.id);
	await f.waitForRun(runs[1]!.id, run => run.status === 'success');
	t.is(f.service.getRun(runs[1]!.id).batch?.size, 4, 'the batch went on after the finished run was deleted');
	await f.waitForRun(runs[2]!.id, run => run.status === 'running' && run.progress?.stage === 'diffusion');
	await f.service.deletion.deleteRun(runs[3]!.id, {force: true});
	const third = await f.runToEnd(runs[2]!.id);
	t.is(third.status, 'success');
	t.is(third.batch ?? null, null, 'queued again when the batch stopped, then alone');
	for (const gone of [runs[0]!, runs[3]!]) t.false(existsSync(path.join(f.dataDir, 'runs', gone.id)), 'a deleted run leaves no folder');
});

test.serial('a run of a batch whose input video changed fails alone; the others run as a batch without it', async t => {
	const f = await fixture(t, {mode: 'ok'}, 8);
	const changed = await sampleInputs(f.dir, 'changed-later');
	const runs: Run[] = [];
	for (const [text, folder] of [['kept', f.inputs], ['changed', changed], ['kept too', f.inputs]] as const) {
		const {prompt} = await f.service.createPrompt({text, videoDir: folder});
		runs.push(await f.service.createRun(prompt.id, {}, null, {}));
	}
	await appendFile(path.join(changed, 'color.mp4'), 'edited after the prompt was made');
	const [first, second, third] = await ended(f, runs);
	t.is(second!.status, 'failed');
	t.is(second!.failure_kind, 'start_failed');
	t.regex(second!.error_message ?? '', /input video changed since the prompt was made/);
	t.deepEqual([first!.status, third!.status], ['success', 'success']);
	t.deepEqual([first!.batch?.size, third!.batch?.size], [2, 2], 'batched again without it');
});
