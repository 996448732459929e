// The workflow service: the one place for business logic. It knows nothing of terminals;
// the CLI and the UI call it and listen to its events.
import {lstat} from 'node:fs/promises';
import path from 'node:path';
import {configuredHosts} from '../config/hosts.js';
import type {Config} from '../config/schema.js';
import {ConflictError, NotFoundError, UserError, ValidationError} from '../domain/errors.js';
import {
	COLOR_FILE,
	RUN_STATUSES,
	newRun,
	type ControlWeights,
	type UpscaleRequest,
	type Parameters,
	type Prompt,
	type Run,
	type RunStatus,
	type Sweep,
} from '../domain/model.js';
import {type SweepAxes, type SweepPoint, gridSize, sweepGrid} from '../domain/sweep.js';
import {promptId, runId, smartName, sweepId} from '../domain/naming.js';
import {checkParameters, checkWeights, cleanPromptText} from '../domain/validate.js';
import type {RatingFilter} from '../domain/rating.js';
import {createHostShell} from '../executor/create-executor.js';
import {contains, or, type Change, type Store} from '../store/index.js';
import {Deletion} from './deletion.js';
import {TypedEmitter, type ServiceEvents} from './events.js';
import {scanInputFolder} from './inputs.js';
import {prepareRenders, type PrepareDeps, type PrepareOptions, type PrepareResult} from './prepare.js';
import type {PreparePlan} from './prepare-plan.js';
import {type HostReport, hostReport} from './host-report.js';
import {QueueControl, type QueueView} from './queue.js';
import {RunFiles} from './run-files.js';
import {RunWatch} from './run-watch.js';
import {applyFix, withMarks, type FixPlan, type FullVerifyReport} from './verify-fix.js';
import {noteRun, rateRun} from './ratings.js';
import {upscaleRequest} from './upscale.js';
import {enhanceRun} from './enhance.js';
import {type HostBackend, HostPool} from './scheduler/host-pool.js';
import {Leases, newHolder} from './scheduler/leases.js';
import type {Move} from './scheduler/queue-order.js';
import {Scheduler, type WorkerOptions, type WorkerResult} from './scheduler/scheduler.js';

export type {HostReport} from './host-report.js';

export type ServiceOptions = {
	store: Store;
	config: Config;
	dataDir: string;
	/** The GPU hosts; each executor is made on first use, so store-only commands never need SSH. */
	hosts?: HostBackend[];
	/** Starts a background `cosmos-tui worker` (the CLI spawns one); absent: nothing is started. */
	startWorker?: () => void;
	now?: () => Date;
};

export type RunChanges = {weights?: Partial<ControlWeights>; parameters?: Partial<Parameters>; upscale?: UpscaleRequest; /** Let the prompt upsampler rewrite the prompt first. */ enhance?: boolean};

/** How a run joins the queue. */
export type SubmitOptions = {
	/** Higher runs go first (default 0). */
	priority?: number;
	/** Only this host; default: any host with free GPUs. */
	host?: string;
	sweepId?: string;
};

export type SweepRequest = {
	/** A prompt id (the sweep varies the defaults) or a run id (it varies that run's values). */
	from: string;
	axes: SweepAxes;
	submit: SubmitOptions;
	/** Refuse a grid of more runs than this. */
	max: number;
	dryRun: boolean;
	/** Every run of the sweep lets the prompt upsampler rewrite the prompt first (as RunChanges.enhance). */
	enhance?: boolean;
};

export type NewPrompt = {text: string; videoDir: string; name?: string; negative?: string};

export const MAX_PRIORITY = 1_000_000;

export class WorkflowService {
	readonly events = new TypedEmitter<ServiceEvents>();
	readonly files: RunFiles;
	readonly deletion: Deletion;
	readonly hosts: HostPool;
	private readonly queue: QueueControl;
	private readonly scheduler: Scheduler;
	private readonly watch: RunWatch;
	private readonly store: Store;
	private readonly config: Config;
	private readonly now: () => Date;
	private readonly startWorker: (() => void) | undefined;
	private readonly unsubscribe: () => void;
	private lastCreated = 0;
	private workerStartedAt = 0;

