// TUI benchmark: the full-screen UI rendered to a fake TTY (isTTY, 160x48), on a real service.
//   1. start to the first full frame with a store of 50,000 and of 1,000,000 runs (10 per prompt), and RSS then;
//   2. a run printing 10,000 lines/s for 10 s, dispatched by a worker in this process (its lines
//      reach the UI as the service's 'log' events): how far the screen lags the source, frames
//      per second, key press to screen (p95), peak RSS;
//   3. CPU with the UI open and nothing changing.
// Prints a markdown table. Run: npm run bench:tui
import {execFileSync} from 'node:child_process';
import {EventEmitter} from 'node:events';
import {mkdtemp, rm} from 'node:fs/promises';
import os, {tmpdir} from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {fileURLToPath} from 'node:url';
import {DEFAULT_CONFIG} from '../source/config/schema.js';
import {DEFAULT_NEGATIVE_PROMPT, DEFAULT_PARAMETERS, DEFAULT_WEIGHTS, FINAL_STATUSES, isActive, newRun, type Prompt, type RemoteHandle, type Run, type RunStatus} from '../source/domain/model.js';
import type {
	ExecutionResult,
	Executor,
	ExecutorEvents,
	FollowOptions,
	GpuInfo,
	HostStatus,
	Job,
	LaunchOptions,
	Reconciled,
} from '../source/executor/executor.js';
import {WorkflowService} from '../source/service/workflow-service.js';
import {openStore} from '../source/store/index.js';

// Ink reads CI at import time and then draws only the last frame: make sure it draws them all.
// React picks its development build unless NODE_ENV says production (launchUi sets it too).
process.env['CI'] = 'false';
process.env['NODE_ENV'] = 'production';
const {createElement} = await import('react');
const {render} = await import('ink');
const {App} = await import('../source/ui/components/app.js');
const {createRuntime, startRuntime} = await import('../source/ui/data/runtime.js');
const {INK_OPTIONS} = await import('../source/ui/terminal/render-options.js');

const COLUMNS = 160;
const ROWS = 48;
const STORE_SIZES = [50_000, 1_000_000];
const FLOOD_RATE = 10_000;
const FLOOD_SECONDS = 10;
const KEY_EVERY_MS = 200;
const IDLE_SECONDS = 5;

type Write = {at: number; data: string};

/** A terminal that records what is written and when. */
class FakeTty extends EventEmitter {
	readonly isTTY = true;
	readonly columns = COLUMNS;
	readonly rows = ROWS;
	readonly writes: Write[] = [];
	write(data: string | Uint8Array): boolean {
		this.writes.push({at: performance.now(), data: typeof data === 'string' ? data : Buffer.from(data).toString('utf8')});
		return true;
	}
	/** Writes that drew a frame (not the synchronized-output brackets alone). */
	frames(from = 0, to = Number.POSITIVE_INFINITY): Write[] {
		return this.writes.filter(write => write.at >= from && write.at <= to && write.data.includes('3 Logs'));
	}
}

/** A keyboard: what Ink needs from stdin in raw mode. */
class FakeKeyboard extends EventEmitter {
	readonly isTTY = true;
	private pending: string | null = null;
	press(data: string): void {
		this.pending = data;
		this.emit('readable');
	}
	read(): string | null {
		const data = this.pending;
		this.pending = null;
		return data;
	}
	setEncoding(): void {}
	setRawMode(): void {}
	ref(): void {}
	unref(): void {}
	resume(): void {}
	pause(): void {}
}

function mount(service: WorkflowService) {
	const runtime = createRuntime({service, system: {openFile: async () => {}, saveLog: async () => '', completePath: async typed => ({completed: typed, candidates: []})}});
	const tty = new FakeTty();
	const keyboard = new FakeKeyboard();
	const renderTimes: number[] = [];
	startRuntime(runtime);
	const app = render(createElement(App, {runtime}), {
		stdout: tty as unknown as NodeJS.WriteStream,
		stdin: keyboard as unknown as NodeJS.ReadStream,
		...INK_OPTIONS,
		patchConsole: false,
		onRender: ({renderTime}) => renderTimes.push(renderTime),
	});
	return {
		runtime,
		tty,
		keyboard,
		renderTimes,
		async unmount() {
			app.unmount();
			await runtime.tails.detach();
			runtime.close();
		},
	};
}

