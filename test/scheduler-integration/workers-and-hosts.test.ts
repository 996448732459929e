// Workers as real processes and several sandbox hosts: kill -9 of the dispatcher during an upload,
// runs spread over two hosts, a paused host, and a sweep from the command line.
import {spawn, type ChildProcess} from 'node:child_process';
import {readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {sandboxHostsConfigToml} from '../../sandbox/host/cosmos-config.js';
import {type Run, newRun} from '../../source/domain/model.js';
import {WorkflowService} from '../../source/service/workflow-service.js';
import {openStore} from '../../source/store/index.js';
import {loadConfig} from '../../source/config/load-config.js';
import {cosmos, stopWorkersIn} from '../helpers/cli.js';
import {lines} from '../helpers/lines.js';
import {containerEvents} from '../helpers/sandbox-gpus.js';
import {startSandboxHost, type SandboxHost} from '../helpers/sandbox-host.js';
import {REPO_ROOT, sampleInputs, tempDir} from '../helpers/temp.js';
import {bigInputs, onSandboxes, queueSim} from './harness.js';

let a: SandboxHost;
let b: SandboxHost;

test.before(async () => {
	[a, b] = await Promise.all([startSandboxHost({gpus: 1}), startSandboxHost({gpus: 1})]);
});

test.after.always(async () => {
	await Promise.all([a?.stop(), b?.stop()]);
});

/** A data folder with a cosmos.toml for both sandboxes, and the CLI run in it. */
async function workspace() {
	const {dir, cleanup} = await tempDir();
	await writeFile(path.join(dir, 'cosmos.toml'), sandboxHostsConfigToml({a, b}, './data', {lease_seconds: 2}));
	const inputs = await sampleInputs(dir);
	const run = (...args: string[]) => cosmos(args, {cwd: dir});
	/** The store as another process sees it (to wait for a run's state). */
	const store = await openStore(path.join(dir, 'data'));
	const service = new WorkflowService({store, config: loadConfig({env: {}, cwd: dir}).config, dataDir: path.join(dir, 'data')});
	const waitForRun = (id: string, predicate: (run: Run) => boolean) =>
		new Promise<Run>(resolve => {
			const check = () => {
				store.refresh();
				const current = service.getRun(id);
				if (!predicate(current)) return;
				off();
				resolve(current);
			};
			const off = store.subscribe(check);
			check();
		});
	return {
		dir,
		inputs,
		run,
		store,
		service,
		waitForRun,
		async cleanup() {
			await stopWorkersIn(dir);
			await service.close();
			await store.close();
			await cleanup();
		},
	};
}

function startWorker(dir: string, once = false): {child: ChildProcess; stderr: ReturnType<typeof lines>} {
	const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), path.join(REPO_ROOT, 'source/cli/main.ts'), 'worker', ...(once ? ['--once'] : [])], {
		cwd: dir,
		env: {PATH: process.env['PATH'] ?? '', HOME: dir, NO_COLOR: '1'},
	});
	return {child, stderr: lines(child.stderr!)};
}

test.serial('kill -9 of the dispatcher during an upload: the run is queued again by the next worker and runs exactly once', async t => {
	const w = await workspace();
	t.teardown(w.cleanup);
	const since = Date.now();
	const first = startWorker(w.dir);
	await first.stderr.until(line => line.includes('dispatching runs'));
	const big = await bigInputs(w.dir, 300);
	const submitted = await w.run('run', 'a harbour at dusk', big, '--detach', '--host', 'a');
	t.is(submitted.code, 0, submitted.stderr);
	const id = submitted.stdout.trim();
	await w.waitForRun(id, run => run.status === 'launching' && (run.progress?.message ?? '').startsWith('uploading'));
	first.child.kill('SIGKILL');
	await new Promise(resolve => first.child.once('exit', resolve));
	t.is(w.service.getRun(id).status, 'launching', 'stuck until a dispatcher recovers it');

	const second = startWorker(w.dir, true);
	const done = await w.waitForRun(id, run => run.status === 'success' || run.status === 'failed');
	t.is(done.status, 'success', done.error_message ?? '');
	await new Promise(resolve => second.child.once('exit', resolve));
	t.true(second.stderr.all.some(line => line.includes(`${id} queued`)), 'back in the queue first');
	const creates = (await containerEvents(since)).filter(event => event.runId === id && event.status === 'create');
	t.is(creates.length, 1, 'one container ever created for it');
	t.is(w.service.queueView().worker, null, 'the --once worker gave up its lease when idle');
});

