// Slurm host benchmark against a real single-machine Slurm (needs root): `npm run bench:slurm`.
// One sandbox GPU host serves both backends: the SlurmExecutor submits to the sandbox cluster over
// its SSH login (sbatch, job state polled every 1 s, the job's output file followed with tail -F),
// the DockerExecutor starts containers on the same host directly. Each run is the stand-in's
// `paced` mode (lines ending `at <Date.now()>` in the container, which shares this clock); per run:
//  - submit -> running: launch() called -> the first `loading_models` progress event (Docker:
//    "container started"; Slurm: the job left PENDING, "running on NODE");
//  - line printed in the job -> `log` event, for LINES_PER_RUN lines printed after the follower
//    delivered its first line (earlier ones are a backlog it replays on attaching, not latency);
//  - kill (scancel / docker kill) -> follow() resolved with status cancelled.
// RUNS runs per round (default 8), REPEAT rounds (default 3), the backends taking turns; the table
// gives the median of the rounds' p50 and p95 (with their range). One run per backend before that warms the connection
// and puts the inputs on the host; it is not counted.
import {randomBytes} from 'node:crypto';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {cpus, loadavg, tmpdir} from 'node:os';
import path from 'node:path';
import {startSlurmSandbox} from '../sandbox/slurm/slurm-host.js';
import {DEFAULT_CONFIG, type Config} from '../source/config/schema.js';
import {type Prompt, newRun} from '../source/domain/model.js';
import {type ExecutorOptions, createExecutor, createHostShell} from '../source/executor/create-executor.js';
import type {Executor, ExecutorEvents, Job} from '../source/executor/executor.js';
import {SlurmExecutor} from '../source/executor/slurm/slurm-executor.js';
import {scanInputFolder} from '../source/service/inputs.js';

const RUNS = Number(process.env['RUNS'] ?? 8);
const REPEAT = Number(process.env['REPEAT'] ?? 3);
/** Lines per second the job prints, and how many printed while running are timed per run. */
const LINE_RATE = 20;
const LINES_PER_RUN = 20;
/** A run that does not reach its lines in this time is a failure of the bench, not a sample. */
const RUN_TIMEOUT_MS = 60_000;
/** Only for finding where the time goes: the Slurm executor's state poll (its default, 1 s, when unset). */
const SLURM_POLL_MS = process.env['SLURM_POLL_MS'] ? Number(process.env['SLURM_POLL_MS']) : undefined;
/** VERBOSE=1 prints each run's samples to stderr. */
const VERBOSE = Boolean(process.env['VERBOSE']);
const SAMPLES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../data/samples/street');

type Backend = 'docker' | 'slurm';
type RunSample = {startMs: number; lineMs: number[]; killMs: number; launchMs: number; killCallMs: number};
type Percentiles = {p50: number; p95: number};
type Round = {start: Percentiles; line: Percentiles; kill: Percentiles};