async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
	const deadline = performance.now() + timeoutMs;
	while (!condition()) {
		if (performance.now() > deadline) throw new Error('bench: timed out');
		await new Promise(resolve => setTimeout(resolve, 1));
	}
}

const percentile = (values: number[], p: number) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const median = (values: number[]) => percentile(values, 50);

// ---------- 1. start-up with 50k and 1M runs ----------

/** The store's records, 1,000 prompts (10,000 runs) at a time, so 1M runs never sit in memory at once. */
function* storeData(runCount: number): Generator<{prompts: Prompt[]; runs: Run[]}> {
	let prompts: Prompt[] = [];
	let runs: Run[] = [];
	let clock = Date.parse('2025-01-01T00:00:00Z');
	const file = (name: string, p: number) => ({path: `/data/videos/scene_${p}/${name}`, sha256: `${p}`.padStart(64, '0'), size: 25_000_000, mtime_ms: clock});
	for (let p = 0; p < runCount / 10; p++) {
		if (p > 0 && p % 1000 === 0) {
			yield {prompts, runs};
			prompts = [];
			runs = [];
		}

		clock += 60_000;
		const prompt: Prompt = {
			id: `ps_${p.toString(16).padStart(12, '0')}`,
			name: `scene_${p}`,
			prompt_text: `A cinematic drone shot over a foggy harbour at dawn, scene ${p}, boats drifting past the piers.`,
			negative_prompt: DEFAULT_NEGATIVE_PROMPT,
			video_dir: `/data/videos/scene_${p}`,
			inputs: {video: file('color.mp4', p), depth: file('depth.mp4', p)},
			created_at: new Date(clock).toISOString(),
		};
		prompts.push(prompt);
		const newest = p === runCount / 10 - 1;
		for (let r = 0; r < 10; r++) {
			clock += 2000;
			// Old runs have ended; the newest prompt has one running and one queued, as a live store would.
			const status: RunStatus = r < 8 ? 'success' : newest ? (r === 8 ? 'running' : 'queued') : FINAL_STATUSES[(p + r) % FINAL_STATUSES.length]!;
			const done = !isActive(status);
			const createdAt = new Date(clock).toISOString();
			runs.push(
				newRun({
					id: `rs_${(p * 10 + r).toString(16).padStart(12, '0')}`,
					prompt_id: prompt.id,
					status,
					stage: done ? 'done' : status === 'running' ? 'diffusion' : 'queued',
					control_weights: {...DEFAULT_WEIGHTS, vis: (r % 5) / 5},
					parameters: {...DEFAULT_PARAMETERS},
					outputs: status === 'success' ? {video: `/data/runs/${p}/output.mp4`} : {},
					error_message: status === 'failed' ? 'out of GPU memory' : null,
					failure_kind: status === 'failed' ? 'oom' : null,
					metrics: done ? {duration_s: 300 + r} : {},
					created_at: createdAt,
					started_at: status === 'queued' ? null : createdAt,
					completed_at: done ? new Date(clock + 300_000).toISOString() : null,
				}),
			);
		}
	}
	yield {prompts, runs};
}

/** Its own process (part "fill"), so the memory of filling does not count against the UI's. */
async function fillStore(dataDir: string, size: number): Promise<void> {
	const filling = await openStore(dataDir, {warmUp: false});
	for (const {prompts, runs} of storeData(size)) {
		await filling.write(tx => {
			for (const prompt of prompts) tx.insert('prompts', prompt);
			for (const run of runs) tx.insert('runs', run);
		});
	}
	await filling.close();
}

async function benchStartup(dataDir: string, size: number): Promise<{total: number; ui: number; rssMb: number}> {
	const newest = `rs_${(size - 1).toString(16).padStart(12, '0')}`;
	let rssMb = 0;
	const totals: number[] = [];
	const uis: number[] = [];
	for (let attempt = 0; attempt < 3; attempt++) {
		const start = performance.now();
		const store = await openStore(dataDir);
		const opened = performance.now();
		const service = new WorkflowService({store, config: structuredClone(DEFAULT_CONFIG), dataDir});
		const screen = mount(service);
		await until(() => screen.tty.frames().some(write => write.data.includes(newest) && write.data.includes(`scene_${size / 10 - 1}`)));
		if (attempt === 0) rssMb = process.memoryUsage().rss / 1e6;
		const drawn = screen.tty.frames().find(write => write.data.includes(newest))!.at;
		totals.push(drawn - start);
		uis.push(drawn - opened);
		await screen.unmount();
		await service.close();
		await store.close();
	}
	return {total: median(totals), ui: median(uis), rssMb};
}