	constructor(options: ServiceOptions) {
		this.store = options.store;
		this.config = options.config;
		this.now = options.now ?? (() => new Date());
		this.startWorker = options.startWorker;
		this.files = new RunFiles(path.join(options.dataDir, 'runs'));
		this.hosts = new HostPool(options.hosts ?? [], this.store, this.now, this.config.scheduler.busy_memory_mib);
		const leaseMs = this.config.scheduler.lease_seconds * 1000;
		const leases = new Leases(this.store, newHolder(), leaseMs, this.now);
		this.queue = new QueueControl({store: this.store, hosts: this.hosts, leases, now: this.now});
		this.scheduler = new Scheduler({store: this.store, files: this.files, events: this.events, hosts: this.hosts, leases, now: this.now, leaseMs});
		this.watch = new RunWatch({store: this.store, files: this.files, events: this.events, ensureWorker: () => this.ensureWorker()});
		this.deletion = new Deletion(this.store, this.files);
		this.unsubscribe = this.store.subscribe(change => this.relay(change));
	}

	// --- prompts ---

	/**
	 * Creates a prompt, or returns the existing one with the same text and inputs; `kept` names
	 * what was asked for differently (a name, a negative prompt) and stays as stored.
	 */
	async createPrompt(input: NewPrompt): Promise<{prompt: Prompt; created: boolean; kept: Array<'name' | 'negative prompt'>}> {
		const text = cleanPromptText(input.text);
		const negative = input.negative === undefined
			? this.config.generation.negative_prompt
			: cleanPromptText(input.negative, 'negative prompt');
		const name = input.name === undefined ? smartName(text) : checkName(input.name);
		const inputs = await scanInputFolder(input.videoDir);
		const digests = Object.fromEntries(Object.entries(inputs).map(([role, file]) => [role, file.sha256]));
		const prompt: Prompt = {
			id: promptId(text, digests),
			name,
			prompt_text: text,
			negative_prompt: negative,
			video_dir: path.dirname(inputs.video.path),
			inputs,
			created_at: this.createdAt(),
		};
		return this.store.write(tx => {
			const existing = tx.get('prompts', prompt.id);
			if (!existing) {
				tx.insert('prompts', prompt);
				return {prompt, created: true, kept: []};
			}
			const kept: Array<'name' | 'negative prompt'> = [];
			if (input.name !== undefined && existing.name !== name) kept.push('name');
			if (input.negative !== undefined && existing.negative_prompt !== negative) kept.push('negative prompt');
			return {prompt: existing, created: false, kept};
		});
	}

	listPrompts(options: {limit?: number; offset?: number} = {}): Prompt[] {
		return this.store
			.select('prompts')
			.orderBy('created_at', 'desc')
			.offset(options.offset ?? 0)
			.limit(options.limit ?? 50)
			.all();
	}

	searchPrompts(query: string, options: {limit?: number} = {}): Prompt[] {
		const needle = query.trim();
		if (needle === '') throw new ValidationError('search query is empty');
		return this.store
			.select('prompts')
			.where(or(contains('prompt_text', needle), contains('name', needle)))
			.orderBy('created_at', 'desc')
			.limit(options.limit ?? 50)
			.all();
	}

	getPrompt(id: string): Prompt {
		const prompt = this.store.get('prompts', id);
		if (!prompt) throw new NotFoundError(`no prompt ${id}`);
		return prompt;
	}

	getPromptOrNull(id: string): Prompt | null {
		return this.store.get('prompts', id) ?? null;
	}

	getPromptWithRuns(id: string): {prompt: Prompt; runs: Run[]} {
		const prompt = this.getPrompt(id);
		return {prompt, runs: this.listRuns({promptId: id, limit: 1000})};
	}

	// --- runs ---

