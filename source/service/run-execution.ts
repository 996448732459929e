// Moves runs through their statuses with an Executor: launch, follow (log, progress), finish, kill.
import path from 'node:path';
import {ConflictError, HostError, ValidationError} from '../domain/errors.js';
import type {Progress, Prompt, PromptInputs, Run} from '../domain/model.js';
import type {ExecutionResult, Executor, ExecutorEvents, HostStatus, Job} from '../executor/executor.js';
import type {Store} from '../store/index.js';
import type {ServiceEvents, TypedEmitter} from './events.js';
import {refreshInput} from './inputs.js';
import {LogWriter} from './log-writer.js';
import {tryLock} from './pid-lock.js';
import type {RunFiles} from './run-files.js';

type Deps = {
	store: Store;
	files: RunFiles;
	events: TypedEmitter<ServiceEvents>;
	executor: (() => Promise<Executor>) | undefined;
	now: () => Date;
	stallSeconds: number;
};

type RunAndPrompt = {run: Run; prompt: Prompt};

/** Another process follows the run (and writes its log); tail the log instead. */
export class FollowedElsewhereError extends ConflictError {}

export class RunExecution {
	private executorPromise: Promise<Executor> | null = null;
	private readonly following = new Map<string, Promise<Run>>();

	constructor(private readonly deps: Deps) {}

	async execute(target: RunAndPrompt, options: {signal?: AbortSignal}): Promise<Run> {
		const run = await this.launch(target);
		return this.follow({run, prompt: target.prompt}, options);
	}

	/** Uploads inputs and starts the container; the run is 'running' with a remote handle after this. */
	async launch({run, prompt}: RunAndPrompt): Promise<Run> {
		if (run.status !== 'pending') throw new ConflictError(`run ${run.id} is ${run.status}; only a pending run can start`);
		const executor = await this.executor();
		await checkInputsUnchanged(prompt.inputs);
		const now = this.deps.now().toISOString();
		// Claiming pending -> running inside a store transaction stops two processes launching one run.
		const started = await this.update(run.id, current => {
			if (current.status !== 'pending') throw new ConflictError(`run ${run.id} is already ${current.status}`);
			return {
				status: 'running',
				stage: 'uploading',
				started_at: now,
				progress: {stage: 'uploading', fraction: 0, message: 'uploading inputs', at: now},
			};
		});
		await this.deps.files.ensure(run.id);
		const writer = new LogWriter(this.deps.files.logPath(run.id));
		try {
			const handle = await executor.launch(this.job(started, prompt), this.eventsFor(run.id, writer));
			return await this.update(run.id, () => ({remote: handle}));
		} catch (error) {
			await this.finish(run.id, {
				status: 'failed',
				exitCode: null,
				failureKind: 'start_failed',
				errorMessage: `could not start: ${(error as Error).message}`,
				outputs: {},
				metrics: {},
			});
			throw error;
		} finally {
			await writer.close();
		}
	}

	/**
	 * Follows a launched run to its end. One follower per run across processes; aborting the
	 * signal detaches (the run goes on on the host) and resolves with the run as it is.
	 */
	follow({run, prompt}: RunAndPrompt, options: {signal?: AbortSignal}): Promise<Run> {
		const existing = this.following.get(run.id);
		if (existing) return existing;
		const promise = this.followOnce(run, prompt, options).finally(() => this.following.delete(run.id));
		this.following.set(run.id, promise);
		return promise;
	}

	async kill(run: Run): Promise<Run> {
		if (run.status !== 'pending' && run.status !== 'running') {
			throw new ConflictError(`run ${run.id} is ${run.status}; nothing to kill`);
		}
		if (run.remote) await (await this.executor()).kill(run.remote);
		const now = this.deps.now().toISOString();
		return this.update(run.id, current =>
			current.status === 'pending' || current.status === 'running'
				? {status: 'cancelled', completed_at: now, error_message: 'killed by user', stalled: false}
				: {},
		);
	}

	async hostStatus(): Promise<HostStatus> {
		return (await this.executor()).status();
	}

	async close(): Promise<void> {
		if (this.executorPromise) await (await this.executorPromise.catch(() => null))?.close();
	}