// ---------- 2. the log flood ----------

/** Prints FLOOD_RATE lines a second for FLOOD_SECONDS through the executor events, like a busy run. */
class FloodExecutor implements Executor {
	readonly description = 'flood';
	readonly emittedAt: number[] = [];
	/** When the worker started following the run: the flood starts then. */
	startedAt = 0;
	endedAt = 0;

	async launch(job: Job, _events: ExecutorEvents, options: LaunchOptions = {}): Promise<RemoteHandle> {
		await options.beforeStart?.();
		return {backend: 'docker', host: 'bench', job: `cosmos-tui-${job.run.id}`, run_dir: `/remote/${job.run.id}`};
	}

	async reconcile(): Promise<Reconciled> {
		return {state: 'absent'};
	}

	async remove(): Promise<void> {}

	async gpus(): Promise<GpuInfo[]> {
		return [{index: 0, name: 'Bench GPU', memoryUsedMiB: 0, memoryTotalMiB: 81_559, utilizationPercent: 0, temperatureC: 30}];
	}

	follow(_handle: RemoteHandle, job: Job, events: ExecutorEvents, options: FollowOptions): Promise<ExecutionResult> {
		const total = FLOOD_RATE * FLOOD_SECONDS;
		return new Promise(resolve => {
			const start = performance.now();
			this.startedAt = start;
			let line = 0;
			events.progress({stage: 'diffusion', fraction: 0.2, message: 'clip 1/1'});
			const timer = setInterval(() => {
				const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * FLOOD_RATE));
				for (; line < due; line++) {
					this.emittedAt[line] = performance.now();
					const colour = line % 10 === 0 ? '\u001B[33mWARN\u001B[0m' : '\u001B[32mINFO\u001B[0m';
					events.log(`[11-24 10:00:00|${colour}|transfer.py:412:generate] flood line ${String(line).padStart(6, '0')} of ${total}: sampling step, loss=0.${line % 997}`);
				}
				if (line >= total || options.signal?.aborted) {
					clearInterval(timer);
					this.endedAt = performance.now();
					resolve({status: 'success', exitCode: 0, failureKind: null, errorMessage: null, outputs: {dir: job.outputDir}, metrics: {}});
				}
			}, 5);
		});
	}

	async kill(): Promise<void> {}
	async status(): Promise<HostStatus> {
		return {host: 'bench', connected: true, docker: {ok: true, detail: 'bench'}, gpus: [], containers: []};
	}
	async close(): Promise<void> {}
}

type FloodResult = {
	lagP95: number;
	lagMax: number;
	finalLag: number;
	fps: number;
	moveP95: number;
	moveCount: number;
	wrapP95: number;
	wrapCount: number;
	rssBeforeMb: number;
	rssMb: number;
	floodCpu: number;
	idleCpu: number;
	idleFrames: number;
};