	/** Queues a new run of a prompt (and starts a worker if none runs). */
	async createRun(promptIdValue: string, changes: RunChanges = {}, parentRunId: string | null = null, submit: SubmitOptions = {}): Promise<Run> {
		const [run] = await this.submitRuns(promptIdValue, [changes], parentRunId, submit);
		return run!;
	}

	/** Queues several runs of one prompt in one transaction, in this order (with their sweep, if any). */
	async submitRuns(promptIdValue: string, variants: readonly RunChanges[], parentRunId: string | null, submit: SubmitOptions = {}, sweep?: Sweep): Promise<Run[]> {
		this.getPrompt(promptIdValue);
		const defaults = this.runDefaults();
		const runs = variants.map(changes =>
			newRun({
				id: runId(),
				prompt_id: promptIdValue,
				control_weights: {...defaults.weights, ...checkWeights(changes.weights ?? {})},
				parameters: {...defaults.parameters, ...checkParameters(changes.parameters ?? {})},
				parent_run_id: parentRunId,
				created_at: this.createdAt(),
				priority: checkPriority(submit.priority ?? 0),
				host: submit.host ?? null,
				sweep_id: submit.sweepId ?? null,
				...(changes.upscale && {upscale: changes.upscale}),
				...(changes.enhance && {enhance_prompt: true}),
			}),
		);
		return this.queueRuns(promptIdValue, runs, submit, sweep);
	}

	/** Writes new runs of a prompt (with their sweep) in one transaction once a host can take them, and wakes a worker. */
	private async queueRuns(promptIdValue: string, runs: Run[], submit: SubmitOptions, sweep?: Sweep): Promise<Run[]> {
		await this.checkSubmit(Math.max(...runs.map(run => run.parameters.num_gpus)), submit.host);
		await this.store.write(tx => {
			if (!tx.get('prompts', promptIdValue)) throw new NotFoundError(`no prompt ${promptIdValue}`);
			if (sweep) tx.insert('sweeps', {...sweep, run_ids: runs.map(run => run.id)});
			for (const run of runs) tx.insert('runs', run);
		});
		this.ensureWorker();
		return runs;
	}

	/**
	 * Refuses, before anything is written, a run no configured host can take: no host, an unknown
	 * host, or more GPUs than the host has (a cluster's own answer comes when the job is submitted).
	 */
	async checkSubmit(gpus: number, host?: string): Promise<void> {
		this.hosts.requireAny();
		const names = host === undefined ? this.hosts.names() : [host];
		for (const name of names) this.hosts.check(name);
		// A cluster answers for itself at submission (sbatch refuses a node configuration it lacks).
		if (names.some(name => this.hosts.isCluster(name))) return;
		const counts = await Promise.all(names.map(async name => ({name, count: await this.hosts.gpuCount(name)})));
		if (counts.some(({count}) => count >= gpus)) return;
		const have = counts.map(({name, count}) => `${name} has ${count}`).join(', ');
		throw new ValidationError(`a run asking for ${gpus} GPU(s) cannot start: ${have}`);
	}

	/**
	 * A sweep from a prompt (over the defaults) or a run (over its weights and parameters): the
	 * cartesian product of the axes, queued as one sweep record and its runs. dryRun writes nothing.
	 */
	async createSweep(request: SweepRequest): Promise<{sweep: Sweep; runs: Run[]; points: SweepPoint[]}> {
		const size = gridSize(request.axes);
		if (Object.keys(request.axes).length === 0) throw new ValidationError('a sweep needs at least one axis (--vis, --edge, --depth, --seg, --seed, --steps, --guidance)');
		if (size > request.max) throw new ValidationError(`the sweep makes ${size} runs; the limit is ${request.max} (raise it with --max)`);
		const fromRun = request.from.startsWith('rs_');
		const parent = fromRun ? this.getRun(this.resolveId('runs', request.from)) : null;
		const prompt = this.getPrompt(parent ? parent.prompt_id : this.resolveId('prompts', request.from));
		const base = parent ? {weights: parent.control_weights, parameters: parent.parameters} : this.runDefaults();
		const points = sweepGrid(base, request.axes);
		const sweep: Sweep = {id: sweepId(), prompt_id: prompt.id, base_run_id: parent?.id ?? null, axes: request.axes, run_ids: [], created_at: this.createdAt()};
		if (request.dryRun) return {sweep, runs: [], points};
		const variants = points.map(point => ({weights: point.weights, parameters: point.parameters, ...(request.enhance && {enhance: true})}));
		const runs = await this.submitRuns(prompt.id, variants, parent?.id ?? null, {...request.submit, sweepId: sweep.id}, sweep);
		return {sweep: {...sweep, run_ids: runs.map(run => run.id)}, runs, points};
	}

