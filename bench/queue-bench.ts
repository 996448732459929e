// Queue benchmark against two sandbox GPU hosts with 2 GPUs each (needs root): `npm run bench:queue`.
// 100 one-GPU runs of a short stand-in mode are queued at once and dispatched by the scheduler
// (the same Scheduler `cosmos-tui worker` runs). From podman's own event log it measures:
//  - dispatch overhead: a container exits -> the next container on that GPU starts (p50, p95;
//    target p50 <= 500 ms);
//  - GPU time left idle while runs were queued (target <= 5 %);
//  - total wall time against the ideal: the sum of container run times / 4 GPUs.
// Repeated REPEAT times (default 3); the table gives the median with the range.
import {mkdtempSync, rmSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {startSandboxHost, type SandboxHost} from '../sandbox/host/sandbox-host.js';
import {DEFAULT_CONFIG, type Config} from '../source/config/schema.js';
import {isActive} from '../source/domain/model.js';
import {createExecutor} from '../source/executor/create-executor.js';
import {WorkflowService} from '../source/service/workflow-service.js';
import {openStore} from '../source/store/index.js';

const RUNS = Number(process.env['RUNS'] ?? 100);
const REPEAT = Number(process.env['REPEAT'] ?? 3);
const RUN_SECONDS = Number(process.env['RUN_SECONDS'] ?? 5);
const GPUS_PER_HOST = Number(process.env['GPUS_PER_HOST'] ?? 2);
const HOSTS = Number(process.env['HOSTS'] ?? 2);
const EVENTS_LOG = '/run/libpod/events/events.log';
const SAMPLES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../data/samples/street');

type Interval = {runId: string; host: string; gpu: number; start: number; died: number};
type Result = {overheadP50: number; overheadP95: number; idleFraction: number; wallS: number; idealS: number};

const hosts = await Promise.all(Array.from({length: HOSTS}, () => startSandboxHost({gpus: GPUS_PER_HOST})));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.once(signal, () => void Promise.all(hosts.map(host => host.stop())).finally(() => process.exit(130)));
}
const results: Result[] = [];
try {
	for (let round = 0; round < REPEAT; round++) {
		results.push(await oneRound(hosts));
		const last = results.at(-1)!;
		console.error(`round ${round + 1}: p50 ${last.overheadP50.toFixed(0)} ms, p95 ${last.overheadP95.toFixed(0)} ms, idle ${(last.idleFraction * 100).toFixed(1)} %, wall ${last.wallS.toFixed(1)} s, ideal ${last.idealS.toFixed(1)} s`);
	}
} finally {
	await Promise.all(hosts.map(host => host.stop()));
}
printTable(results);

async function oneRound(sandboxes: SandboxHost[]): Promise<Result> {
	const dir = mkdtempSync(path.join(tmpdir(), 'cosmos-queue-bench-'));
	const config: Config = structuredClone(DEFAULT_CONFIG);
	const store = await openStore(path.join(dir, 'data'));
	const names = sandboxes.map((_, index) => `host${index + 1}`);
	const service = new WorkflowService({
		store,
		config,
		dataDir: path.join(dir, 'data'),
		hosts: sandboxes.map((sandbox, index) => ({
			name: names[index]!,
			gpus: [],
			executor: () => createExecutor(hostConfig(sandbox, dir), {
				acceptNewHostKey: false,
				env: {HOME: dir, USER: 'bench', PATH: process.env['PATH']},
				globalKnownHostsFiles: [],
				specExtras: () => ({cosmos_sim: {mode: 'slow', seconds: RUN_SECONDS, clips: 1}}),
			}, names[index]!),
		})),
	});
	try {
		const {prompt} = await service.createPrompt({text: 'a queue benchmark', videoDir: SAMPLES});
		const submitted = Date.now();
		const runs = await service.submitRuns(prompt.id, Array.from({length: RUNS}, (_, seed) => ({parameters: {seed}})), null);
		const worker = service.runWorker({once: true});
		await worker;
		const finished = Date.now();
		const failed = runs.map(run => service.getRun(run.id)).filter(run => run.status !== 'success' || isActive(run.status));
		if (failed.length > 0) throw new Error(`${failed.length} runs did not succeed, e.g. ${failed[0]!.id}: ${failed[0]!.error_message}`);
		const placement = new Map(runs.map(run => [run.id, service.getRun(run.id).placement!]));
		const intervals = await containerIntervals(new Set(runs.map(run => run.id)), placement, submitted);
		return measure(intervals, submitted, finished);
	} finally {
		await service.close();
		await store.close();
		rmSync(dir, {recursive: true, force: true});
	}
}