test.serial('verify reports runs that no live process owns', async t => {
	const w = await workspace();
	t.teardown(w.cleanup);
	// What a worker killed with -9 leaves: a running run and a lapsed dispatcher lease.
	const {prompt} = await w.service.createPrompt({text: 'orphan', videoDir: w.inputs});
	const run = newRun({id: 'rs_0000000000aa', prompt_id: prompt.id, created_at: new Date().toISOString(), status: 'running', placement: {host: 'a', gpus: [0]}, remote: {backend: 'docker', host: 'a', job: 'cosmos-tui-rs_0000000000aa', run_dir: '/x'}});
	const past = new Date(Date.now() - 60_000).toISOString();
	await w.store.write(tx => {
		tx.insert('runs', run);
		tx.insert('leases', {id: 'dispatcher', holder: 'dead:1:x', pid: 999_999, heartbeat_at: past, expires_at: past, created_at: past});
	});
	const verify = await w.run('verify', '--json');
	const report = JSON.parse(verify.stdout) as {unownedRuns: Array<{runId: string; status: string}>};
	t.deepEqual(report.unownedRuns, [{runId: run.id, status: 'running'}]);
});

test.serial('two hosts: runs spread over both; a paused host starts nothing new', async t => {
	const f = await onSandboxes({a, b});
	t.teardown(f.cleanup);
	const first = [await queueSim(f, {mode: 'slow', seconds: 2, clips: 1}), await queueSim(f, {mode: 'slow', seconds: 2, clips: 1})];
	f.startWorker();
	const placed = await Promise.all(first.map(run => f.waitForRun(run.id, r => r.status === 'running')));
	t.deepEqual(placed.map(run => run.placement?.host).sort(), ['a', 'b']);
	await Promise.all(first.map(run => f.waitForRun(run.id, r => r.status === 'success')));
	await f.service.pauseHosts('a');
	const later = [await queueSim(f, {mode: 'ok'}), await queueSim(f, {mode: 'ok'})];
	for (const run of later) t.is((await f.waitForRun(run.id, r => r.status === 'success')).placement?.host, 'b');
	const pinned = await queueSim(f, {mode: 'ok'}, {host: 'a'});
	const view = f.service.queueView();
	t.regex(view.queued.find(entry => entry.run.id === pinned.id)?.reason ?? '', /a is paused/);
	t.true(view.hosts.find(host => host.name === 'a')!.paused);
	await f.service.resumeHosts('a');
	t.is((await f.waitForRun(pinned.id, r => r.status === 'success')).placement?.host, 'a');
});

test.serial('sweep from the command line: 6 runs in two batches, one per host, whose lines on the host carry the weights; --max refuses; --dry-run writes nothing', async t => {
	const w = await workspace();
	t.teardown(w.cleanup);
	const prompt = JSON.parse((await w.run('prompt', 'create', 'a sweep of a street', w.inputs, '--json')).stdout) as {id: string};
	const dry = await w.run('sweep', prompt.id, '--vis', '0.1:0.5:0.2', '--edge', '0.2,0.6', '--dry-run');
	t.is(dry.code, 0, dry.stderr);
	t.is(dry.stdout.trim().split('\n').length, 6);
	t.regex(dry.stdout, /vis=0\.3 edge=0\.6/);
	const tooMany = await w.run('sweep', prompt.id, '--vis', '0.1:0.5:0.2', '--edge', '0.2,0.6', '--max', '4');
	t.is(tooMany.code, 1);
	t.is(tooMany.stderr.trim(), 'cosmos-tui: the sweep makes 6 runs; the limit is 4 (raise it with --max)');
	t.is((await w.run('list', 'runs', '--json')).stdout.trim(), '[]', 'neither wrote anything');
	const swept = await w.run('sweep', prompt.id, '--vis', '0.1:0.5:0.2', '--edge', '0.2,0.6', '--json');
	t.is(swept.code, 0, swept.stderr);
	const runs = JSON.parse(swept.stdout) as Run[];
	t.is(runs.length, 6);
	t.true(runs.every(run => run.status === 'success'));
	// Two hosts with a free GPU each: two batches of three, each a container loading the model once.
	t.deepEqual(runs.map(run => run.batch?.size), [3, 3, 3, 3, 3, 3]);
	t.deepEqual([...new Set(runs.map(run => run.placement!.host))].sort(), ['a', 'b']);
	const weights: Array<[number, number]> = [];
	for (const run of runs) {
		const sandbox = run.placement!.host === 'a' ? a : b;
		const folder = path.join(sandbox.remoteDir, '.cosmos-tui', 'runs', run.batch!.id);
		const samples = (await readFile(path.join(folder, 'batch.jsonl'), 'utf8')).trimEnd().split('\n');
		const line = JSON.parse(samples[run.batch!.index]!) as {control_overrides: Record<string, {control_weight: number}>};
		weights.push([line.control_overrides['vis']!.control_weight, line.control_overrides['edge']!.control_weight]);
	}
	t.deepEqual(weights.sort(), [[0.1, 0.2], [0.1, 0.6], [0.3, 0.2], [0.3, 0.6], [0.5, 0.2], [0.5, 0.6]]);
	const sweepId = runs[0]!.sweep_id!;
	const shown = JSON.parse((await w.run('show', sweepId, '--json')).stdout) as {sweep: {id: string; run_ids: string[]}; runs: Run[]};
	t.deepEqual(shown.sweep.run_ids.sort(), runs.map(run => run.id).sort());
});