	getSweepWithRuns(id: string): {sweep: Sweep; runs: Run[]} {
		const sweep = this.store.get('sweeps', id);
		if (!sweep) throw new NotFoundError(`no sweep ${id}`);
		return {sweep, runs: sweep.run_ids.map(runIdValue => this.store.get('runs', runIdValue)).filter((run): run is Run => run !== undefined)};
	}

	/** Weights and parameters a new run starts from: the config's [generation] and [docker] num_gpus. */
	runDefaults(): {weights: ControlWeights; parameters: Parameters} {
		const {negative_prompt: _negative, vis, edge, depth, seg, ...parameters} = this.config.generation;
		return {weights: {vis, edge, depth, seg}, parameters: {...parameters, num_gpus: this.config.docker.num_gpus}};
	}

	/** A new run of the same prompt with the parent's weights and parameters, changed as given. */
	async rerun(parentId: string, changes: RunChanges = {}, submit: SubmitOptions = {}): Promise<Run> {
		const parent = this.getRun(parentId);
		return this.createRun(
			parent.prompt_id,
			{
				weights: {...parent.control_weights, ...changes.weights},
				parameters: {...parent.parameters, ...changes.parameters},
				// A rerun of an upscale upscales again; an enhanced run's rerun is enhanced too.
				...(parent.upscale && {upscale: parent.upscale}),
				...((changes.enhance ?? parent.enhance_prompt) && {enhance: true}),
			},
			parent.id,
			submit,
		);
	}

	/** The seed's one-step workflow: prompt (from text and folder) plus a pending run. */
	async createPromptAndRun(
		text: string,
		videoDir: string | undefined,
		changes: RunChanges = {},
		extra: {name?: string; negative?: string} = {},
		submit: SubmitOptions = {},
	): Promise<{prompt: Prompt; run: Run}> {
		const folder = videoDir ?? this.mostRecentVideoDir();
		if (!folder) throw new ValidationError('no video folder given and none used before');
		// Checked first, so a run that cannot be placed leaves no new prompt behind.
		await this.checkSubmit(checkParameters(changes.parameters ?? {}).num_gpus ?? this.runDefaults().parameters.num_gpus, submit.host);
		const {prompt} = await this.createPrompt({text, videoDir: folder, ...extra});
		return {prompt, run: await this.createRun(prompt.id, changes, null, submit)};
	}

	/**
	 * A folder given as a prompt's input folder that holds rendered PNG frames instead of videos (no
	 * color.mp4, but color.<frame>.png files): `prepare --dry-run`'s plan for it, errors included;
	 * null for any other folder (one with color.mp4, without color frames, or none at all).
	 */
	async renderedFramesPlan(dir: string, fps: number): Promise<PreparePlan | null> {
		const folder = path.resolve(dir);
		if ((await lstat(path.join(folder, COLOR_FILE)).catch(() => null)) !== null) return null;
		const result = await prepareRenders(folder, {fps, dryRun: true}).catch((error: unknown) => {
			if (error instanceof UserError) return null; // not found, not a folder: createPrompt said so
			throw error;
		});
		return result?.plan.found.some(found => found.modality === 'color') ? result.plan : null;
	}

