// The workflow service: the one place for business logic. It knows nothing of terminals;
// the CLI and the UI call it and listen to its events.
import path from 'node:path';
import type {Config} from '../config/schema.js';
import {ConflictError, NotFoundError, ValidationError} from '../domain/errors.js';
import {
	newRun,
	type ControlWeights,
	type Parameters,
	type Prompt,
	type Run,
	type RunStatus,
} from '../domain/model.js';
import {promptId, runId, smartName} from '../domain/naming.js';
import {checkParameters, checkWeights, cleanPromptText} from '../domain/validate.js';
import type {Executor, HostStatus} from '../executor/executor.js';
import {contains, eq, or, type Store} from '../store/index.js';
import {TypedEmitter, type ServiceEvents} from './events.js';
import {scanInputFolder} from './inputs.js';
import {FollowedElsewhereError, RunExecution} from './run-execution.js';
import {RunFiles} from './run-files.js';
import {Deletion} from './deletion.js';
import {tailLines} from './log-tail.js';

export type HostReport = HostStatus & {
	/** Runs the store believes are running, with no container on the host. */
	runsWithoutContainer: string[];
	/** cosmos-tui containers on the host that no run in the store owns. */
	containersWithoutRun: HostStatus['containers'];
};

export type ServiceOptions = {
	store: Store;
	config: Config;
	dataDir: string;
	/** Made on first use, so commands that only touch the store never need SSH. */
	executor?: () => Promise<Executor>;
	now?: () => Date;
};

export type RunChanges = {weights?: Partial<ControlWeights>; parameters?: Partial<Parameters>};

export type NewPrompt = {text: string; videoDir: string; name?: string; negative?: string};

export class WorkflowService {
	readonly events = new TypedEmitter<ServiceEvents>();
	readonly files: RunFiles;
	readonly execution: RunExecution;
	readonly deletion: Deletion;
	private readonly store: Store;
	private readonly config: Config;
	private readonly now: () => Date;
	private readonly unsubscribe: () => void;
	private lastCreated = 0;

	constructor(options: ServiceOptions) {
		this.store = options.store;
		this.config = options.config;
		this.now = options.now ?? (() => new Date());
		this.files = new RunFiles(path.join(options.dataDir, 'runs'));
		this.execution = new RunExecution({
			store: this.store,
			files: this.files,
			events: this.events,
			executor: options.executor,
			now: this.now,
			stallSeconds: this.config.monitor.stall_seconds,
		});
		this.deletion = new Deletion(this.store, this.files);
		this.unsubscribe = this.store.subscribe(change => this.relay(change));
	}

	// --- prompts ---