function hostConfig(sandbox: SandboxHost, dir: string): Config {
	const config: Config = structuredClone(DEFAULT_CONFIG);
	config.remote = {...config.remote, host: sandbox.host, user: sandbox.username, port: sandbox.port, ssh_key: sandbox.privateKeyPath, known_hosts: sandbox.knownHostsPath};
	config.paths = {remote_dir: sandbox.remoteDir, data_dir: dir};
	config.docker = {...config.docker, image: sandbox.image, command: sandbox.dockerCommand, hf_cache: sandbox.hfCacheDir};
	return config;
}

/** start -> died of every container of these runs, from podman's event log. */
async function containerIntervals(ids: Set<string>, placement: Map<string, {host: string; gpus: number[]}>, since: number): Promise<Interval[]> {
	const starts = new Map<string, number>();
	const intervals: Interval[] = [];
	for (const line of (await readFile(EVENTS_LOG, 'utf8')).split('\n')) {
		if (!line.includes('"cosmos-tui.run"')) continue;
		const event = JSON.parse(line) as {Status: string; Time: string; Attributes?: Record<string, string>};
		const runId = event.Attributes?.['cosmos-tui.run'];
		const time = Date.parse(event.Time);
		if (!runId || !ids.has(runId) || time < since) continue;
		if (event.Status === 'start') starts.set(runId, time);
		if (event.Status === 'died' && starts.has(runId)) {
			const place = placement.get(runId)!;
			intervals.push({runId, host: place.host, gpu: place.gpus[0]!, start: starts.get(runId)!, died: time});
		}
	}
	if (intervals.length !== ids.size) throw new Error(`found ${intervals.length} container lifetimes for ${ids.size} runs`);
	return intervals;
}

function measure(intervals: Interval[], submitted: number, finished: number): Result {
	const byGpu = new Map<string, Interval[]>();
	for (const interval of intervals) {
		const key = `${interval.host}/${interval.gpu}`;
		byGpu.set(key, [...(byGpu.get(key) ?? []), interval]);
	}
	const overheads: number[] = [];
	const lastStart = Math.max(...intervals.map(interval => interval.start));
	let busy = 0;
	for (const list of byGpu.values()) {
		list.sort((a, b) => a.start - b.start);
		for (let i = 1; i < list.length; i++) overheads.push(list[i]!.start - list[i - 1]!.died);
		// GPU time used while runs were still queued: from the submit to the last start.
		for (const interval of list) busy += Math.max(0, Math.min(interval.died, lastStart) - Math.max(interval.start, submitted));
	}
	const gpus = GPUS_PER_HOST * HOSTS;
	const window = (lastStart - submitted) * gpus;
	const sum = intervals.reduce((total, interval) => total + (interval.died - interval.start), 0);
	return {
		overheadP50: percentile(overheads, 0.5),
		overheadP95: percentile(overheads, 0.95),
		idleFraction: 1 - busy / window,
		wallS: (finished - submitted) / 1000,
		idealS: sum / gpus / 1000,
	};
}

function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

function median(values: number[]): number {
	return percentile(values, 0.5);
}

function printTable(all: Result[]): void {
	const cell = (pick: (result: Result) => number, format: (value: number) => string) => {
		const values = all.map(pick);
		return `${format(median(values))} (${format(Math.min(...values))} to ${format(Math.max(...values))})`;
	};
	const ms = (value: number) => `${Math.round(value)} ms`;
	const percent = (value: number) => `${(value * 100).toFixed(1)} %`;
	const seconds = (value: number) => `${value.toFixed(1)} s`;
	console.log(`${RUNS} one-GPU runs (stand-in "slow", ${RUN_SECONDS} s each) on ${HOSTS} sandbox host(s) x ${GPUS_PER_HOST} GPUs; median of ${all.length} rounds (range)\n`);
	console.log('| measure | result | target |');
	console.log('|---|---|---|');
	console.log(`| dispatch overhead, container exits -> next container on that GPU starts, p50 | ${cell(r => r.overheadP50, ms)} | <= 500 ms |`);
	console.log(`| dispatch overhead, p95 | ${cell(r => r.overheadP95, ms)} | |`);
	console.log(`| GPU time idle while runs were queued | ${cell(r => r.idleFraction, percent)} | <= 5 % |`);
	console.log(`| total wall time, submit -> last run recorded | ${cell(r => r.wallS, seconds)} | |`);
	console.log(`| ideal: sum of container run times / ${GPUS_PER_HOST * HOSTS} GPUs | ${cell(r => r.idealS, seconds)} | |`);
	console.log(`| wall / ideal | ${cell(r => r.wallS / r.idealS, value => value.toFixed(2))} | |`);
}