const benchStarted = performance.now();
const loadBefore = loadavg();
const slurm = await startSlurmSandbox({gpus: 2});
// What makes Slurm's start and cancel slower, from the cluster's slurm.conf (removed by stop()).
const schedulerSettings = readFileSync(slurm.cluster.confPath, 'utf8').split('\n').filter(line => /^(SchedulerParameters|KillWait)=/.test(line)).join(', ');
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.once(signal, () => void slurm.stop().finally(() => process.exit(130)));
}
const dir = mkdtempSync(path.join(tmpdir(), 'cosmos-slurm-bench-'));
const rounds: Record<Backend, Round[]> = {docker: [], slurm: []};
const executors: Executor[] = [];
try {
	const prompt: Prompt = {id: 'ps_bench', name: 'bench', prompt_text: 'a Slurm benchmark', negative_prompt: 'none', video_dir: SAMPLES, inputs: await scanInputFolder(SAMPLES), created_at: new Date().toISOString()};
	const sims = new Map<string, Record<string, unknown>>();
	const options: ExecutorOptions = {
		acceptNewHostKey: false,
		env: {HOME: path.join(dir, 'home'), USER: 'bench', PATH: process.env['PATH']},
		globalKnownHostsFiles: [],
		specExtras: (job: Job) => ({cosmos_sim: sims.get(job.run.id) ?? {mode: 'ok'}}),
	};
	const backends: Record<Backend, Executor> = {
		docker: await createExecutor(hostConfig('docker'), options),
		slurm: await slurmExecutor(hostConfig('slurm'), options),
	};
	executors.push(backends.docker, backends.slurm);
	const oneRun = async (backend: Backend) => {
		const sample = await timeOneRun(backends[backend], prompt, sims);
		if (VERBOSE) console.error(`${backend}: start ${ms(sample.startMs)} (launch() ${ms(sample.launchMs)}), kill ${ms(sample.killMs)} (kill() ${ms(sample.killCallMs)}), lines ${sample.lineMs.map(Math.round).join(' ')}`);
		return sample;
	};
	for (const backend of ['docker', 'slurm'] as const) await oneRun(backend);
	for (let round = 0; round < REPEAT; round++) {
		for (const backend of ['docker', 'slurm'] as const) {
			const samples: RunSample[] = [];
			for (let index = 0; index < RUNS; index++) samples.push(await oneRun(backend));
			const result = summarize(samples);
			rounds[backend].push(result);
			console.error(`round ${round + 1} ${backend}: start ${show(result.start)}, line ${show(result.line)}, kill ${show(result.kill)} (p50 / p95)`);
		}
	}
} finally {
	for (const executor of executors) await executor.close().catch(() => undefined);
	await slurm.stop();
	rmSync(dir, {recursive: true, force: true});
}
printTable();

/** The sandbox host as a Docker host or as a Slurm login node (container = "docker" in the job). */
function hostConfig(kind: Backend): Config {
	const {sandbox} = slurm;
	const config: Config = structuredClone(DEFAULT_CONFIG);
	config.remote = {...config.remote, kind, host: sandbox.host, user: sandbox.username, port: sandbox.port, ssh_key: sandbox.privateKeyPath, known_hosts: sandbox.knownHostsPath};
	config.paths = {remote_dir: sandbox.remoteDir, data_dir: path.join(dir, 'data')};
	config.docker = {...config.docker, image: sandbox.image, command: sandbox.dockerCommand, hf_cache: sandbox.hfCacheDir};
	if (kind === 'slurm') config.slurm = {...config.slurm, container: 'docker'};
	return config;
}

/** The Slurm executor as createExecutor builds it, or with another state poll when SLURM_POLL_MS is set. */
async function slurmExecutor(config: Config, options: ExecutorOptions): Promise<Executor> {
	if (SLURM_POLL_MS === undefined) return createExecutor(config, options);
	const shell = await createHostShell(config, options);
	return new SlurmExecutor({shell, config, host: config.remote.host, description: `slurm ${shell.description}`, specExtras: options.specExtras, pollMs: SLURM_POLL_MS});
}

function newJob(prompt: Prompt): Job {
	const id = `rs_${randomBytes(6).toString('hex')}`;
	const run = newRun({id, prompt_id: prompt.id, stage: null, created_at: new Date().toISOString()});
	return {run, prompt, outputDir: path.join(dir, 'runs', id), gpus: []};
}