	/** `cosmos-tui prepare`: rendered PNG sequences into an input folder of MP4s, as the CLI does it. */
	async prepareRenders(dir: string, options: PrepareOptions, deps?: PrepareDeps): Promise<PrepareResult> {
		return prepareRenders(dir, options, deps);
	}

	/** The folder of the most recently run prompt, else of the newest prompt. */
	mostRecentVideoDir(): string | undefined {
		const lastRun = this.store.select('runs').orderBy('created_at', 'desc').first();
		const prompt = lastRun
			? this.store.get('prompts', lastRun.prompt_id)
			: this.store.select('prompts').orderBy('created_at', 'desc').first();
		return prompt?.video_dir;
	}

	/** Newest first, or with sort 'rating' the best rated first (unrated last), then newest. */
	listRuns(options: {status?: RunStatus; promptId?: string; rating?: RatingFilter; sort?: 'created' | 'rating'; limit?: number; offset?: number} = {}): Run[] {
		let query = this.store.select('runs');
		if (options.status) query = query.where('status', '=', options.status);
		if (options.promptId) query = query.where('prompt_id', '=', options.promptId);
		if (options.rating) query = query.where('rating', '>=', options.rating.min).where('rating', '<=', options.rating.max);
		if (options.sort === 'rating') query = query.orderBy('rating', 'desc');
		return query
			.orderBy('created_at', 'desc')
			.offset(options.offset ?? 0)
			.limit(options.limit ?? 50)
			.all();
	}

	/** Queues a 4K upscale of a finished run's output: a new run linked to it (parent_run_id). */
	async upscaleRun(parentId: string, options: {weight?: number; prompt?: string} = {}, submit: SubmitOptions = {}): Promise<Run> {
		const parent = this.getRun(parentId);
		const upscale = await upscaleRequest(parent, options.weight, options.prompt);
		return this.createRun(parent.prompt_id, {upscale, parameters: {num_gpus: parent.parameters.num_gpus, seed: parent.parameters.seed, fps: parent.parameters.fps}}, parent.id, submit);
	}

	/**
	 * Queues the prompt upsampler on a prompt (`cosmos-tui enhance`, enhance.ts): one GPU, never
	 * batched; when it succeeds, the worker makes a new prompt of the upsampled text, linked to this one.
	 */
	async enhancePrompt(promptIdValue: string, submit: SubmitOptions = {}): Promise<Run> {
		const prompt = this.getPrompt(promptIdValue);
		const defaults = this.runDefaults();
		const run = enhanceRun(prompt, {
			id: runId(),
			created_at: this.createdAt(),
			priority: checkPriority(submit.priority ?? 0),
			host: submit.host ?? null,
			control_weights: defaults.weights,
			parameters: defaults.parameters,
		});
		await this.queueRuns(prompt.id, [run], submit);
		return run;
	}

	/** Sets (1–5) or removes (null) a run's rating. */
	rateRun(id: string, rating: number | null): Promise<Run> {
		return rateRun(this.store, id, rating);
	}

	/** Sets a run's note; empty text removes it. */
	noteRun(id: string, text: string): Promise<Run> {
		return noteRun(this.store, id, text);
	}

	/** Newest runs with their prompts (one query: a join). */
	listRunsWithPrompts(options: {status?: RunStatus; limit?: number} = {}): Array<Run & {prompt: Prompt}> {
		let query = this.store.select('runs');
		if (options.status) query = query.where('status', '=', options.status);
		return query
			.orderBy('created_at', 'desc')
			.limit(options.limit ?? 50)
			.join('prompts', 'prompt_id', 'prompt')
			.all();
	}

	getRun(id: string): Run {
		const run = this.store.get('runs', id);
		if (!run) throw new NotFoundError(`no run ${id}`);
		return run;
	}

	getRunOrNull(id: string): Run | null {
		return this.store.get('runs', id) ?? null;
	}