async function benchFlood(root: string): Promise<FloodResult> {
	const dataDir = path.join(root, 'flood');
	const store = await openStore(dataDir);
	const executor = new FloodExecutor();
	const config = structuredClone(DEFAULT_CONFIG);
	const service = new WorkflowService({store, config, dataDir, hosts: [{name: 'bench', gpus: [0], executor: async () => executor}]});
	// The sample videos of the repository (npm scripts run in its root, compiled or not).
	const {prompt} = await service.createPrompt({text: 'a harbour at dawn', videoDir: path.resolve('data/samples/street')});
	const run = await service.createRun(prompt.id);
	const screen = mount(service);
	await until(() => screen.tty.frames().some(write => write.data.includes(run.id)));
	// Idle: the screen is up, nothing runs, nothing changes. The UI should draw nothing and use no CPU.
	await new Promise(resolve => setTimeout(resolve, 1000));
	const idleStart = performance.now();
	const idleCpuStart = process.cpuUsage();
	await new Promise(resolve => setTimeout(resolve, IDLE_SECONDS * 1000));
	const idleCpu = process.cpuUsage(idleCpuStart);
	const idleEnd = performance.now();
	const idleFrames = screen.tty.writes.filter(write => write.at >= idleStart && write.at <= idleEnd).length;

	screen.keyboard.press('3'); // the logs pane, where the keys below act

	const rssBefore = process.memoryUsage().rss;
	let rss = rssBefore;
	const memory = setInterval(() => {
		rss = Math.max(rss, process.memoryUsage().rss);
	}, 100);
	// The worker runs here (the UI would tail its log file otherwise): its lines are events.
	screen.runtime.tails.setWorkerHere(true);
	const worker = new AbortController();
	const dispatching = service.runWorker({signal: worker.signal});
	// Measured from when the worker has launched the run and follows it: the flood starts then.
	await until(() => executor.startedAt !== 0);
	const cpuStart = process.cpuUsage();
	const floodStart = executor.startedAt;

	// Key presses during the flood, and the time until a frame shows their effect. First half:
	// k (scroll up: pauses) and G (follow again), the usual moves in a busy log. Second half:
	// w (wrap on/off), the costliest key: every row of the log is laid out again.
	const presses: Array<{at: number; kind: 'move' | 'wrap'; shows: (frame: string) => boolean}> = [];
	let wrapOn = false;
	let paused = false;
	for (let i = 0; executor.endedAt === 0; i++) {
		await new Promise(resolve => setTimeout(resolve, KEY_EVERY_MS));
		if (executor.endedAt !== 0) break;
		const at = performance.now();
		if (at - floodStart < (FLOOD_SECONDS * 1000) / 2) {
			const pause = i % 2 === 0;
			paused = pause;
			presses.push({at, kind: 'move', shows: frame => (pause ? frame.includes('paused (G follows)') : frame.includes(' · following'))});
			screen.keyboard.press(pause ? 'k' : 'G');
		} else {
			if (paused) screen.keyboard.press('G'); // follow again: the wrap keys are measured while following
			paused = false;
			wrapOn = !wrapOn;
			const expected = wrapOn;
			presses.push({at, kind: 'wrap', shows: frame => frame.includes('following · wrap') === expected});
			screen.keyboard.press('w');
		}
	}
	const lastLine = FLOOD_RATE * FLOOD_SECONDS - 1;
	const lastText = `flood line ${String(lastLine).padStart(6, '0')}`;
	await until(() => screen.tty.frames(executor.endedAt).some(write => write.data.includes(lastText)));
	const floodCpu = process.cpuUsage(cpuStart);
	const floodEnd = executor.endedAt;
	clearInterval(memory);

	// Lag: for every frame of the flood, how old the newest line it shows is.
	const lags: number[] = [];
	for (const frame of screen.tty.frames(floodStart, floodEnd)) {
		const shown = [...frame.data.matchAll(/flood line (\d{6})/g)].map(match => Number(match[1]));
		if (shown.length === 0) continue;
		lags.push(frame.at - executor.emittedAt[Math.max(...shown)]!);
	}
	const finalLag = screen.tty.frames(floodEnd).find(write => write.data.includes(lastText))!.at - floodEnd;
	const floodFrames = screen.tty.frames(floodStart, floodEnd).length;
	const latencies = (kind: 'move' | 'wrap') =>
		presses
			.filter(press => press.kind === kind)
			.flatMap(press => {
				const seen = screen.tty.frames(press.at).find(write => press.shows(write.data));
				return seen ? [seen.at - press.at] : [];
			});
	const moveLatencies = latencies('move');
	const wrapLatencies = latencies('wrap');

	worker.abort();
	await dispatching;
	await screen.unmount();
	await service.close();
	await store.close();
	const cpuPercent = (usage: NodeJS.CpuUsage, ms: number) => ((usage.user + usage.system) / 1000 / ms) * 100;
	return {
		lagP95: percentile(lags, 95),
		lagMax: Math.max(...lags),
		finalLag,
		fps: floodFrames / ((floodEnd - floodStart) / 1000),
		moveP95: percentile(moveLatencies, 95),
		moveCount: moveLatencies.length,
		wrapP95: percentile(wrapLatencies, 95),
		wrapCount: wrapLatencies.length,
		rssBeforeMb: rssBefore / 1024 / 1024,
		rssMb: rss / 1024 / 1024,
		floodCpu: cpuPercent(floodCpu, floodEnd - floodStart),
		idleCpu: cpuPercent(idleCpu, IDLE_SECONDS * 1000),
		idleFrames,
	};
}

// ---------- main ----------