/** Launches a paced run, times it to running and its lines, then kills it and times the cancel. */
async function timeOneRun(executor: Executor, prompt: Prompt, sims: Map<string, Record<string, unknown>>): Promise<RunSample> {
	const job = newJob(prompt);
	sims.set(job.run.id, {mode: 'paced', lines: 100_000, rate: LINE_RATE});
	let runningAt: number | undefined;
	/** Lines printed before the follower delivered its first one are a backlog it replays, not latency. */
	let followingSince: number | undefined;
	const lineMs: number[] = [];
	let enough: () => void = () => undefined;
	const enoughLines = new Promise<void>(resolve => {
		enough = resolve;
	});
	const events: ExecutorEvents = {
		progress(update) {
			if (update.stage !== 'loading_models' || runningAt !== undefined) return;
			runningAt = performance.now();
		},
		log(line) {
			const printed = /paced line \d+ of \d+ at (\d+)/.exec(line);
			if (!printed || lineMs.length >= LINES_PER_RUN) return;
			const now = Date.now();
			followingSince ??= now;
			if (Number(printed[1]) < followingSince) return;
			lineMs.push(now - Number(printed[1]));
			if (lineMs.length === LINES_PER_RUN) enough();
		},
	};
	const started = performance.now();
	const handle = await executor.launch(job, events);
	const launchMs = performance.now() - started;
	const following = executor.follow(handle, job, events, {skipLines: 0});
	following.catch(() => undefined);
	let timer: NodeJS.Timeout | undefined;
	try {
		await Promise.race([
			enoughLines,
			following.then(result => {
				throw new Error(`${job.run.id} ended before its lines were timed: ${result.status} ${result.errorMessage ?? ''}`);
			}),
			new Promise((_, reject) => {
				timer = setTimeout(() => reject(new Error(`${job.run.id}: ${lineMs.length} lines after ${RUN_TIMEOUT_MS} ms`)), RUN_TIMEOUT_MS);
			}),
		]);
	} finally {
		clearTimeout(timer);
	}
	const killed = performance.now();
	await executor.kill(handle);
	const killCallMs = performance.now() - killed;
	const result = await following;
	const killMs = performance.now() - killed;
	if (result.status !== 'cancelled') throw new Error(`${job.run.id} was killed but ended ${result.status}: ${result.errorMessage ?? ''}`);
	return {startMs: runningAt! - started, lineMs, killMs, launchMs, killCallMs};
}

function summarize(samples: RunSample[]): Round {
	return {
		start: percentiles(samples.map(sample => sample.startMs)),
		line: percentiles(samples.flatMap(sample => sample.lineMs)),
		kill: percentiles(samples.map(sample => sample.killMs)),
	};
}

function percentiles(values: number[]): Percentiles {
	const sorted = [...values].sort((a, b) => a - b);
	return {p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95)};
}

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

function median(values: number[]): number {
	return percentile([...values].sort((a, b) => a - b), 0.5);
}

function ms(value: number): string {
	return `${Math.round(value).toLocaleString('en')} ms`;
}

function show({p50, p95}: Percentiles): string {
	return `${ms(p50)} / ${ms(p95)}`;
}

function printTable(): void {
	const cell = (backend: Backend, measure: keyof Round, which: keyof Percentiles) => {
		const values = rounds[backend].map(round => round[measure][which]);
		const range = values.length > 1 ? ` (${Math.round(Math.min(...values)).toLocaleString('en')} to ${Math.round(Math.max(...values)).toLocaleString('en')})` : '';
		return `${ms(median(values))}${range}`;
	};
	const rows: Array<[string, keyof Round]> = [
		['submit → running (launch() → job seen running)', 'start'],
		[`line printed in the job → \`log\` event (${LINE_RATE} lines/s)`, 'line'],
		['kill (docker kill / scancel) → follow() resolves cancelled', 'kill'],
	];
	console.log('\n| measure | Docker host | Slurm host |\n|---|---:|---:|');
	for (const [label, measure] of rows) {
		for (const which of ['p50', 'p95'] as const) console.log(`| ${label}, ${which} | ${cell('docker', measure, which)} | ${cell('slurm', measure, which)} |`);
	}
	const loadAfter = loadavg();
	console.log(`\nMedian of ${REPEAT} rounds (range) of ${RUNS} runs per backend (${LINES_PER_RUN} lines timed per run). Machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}), load average ${loadBefore[0]!.toFixed(2)} before / ${loadAfter[0]!.toFixed(2)} after; bench took ${((performance.now() - benchStarted) / 1000).toFixed(0)} s.`);
	console.log(`Slurm: ${schedulerSettings}; the SlurmExecutor polls the job's state every ${SLURM_POLL_MS === undefined ? '1 s (its default)' : `${SLURM_POLL_MS} ms (SLURM_POLL_MS)`}.`);
}