	getRunWithPrompt(id: string): {run: Run; prompt: Prompt} {
		const run = this.getRun(id);
		return {run, prompt: this.getPrompt(run.prompt_id)};
	}

	countRunsByStatus(): Record<RunStatus, number> {
		const counts = Object.fromEntries(RUN_STATUSES.map(status => [status, 0])) as Record<RunStatus, number>;
		for (const {key, count} of this.store.select('runs').groupBy('status').count()) counts[key] = count;
		return counts;
	}

	/** Runs queued, launching or running, newest first. */
	activeRuns(): Run[] {
		return this.queue.activeRuns();
	}

	/** Resolves a full id or a unique prefix ("rs_1a2b") to an id. */
	resolveId(table: 'prompts' | 'runs' | 'sweeps', text: string): string {
		const what = table.slice(0, -1);
		if (this.store.get(table, text)) return text;
		if (text.length < 4) throw new NotFoundError(`no ${what} ${text}; a shortened id needs at least 4 characters`);
		const pattern = `${text.replaceAll(/[\\%_]/g, char => `\\${char}`)}%`;
		const matches = text.length >= 4 ? this.store.select(table).where('id', 'like', pattern).limit(3).all() : [];
		if (matches.length === 1) return matches[0]!.id;
		if (matches.length > 1) {
			throw new ConflictError(`"${text}" matches ${matches.length} ${what}s (${matches.slice(0, 3).map(m => m.id).join(', ')}...); give more characters`);
		}
		throw new NotFoundError(`no ${what} ${text}`);
	}

	/** Ids that start with a prefix, newest first: shell completion reads these (no host is asked). */
	idsStartingWith(table: 'prompts' | 'runs' | 'sweeps', prefix: string, limit = 200): string[] {
		const pattern = `${prefix.replaceAll(/[\\%_]/g, char => `\\${char}`)}%`;
		return this.store.select(table).where('id', 'like', pattern).orderBy('created_at', 'desc').limit(limit).all().map(row => row.id);
	}

	// --- the queue (the scheduler owns every run; these only ask) ---

	/** Stops a run in any active state (see QueueControl.cancel); starts a worker to carry it out. */
	async cancelRun(id: string): Promise<Run> {
		const run = await this.queue.cancel(id);
		this.ensureWorker();
		return run;
	}

	moveRun(id: string, move: Move): Promise<Run> {
		return this.queue.move(id, move);
	}

	pauseHosts(host?: string): Promise<string[]> {
		return this.queue.pause(host);
	}

	async resumeHosts(host?: string): Promise<string[]> {
		const names = await this.queue.resume(host);
		this.ensureWorker();
		return names;
	}

	queueView(): QueueView {
		return this.queue.view();
	}

	/** Dispatches runs in this process while it holds the dispatcher lease (`cosmos-tui worker`). */
	runWorker(options: WorkerOptions = {}): Promise<WorkerResult> {
		return this.scheduler.run(options);
	}

	/**
	 * Starts a background worker when runs are active and no process dispatches them. Submitting,
	 * cancelling and the UI call it; true when one was started.
	 */
	ensureWorker(): boolean {
		if (!this.startWorker || this.scheduler.dispatching || this.queue.worker() !== null) return false;
		// One spawned worker needs a moment to take the lease; do not start a crowd meanwhile.
		if (Date.now() - this.workerStartedAt < this.config.scheduler.lease_seconds * 1000) return false;
		if (this.queue.activeRuns().length === 0) return false;
		this.workerStartedAt = Date.now();
		this.startWorker();
		return true;
	}

	/** Resolves with the run once it is final (or as it is when the signal aborts). */
	async waitForRun(id: string, options: {signal?: AbortSignal} = {}): Promise<Run> {
		await this.watch.untilFinal(id, options.signal);
		return this.getRun(id);
	}

