// Batch benchmark against a sandbox GPU host (needs root): `npm run bench:batch`.
// 8 runs of one sweep (vis x edge weights), with the stand-in's model loading set to LOAD seconds
// and each clip to CLIP seconds, run twice per round: batched (one container, [scheduler]
// batch_max 8) and one container per run (batch_max 1), in alternating order. It reports the
// wall time from submit to the last run recorded, the GPU time spent loading models (each
// process: container started -> its first sample's preprocessing, from the runs' progress
// records), containers started, and the ratios. Median of REPEAT rounds (range).
import {mkdtempSync, rmSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {startSandboxHost, type SandboxHost} from '../sandbox/host/sandbox-host.js';
import {DEFAULT_CONFIG, type Config} from '../source/config/schema.js';
import type {Progress, Run} from '../source/domain/model.js';
import {createExecutor} from '../source/executor/create-executor.js';
import {WorkflowService} from '../source/service/workflow-service.js';
import {openStore} from '../source/store/index.js';

const REPEAT = Number(process.env['REPEAT'] ?? 3);
const LOAD = Number(process.env['LOAD'] ?? 20);
const CLIP = Number(process.env['CLIP'] ?? 2);
const GPUS = Number(process.env['GPUS'] ?? 1);
const AXES = {vis: [0.2, 0.4, 0.6, 0.8], edge: [0.3, 0.6]};
const RUNS = AXES.vis.length * AXES.edge.length;
const SAMPLES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../data/samples/street');

type Mode = 'batched' | 'per run';
type Result = {wallS: number; loadingS: number; containers: number; failed: number};

const sandbox = await startSandboxHost({gpus: GPUS});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void sandbox.stop().finally(() => process.exit(130)));
const results: Record<Mode, Result[]> = {'batched': [], 'per run': []};
try {
	for (let round = 0; round < REPEAT; round++) {
		const order: Mode[] = round % 2 === 0 ? ['batched', 'per run'] : ['per run', 'batched'];
		for (const mode of order) {
			const result = await oneRound(mode);
			results[mode].push(result);
			console.error(`round ${round + 1} ${mode}: wall ${result.wallS.toFixed(1)} s, loading ${result.loadingS.toFixed(1)} GPU-s, ${result.containers} container(s), ${result.failed} failed`);
		}
	}
} finally {
	await sandbox.stop();
}
printTable();

async function oneRound(mode: Mode): Promise<Result> {
	const dir = mkdtempSync(path.join(tmpdir(), 'cosmos-batch-bench-'));
	const config: Config = structuredClone(DEFAULT_CONFIG);
	const dataDir = path.join(dir, 'data');
	const store = await openStore(dataDir);
	const service = new WorkflowService({
		store,
		config,
		dataDir,
		hosts: [{
			name: 'gpu',
			gpus: [],
			batchMax: mode === 'batched' ? RUNS : 1,
			executor: () => createExecutor(hostConfig(dir), {
				acceptNewHostKey: false,
				env: {HOME: dir, USER: 'bench', PATH: process.env['PATH']},
				globalKnownHostsFiles: [],
				specExtras: () => ({cosmos_sim: {mode: 'ok', clips: 1, load_seconds: LOAD, clip_seconds: CLIP}}),
			}, 'gpu'),
		}],
	});
	try {
		const {prompt} = await service.createPrompt({text: 'a batch benchmark', videoDir: SAMPLES});
		const submitted = Date.now();
		const {runs} = await service.createSweep({from: prompt.id, axes: AXES, submit: {}, max: RUNS, dryRun: false});
		await service.runWorker({once: true});
		const wallS = (Date.now() - submitted) / 1000;
		const done = runs.map(run => service.getRun(run.id));
		// One process per batch (named after its first run), or per run.
		const processes = done.filter(run => !run.batch || run.batch.id === run.id);
		let loading = 0;
		for (const run of processes) loading += (await loadingMs(dataDir, run)) * (run.placement?.gpus.length ?? 1);
		return {wallS, loadingS: loading / 1000, containers: processes.length, failed: done.filter(run => run.status !== 'success').length};
	} finally {
		await service.close();
		await store.close();
		rmSync(dir, {recursive: true, force: true});
	}
}

/** Container started -> the first step past loading (preprocessing), from the run's progress records. */
async function loadingMs(dataDir: string, run: Run): Promise<number> {
	const text = await readFile(path.join(dataDir, 'runs', run.id, 'progress.jsonl'), 'utf8');
	const records = text.trim().split('\n').map(line => JSON.parse(line) as Progress);
	const started = records.find(record => record.stage === 'loading_models');
	const loaded = records.find(record => ['preprocessing', 'text_encoding', 'diffusion', 'decoding', 'saving'].includes(record.stage));
	if (!started || !loaded) throw new Error(`${run.id}: no loading span in its progress records`);
	return Date.parse(loaded.timestamp) - Date.parse(started.timestamp);
}

function hostConfig(dir: string): Config {
	const config: Config = structuredClone(DEFAULT_CONFIG);
	const host: SandboxHost = sandbox;
	config.remote = {...config.remote, host: host.host, user: host.username, port: host.port, ssh_key: host.privateKeyPath, known_hosts: host.knownHostsPath};
	config.paths = {remote_dir: host.remoteDir, data_dir: dir};
	config.docker = {...config.docker, image: host.image, command: host.dockerCommand, hf_cache: host.hfCacheDir};
	return config;
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function printTable(): void {
	const cell = (mode: Mode, pick: (result: Result) => number, digits = 1) => {
		const values = results[mode].map(pick);
		return `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)} to ${Math.max(...values).toFixed(digits)})`;
	};
	const ratio = (pick: (result: Result) => number) => (median(results['per run'].map(pick)) / median(results['batched'].map(pick))).toFixed(2);
	console.log(`${RUNS} runs of one sweep on a sandbox host with ${GPUS} GPU(s); stand-in model loading ${LOAD} s, each clip ${CLIP} s; median of ${REPEAT} rounds (range)\n`);
	console.log('| measure | batched (batch_max 8) | one container per run (batch_max 1) | per run / batched |');
	console.log('|---|---|---|---|');
	console.log(`| total wall time, submit -> last run recorded (s) | ${cell('batched', r => r.wallS)} | ${cell('per run', r => r.wallS)} | ${ratio(r => r.wallS)} |`);
	console.log(`| GPU time spent loading models (GPU-s) | ${cell('batched', r => r.loadingS)} | ${cell('per run', r => r.loadingS)} | ${ratio(r => r.loadingS)} |`);
	console.log(`| containers started | ${cell('batched', r => r.containers, 0)} | ${cell('per run', r => r.containers, 0)} | |`);
	console.log(`| runs not successful | ${cell('batched', r => r.failed, 0)} | ${cell('per run', r => r.failed, 0)} | |`);
}