	/** Creates a prompt, or returns the existing one with the same text and inputs. */
	async createPrompt(input: NewPrompt): Promise<{prompt: Prompt; created: boolean}> {
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
			if (existing) return {prompt: existing, created: false};
			tx.insert('prompts', prompt);
			return {prompt, created: true};
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

	async createRun(promptIdValue: string, changes: RunChanges = {}, parentRunId: string | null = null): Promise<Run> {
		this.getPrompt(promptIdValue);
		const defaults = this.runDefaults();
		const run = newRun({
			id: runId(),
			prompt_id: promptIdValue,
			control_weights: {...defaults.weights, ...checkWeights(changes.weights ?? {})},
			parameters: {...defaults.parameters, ...checkParameters(changes.parameters ?? {})},
			parent_run_id: parentRunId,
			created_at: this.createdAt(),
		});
		await this.store.write(tx => {
			if (!tx.get('prompts', promptIdValue)) throw new NotFoundError(`no prompt ${promptIdValue}`);
			tx.insert('runs', run);
		});
		return run;
	}

	/** Weights and parameters a new run starts from: the config's [generation] and [docker] num_gpus. */
	runDefaults(): {weights: ControlWeights; parameters: Parameters} {
		const {negative_prompt: _negative, vis, edge, depth, seg, ...parameters} = this.config.generation;
		return {weights: {vis, edge, depth, seg}, parameters: {...parameters, num_gpus: this.config.docker.num_gpus}};
	}

	/** A new run of the same prompt with the parent's weights and parameters, changed as given. */
	async rerun(parentId: string, changes: RunChanges = {}): Promise<Run> {
		const parent = this.getRun(parentId);
		return this.createRun(
			parent.prompt_id,
			{
				weights: {...parent.control_weights, ...changes.weights},
				parameters: {...parent.parameters, ...changes.parameters},
			},
			parent.id,
		);
	}

	/** The seed's one-step workflow: prompt (from text and folder) plus a pending run. */
	async createPromptAndRun(
		text: string,
		videoDir: string | undefined,
		changes: RunChanges = {},
		extra: {name?: string; negative?: string} = {},
	): Promise<{prompt: Prompt; run: Run}> {
		const folder = videoDir ?? this.mostRecentVideoDir();
		if (!folder) throw new ValidationError('no video folder given and none used before');
		const {prompt} = await this.createPrompt({text, videoDir: folder, ...extra});
		return {prompt, run: await this.createRun(prompt.id, changes)};
	}

	/** The folder of the most recently run prompt, else of the newest prompt. */
	mostRecentVideoDir(): string | undefined {
		const lastRun = this.store.select('runs').orderBy('created_at', 'desc').first();
		const prompt = lastRun
			? this.store.get('prompts', lastRun.prompt_id)
			: this.store.select('prompts').orderBy('created_at', 'desc').first();
		return prompt?.video_dir;
	}

	listRuns(options: {status?: RunStatus; promptId?: string; limit?: number; offset?: number} = {}): Run[] {
		let query = this.store.select('runs');
		if (options.status) query = query.where('status', '=', options.status);
		if (options.promptId) query = query.where('prompt_id', '=', options.promptId);
		return query
			.orderBy('created_at', 'desc')
			.offset(options.offset ?? 0)
			.limit(options.limit ?? 50)
			.all();
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

	getRunWithPrompt(id: string): {run: Run; prompt: Prompt} {
		const run = this.getRun(id);
		return {run, prompt: this.getPrompt(run.prompt_id)};
	}

	countRunsByStatus(): Record<RunStatus, number> {
		const counts: Record<RunStatus, number> = {pending: 0, running: 0, success: 0, failed: 0, cancelled: 0};
		for (const {key, count} of this.store.select('runs').groupBy('status').count()) counts[key] = count;
		return counts;
	}

	activeRuns(): Run[] {
		return this.store
			.select('runs')
			.where(or(eq('status', 'pending'), eq('status', 'running')))
			.orderBy('created_at', 'desc')
			.all();
	}

	/** Resolves a full id or a unique prefix ("rs_1a2b") to an id. */
	resolveId(table: 'prompts' | 'runs', text: string): string {
		const what = table === 'prompts' ? 'prompt' : 'run';
		if (this.store.get(table, text)) return text;
		const pattern = `${text.replaceAll(/[\\%_]/g, char => `\\${char}`)}%`;
		const matches = text.length >= 4 ? this.store.select(table).where('id', 'like', pattern).limit(3).all() : [];
		if (matches.length === 1) return matches[0]!.id;
		if (matches.length > 1) {
			throw new ConflictError(`"${text}" matches ${matches.length} ${what}s (${matches.slice(0, 3).map(m => m.id).join(', ')}...); give more characters`);
		}
		throw new NotFoundError(`no ${what} ${text}`);
	}

	// --- execution (delegated) ---

	executeRun(id: string, options: {signal?: AbortSignal} = {}): Promise<Run> {
		return this.execution.execute(this.getRunWithPrompt(id), options);
	}

	launchRun(id: string): Promise<Run> {
		return this.execution.launch(this.getRunWithPrompt(id));
	}

	followRun(id: string, options: {signal?: AbortSignal} = {}): Promise<Run> {
		return this.execution.follow(this.getRunWithPrompt(id), options);
	}

	killRun(id: string): Promise<Run> {
		return this.execution.kill(this.getRun(id));
	}

	/** The host's status, compared with what the store believes. */
	async hostReport(): Promise<HostReport> {
		const status = await this.execution.hostStatus();
		const onHost = new Set(status.containers.map(container => container.runId));
		const runsWithoutContainer = status.connected && status.docker.ok
			? this.activeRuns().filter(run => run.status === 'running' && run.remote && !onHost.has(run.id)).map(run => run.id)
			: [];
		const containersWithoutRun = status.containers.filter(container => !this.store.get('runs', container.runId));
		return {...status, runsWithoutContainer, containersWithoutRun};
	}

	/**
	 * Streams a run's log until it ends: as its follower, or, when another process follows it,
	 * by tailing the log that process writes. `fromLine` lines are already shown.
	 */
	async streamRun(id: string, fromLine: number, options: {signal?: AbortSignal} = {}): Promise<Run> {
		try {
			return await this.followRun(id, options);
		} catch (error) {
			if (!(error instanceof FollowedElsewhereError)) throw error;
		}
		const isOver = () => {
			this.store.refresh();
			const run = this.store.get('runs', id);
			return !run || (run.status !== 'running' && run.status !== 'pending');
		};
		await tailLines(this.files.logPath(id), fromLine, line => this.events.emit('log', {runId: id, line}), isOver, options.signal);
		return this.getRun(id);
	}

	readLogTail(id: string, lines: number): Promise<string[]> {
		this.getRun(id);
		return this.files.tailLog(id, lines);
	}

	async close(): Promise<void> {
		this.unsubscribe();
		await this.execution.close();
	}

	/** Creation times strictly increase within a process, so "newest first" is well defined. */
	private createdAt(): string {
		this.lastCreated = Math.max(this.now().getTime(), this.lastCreated + 1);
		return new Date(this.lastCreated).toISOString();
	}

	/** Turns store changes (ours and other processes') into service events. */
	private relay(change: {table: 'prompts' | 'runs'; id: string; op: 'insert' | 'update' | 'delete'}): void {
		if (change.table === 'prompts') {
			this.events.emit('prompt-changed', {id: change.id, prompt: this.store.get('prompts', change.id) ?? null});
			return;
		}
		const run = this.store.get('runs', change.id);
		if (change.op === 'delete' || !run) this.events.emit('run-deleted', {id: change.id});
		else this.events.emit(change.op === 'insert' ? 'run-created' : 'run-updated', run);
	}
}

function checkName(name: string): string {
	const cleaned = name.trim();
	if (cleaned === '' || cleaned.length > 80 || /[\0-\x1f\x7f]/.test(cleaned)) {
		throw new ValidationError('name must be 1 to 80 printable characters');
	}
	return cleaned;
}