	private async followOnce(run: Run, prompt: Prompt, options: {signal?: AbortSignal}): Promise<Run> {
		if (run.status !== 'running') {
			if (run.status === 'pending') throw new ConflictError(`run ${run.id} has not been started`);
			return run; // already finished: nothing to follow
		}
		if (!run.remote) throw new ConflictError(`run ${run.id} is starting in another process`);
		const executor = await this.executor();
		await this.deps.files.ensure(run.id);
		const lock = tryLock(path.join(this.deps.files.dir(run.id), 'follower.pid'));
		if (!('release' in lock)) {
			throw new FollowedElsewhereError(`run ${run.id} is being followed by process ${lock.ownerPid}`);
		}
		const writer = new LogWriter(this.deps.files.logPath(run.id));
		try {
			const skipLines = await this.deps.files.countLogLines(run.id);
			let result: ExecutionResult;
			try {
				result = await executor.follow(run.remote, this.job(run, prompt), this.eventsFor(run.id, writer), {
					skipLines,
					signal: options.signal,
				});
			} catch (error) {
				if (options.signal?.aborted) return this.deps.store.get('runs', run.id) ?? run;
				throw error;
			}
			if (options.signal?.aborted) return this.deps.store.get('runs', run.id) ?? run;
			await writer.flush();
			return await this.finish(run.id, result);
		} finally {
			await writer.close();
			lock.release();
		}
	}

	private async finish(runId: string, result: ExecutionResult): Promise<Run> {
		const now = this.deps.now();
		return this.update(runId, current => {
			const cancelled = current.status === 'cancelled' || result.status === 'cancelled';
			const started = current.started_at ? Date.parse(current.started_at) : now.getTime();
			const success = result.status === 'success' && !cancelled;
			return {
				status: cancelled ? 'cancelled' : result.status,
				stage: success ? 'done' : current.stage,
				progress: success ? {stage: 'done', fraction: 1, message: 'done', at: now.toISOString()} : current.progress,
				completed_at: current.completed_at ?? now.toISOString(),
				outputs: {...current.outputs, ...result.outputs},
				failure_kind: cancelled ? null : result.failureKind,
				error_message: cancelled ? (current.error_message ?? 'killed by user') : result.errorMessage,
				stalled: false,
				metrics: {
					...current.metrics,
					...result.metrics,
					...(result.exitCode === null ? {} : {exit_code: result.exitCode}),
					duration_s: Math.round((now.getTime() - started) / 100) / 10,
				},
			};
		});
	}

	private eventsFor(runId: string, writer: LogWriter): ExecutorEvents {
		// Progress writes are chained so they land in the order the executor reported them.
		let chain: Promise<unknown> = Promise.resolve();
		const queue = (work: () => Promise<unknown>) => {
			chain = chain.then(work).catch(() => undefined);
		};
		return {
			log: line => {
				writer.write(line);
				this.deps.events.emit('log', {runId, line});
			},
			progress: ({stage, fraction, message}) => {
				const timestamp = this.deps.now().toISOString();
				const progress: Progress = {run_id: runId, stage, fraction, message, timestamp};
				this.deps.events.emit('progress', progress);
				queue(async () => {
					await this.deps.files.appendProgress(progress);
					await this.update(runId, current =>
						current.status === 'running' ? {stage, progress: {stage, fraction, message, at: timestamp}} : {},
					);
				});
			},
			stalled: stalled => queue(() => this.update(runId, () => ({stalled}))),
		};
	}

	private job(run: Run, prompt: Prompt): Job {
		return {run, prompt, outputDir: this.deps.files.outputsDir(run.id)};
	}

	private async update(runId: string, change: (current: Run) => Partial<Run>): Promise<Run> {
		return this.deps.store.write(tx => {
			const current = tx.get('runs', runId);
			if (!current) throw new ConflictError(`run ${runId} was deleted`);
			const patch = change(current);
			return Object.keys(patch).length === 0 ? current : tx.update('runs', runId, patch);
		});
	}

	/** Throws unless a GPU host is configured; commands call it before creating anything. */
	requireHost(): void {
		if (!this.deps.executor) throw new HostError('no GPU host configured: set [remote] host in the config file');
	}

	private executor(): Promise<Executor> {
		try {
			this.requireHost();
		} catch (error) {
			return Promise.reject(error);
		}
		this.executorPromise ??= this.deps.executor!();
		this.executorPromise.catch(() => {
			this.executorPromise = null; // let a later call try again
		});
		return this.executorPromise;
	}
}

/** The prompt id names its content; a video changed since then would run something else. */
async function checkInputsUnchanged(inputs: PromptInputs): Promise<void> {
	for (const input of Object.values(inputs)) {
		const now = await refreshInput(input);
		if (now.sha256 !== input.sha256) {
			throw new ValidationError(`input video changed since the prompt was made: ${input.path}; create a new prompt`);
		}
	}
}