	/** Every configured host's status, compared with what the store believes. */
	async hostReports(): Promise<HostReport[]> {
		this.hosts.requireAny();
		const active = this.queue.activeRuns();
		return Promise.all(this.hosts.names().map(name => hostReport(this.hosts, name, active, id => this.store.get('runs', id) !== undefined)));
	}

	/**
	 * Trusts the host's unknown key as --accept-new-host-key does: connects once with accept-new
	 * (which appends the key to known_hosts) and closes. The host's executor, and the background
	 * worker, read known_hosts again on their next connection. A changed or revoked key is still
	 * refused. `env` gives HOME, USER and SSH_AUTH_SOCK, as for the CLI's executors.
	 */
	async trustHostKey(name: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
		const host = configuredHosts(this.config).find(candidate => candidate.name === name);
		if (!host) throw new NotFoundError(`no GPU host named ${name} in the config`);
		const shell = await createHostShell(host.config, {acceptNewHostKey: true, env});
		try {
			await shell.exec(['true']);
		} finally {
			await shell.close().catch(() => undefined);
		}
	}

	/**
	 * Streams a run's saved log and progress (written by the worker that follows it) until the run
	 * ends, as 'log' and 'progress' events; `fromLine` log lines are already shown.
	 */
	async streamRun(id: string, fromLine: number, options: {signal?: AbortSignal} = {}): Promise<Run> {
		this.getRun(id);
		await this.watch.stream(id, fromLine, options.signal);
		return this.getRun(id);
	}

	/** Store and data folder consistency, and runs that no live process owns. */
	async verify(): Promise<FullVerifyReport> {
		const report = await this.deletion.verify();
		const owned = this.queue.worker() !== null;
		const unownedRuns = owned ? [] : this.queue.activeRuns().map(run => ({runId: run.id, status: run.status}));
		return withMarks(report, unownedRuns, this.store);
	}

	/** Removes the folders and marks the runs of a plan from fixPlan(verify()); all or nothing. */
	verifyFix(plan: FixPlan): Promise<FixPlan> {
		return applyFix(this.store, this.files, plan);
	}

	readLogTail(id: string, lines: number): Promise<string[]> {
		this.getRun(id);
		return this.files.tailLog(id, lines);
	}

	/** The saved log in order, in blocks of whole lines (see log-read.ts); resolves to the number of lines. */
	streamLog(id: string, onBlock: (text: string, lines: number) => void): Promise<number> {
		this.getRun(id);
		return this.files.eachLogBlock(id, onBlock);
	}

	async close(): Promise<void> {
		this.unsubscribe();
		await this.hosts.close();
	}

	/** Creation times strictly increase within a process, so "newest first" is well defined. */
	private createdAt(): string {
		this.lastCreated = Math.max(this.now().getTime(), this.lastCreated + 1);
		return new Date(this.lastCreated).toISOString();
	}

	/** Turns store changes (ours and other processes') into service events. */
	private relay(change: Change): void {
		if (change.table === 'prompts') {
			this.events.emit('prompt-changed', {id: change.id, prompt: this.store.get('prompts', change.id) ?? null});
			return;
		}
		if (change.table !== 'runs') {
			this.events.emit('queue-changed', {table: change.table, id: change.id});
			return;
		}
		const run = this.store.get('runs', change.id);
		if (change.op === 'delete' || !run) this.events.emit('run-deleted', {id: change.id});
		else this.events.emit(change.op === 'insert' ? 'run-created' : 'run-updated', run);
	}
}

function checkPriority(priority: number): number {
	if (!Number.isInteger(priority) || Math.abs(priority) > MAX_PRIORITY) {
		throw new ValidationError(`priority must be a whole number from -${MAX_PRIORITY} to ${MAX_PRIORITY}, got ${priority}`);
	}
	return priority;
}

function checkName(name: string): string {
	const cleaned = name.trim();
	if (cleaned === '' || cleaned.length > 80 || /[\0-\x1f\x7f]/.test(cleaned)) {
		throw new ValidationError('name must be 1 to 80 printable characters');
	}
	return cleaned;
}