/** Each part runs in its own process, so one part's memory does not count against the other. */
function runPart(part: 'fill' | 'startup' | 'flood', size?: number, dataDir?: string): unknown {
	// stderr is dropped: Ink shows the cursor there on exit (an escape sequence, not a message).
	const output = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--part', part, ...(size === undefined ? [] : [String(size), dataDir!])], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 * 1024 * 1024});
	return JSON.parse(output.trim().split('\n').at(-1)!);
}

const partIndex = process.argv.indexOf('--part');
const part = partIndex === -1 ? null : process.argv[partIndex + 1];
if (part === 'fill' || part === 'startup') {
	const [size, dataDir] = [Number(process.argv[partIndex + 2]), process.argv[partIndex + 3]!];
	const result = part === 'fill' ? await fillStore(dataDir, size) : await benchStartup(dataDir, size);
	process.stdout.write(`\n${JSON.stringify(result ?? {})}\n`);
	process.exit(0);
}

if (part === 'flood') {
	const root = await mkdtemp(path.join(tmpdir(), 'cosmos-tui-bench-'));
	try {
		const result = await benchFlood(root);
		process.stdout.write(`\n${JSON.stringify(result)}\n`);
	} finally {
		await rm(root, {recursive: true, force: true});
	}
	process.exit(0);
}

const startups: Array<{size: number; total: number; ui: number; rssMb: number}> = [];
for (const size of STORE_SIZES) {
	const dataDir = await mkdtemp(path.join(tmpdir(), 'cosmos-tui-bench-'));
	try {
		runPart('fill', size, dataDir);
		startups.push({size, ...(runPart('startup', size, dataDir) as {total: number; ui: number; rssMb: number})});
	} finally {
		await rm(dataDir, {recursive: true, force: true});
	}
}
const flood = runPart('flood') as FloodResult;
const ms = (value: number) => `${Math.round(value)} ms`;
const check = (ok: boolean) => (ok ? 'ok' : '**over**');
const rows: Array<[string, string, string, string]> = [
	...startups.flatMap(startup => [
		[`start to first full frame, ${startup.size.toLocaleString('en')} runs (store open included)`, ms(startup.total), '≤ 400 ms', check(startup.total <= 400)],
		['  of which the UI (after the store is open)', ms(startup.ui), '', ''],
		['  RSS at the first frame', `${startup.rssMb.toFixed(0)} MB`, '< 200 MB', check(startup.rssMb < 200)],
	] as Array<[string, string, string, string]>),
	[`log flood ${FLOOD_RATE.toLocaleString('en')} lines/s × ${FLOOD_SECONDS} s: screen behind the source at the end`, ms(flood.finalLag), '≤ 200 ms', check(flood.finalLag <= 200)],
	['  screen behind the source during the flood (p95 / max)', `${ms(flood.lagP95)} / ${ms(flood.lagMax)}`, '', ''],
	['  frames per second during the flood', flood.fps.toFixed(1), '≤ 30', check(flood.fps <= 30)],
	[`  key press to screen, p95 of ${flood.moveCount} presses of k / G (pause, follow)`, ms(flood.moveP95), '≤ 50 ms', check(flood.moveP95 <= 50)],
	[`  key press to screen, p95 of ${flood.wrapCount} presses of w (re-wrap the log)`, ms(flood.wrapP95), '≤ 50 ms', check(flood.wrapP95 <= 50)],
	['  peak RSS (before the flood)', `${flood.rssMb.toFixed(0)} MB (${flood.rssBeforeMb.toFixed(0)} MB)`, '< 200 MB', check(flood.rssMb < 200)],
	['  CPU during the flood (one core = 100%)', `${flood.floodCpu.toFixed(0)}%`, '', ''],
	[`CPU with the UI open and nothing changing (${IDLE_SECONDS} s)`, `${flood.idleCpu.toFixed(2)}%`, '', ''],
	['  frames written while idle', String(flood.idleFrames), '0', check(flood.idleFrames === 0)],
];
const runtime = process.execArgv.some(arg => arg.includes('tsx')) ? 'run through tsx, which adds about 60 MB RSS' : 'compiled JS';
console.log(`\nTUI bench (Node ${process.version}, ${runtime}; ${COLUMNS}x${ROWS} fake TTY, maxFps ${INK_OPTIONS.maxFps}; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs)\n`);
console.log('| measure | result | target | |');
console.log('|---|---|---|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
