// The dispatcher: the one owner of every run's life. Exactly one process at a time holds the
// dispatcher lease (normally a `cosmos-tui worker`); it places queued runs on free GPUs, launches
// them, follows them to their end, carries out cancels, and recovers runs whose launcher or
// follower died. Everyone else only writes requests into the store (submit, cancel, move, pause)
// and reads what the dispatcher records.
import {setTimeout as delay} from 'node:timers/promises';
import {ConfigError, ConflictError, NotFoundError, ValidationError} from '../../domain/errors.js';
import {type Run, isActive, runInputs} from '../../domain/model.js';
import type {ExecutionResult, Executor, Job} from '../../executor/executor.js';
import type {Store} from '../../store/index.js';
import {ACTIVE} from '../queue.js';
import type {ServiceEvents, TypedEmitter} from '../events.js';
import {LogWriter} from '../log-writer.js';
import type {RunFiles} from '../run-files.js';
import type {HostPool} from './host-pool.js';
import {DISPATCHER_LEASE, type Leases, followLease} from './leases.js';
import {type Placed, planPlacements} from './placement.js';
import {sortQueue} from './queue-order.js';
import {checkInputsUnchanged, endResult, finishPatch, runEvents, updateRun, upsampledPrompt} from './run-records.js';

export type SchedulerDeps = {
	store: Store;
	files: RunFiles;
	events: TypedEmitter<ServiceEvents>;
	hosts: HostPool;
	leases: Leases;
	now: () => Date;
	/** Lease period: heartbeats come three times per period. */
	leaseMs: number;
};

export type WorkerOptions = {
	/** Return once nothing is queued, launching or running (the background worker). */
	once?: boolean;
	/** Stop dispatching: follows detach (runs go on on their hosts), launches under way finish. */
	signal?: AbortSignal;
	/** Called once this process holds the dispatcher lease. */
	onDispatching?: () => void;
	/** While another process dispatches, wait to take over (instead of returning 'busy'). */
	standby?: boolean;
};

/** idle: drained the queue; stopped: the signal or a lost lease; busy: another process dispatches. */
export type WorkerResult = 'idle' | 'stopped' | 'busy';

/** A follow or reconcile that failed (host down) is tried again after this long. */
const RETRY_MS = 5000;
/** Looks again this often without being told (a missed fs.watch event, a lapsed follower lease). */
const SWEEP_MS = 1000;
const LAUNCH_SETTLE_MS = 30_000;
/** Launches tried before a run that could not start fails. */
const LAUNCH_ATTEMPTS = 3;

/** Bad input or settings fail at once; a host that did not answer may answer next time. */
function mayRetry(error: unknown): boolean {
	return !(error instanceof ValidationError || error instanceof ConfigError || error instanceof ConflictError || error instanceof NotFoundError);
}

export class Scheduler {
	private readonly launches = new Map<string, {controller: AbortController; done: Promise<void>}>();
	private readonly follows = new Map<string, {controller: AbortController; run: Run}>();
	/** Runs whose job has ended on the host: their GPUs are free while outputs download. */
	private readonly exited = new Set<string>();
	private readonly busy = new Set<string>(); // kills and reconciles under way
	/** Every follow, kill and reconcile under way, so stopping can wait for them. */
	private readonly pending = new Set<Promise<unknown>>();
	private readonly retryAt = new Map<string, number>();
	private readonly readingGpus = new Map<string, Promise<void>>();
	private poked = false;
	private running = false;
	private wake: (() => void) | null = null;

	constructor(private readonly deps: SchedulerDeps) {}

	/** True while this process is the dispatcher. */
	get dispatching(): boolean {
		return this.deps.leases.holds(DISPATCHER_LEASE);
	}

	async run(options: WorkerOptions = {}): Promise<WorkerResult> {
		const {store} = this.deps;
		if (this.running) return 'busy';
		this.running = true;
		const waited = await this.takeLease(options);
		if (waited !== null) {
			this.running = false;
			return waited;
		}
		options.onDispatching?.();
		const stop = new AbortController();
		const onAbort = () => stop.abort();
		options.signal?.addEventListener('abort', onAbort, {once: true});
		const unsubscribe = store.subscribe(change => {
			if (change.table !== 'leases') this.poke();
		});
		const heartbeat = setInterval(() => void this.heartbeat(stop), Math.max(200, this.deps.leaseMs / 3));
		const sweep = setInterval(() => this.poke(), SWEEP_MS);
		try {
			for (;;) {
				this.poked = false;
				await this.tick();
				if (stop.signal.aborted) return 'stopped';
				if (options.once && (await this.releaseIfIdle())) return 'idle';
				await this.nextPoke(stop.signal);
				if (stop.signal.aborted) return 'stopped';
			}
		} finally {
			options.signal?.removeEventListener('abort', onAbort);
			clearInterval(heartbeat);
			clearInterval(sweep);
			unsubscribe();
			await this.detach();
			this.running = false;
		}
	}

	/**
	 * Takes the dispatcher lease; null once held. Another live holder: 'busy', or with standby,
	 * wait for its lease to lapse (a holder killed with -9 stops renewing it), giving up when
	 * stopped or, with once, when nothing is left to do.
	 */
	private async takeLease(options: WorkerOptions): Promise<WorkerResult | null> {
		for (;;) {
			if (await this.deps.leases.acquire(DISPATCHER_LEASE).catch(() => false)) return null;
			if (!options.standby || options.signal?.aborted) return options.signal?.aborted ? 'stopped' : 'busy';
			if (options.once && this.deps.store.select('runs').where(ACTIVE).count() === 0) return 'idle';
			// A lease only lapses with time: look again within half a lease period.
			await delay(this.deps.leaseMs / 2, undefined, {signal: options.signal}).catch(() => undefined);
			this.deps.store.refresh();
		}
	}

	/** Something changed: look again soon. */
	poke(): void {
		this.poked = true;
		this.wake?.();
	}

	private nextPoke(signal: AbortSignal): Promise<void> {
		if (this.poked || signal.aborted) return Promise.resolve();
		return new Promise(resolve => {
			const done = () => {
				this.wake = null;
				signal.removeEventListener('abort', done);
				resolve();
			};
			this.wake = done;
			signal.addEventListener('abort', done, {once: true});
		});
	}

	private async heartbeat(stop: AbortController): Promise<void> {
		const lost = await this.deps.leases.renew().catch((): string[] => []);
		if (lost.includes(DISPATCHER_LEASE)) stop.abort();
		for (const id of lost) {
			const runId = id.startsWith('follow:') ? id.slice('follow:'.length) : null;
			if (runId) this.follows.get(runId)?.controller.abort();
		}
	}

	/** One look at every active run: recover, cancel, follow, then place queued runs on free GPUs. */
	private async tick(): Promise<void> {
		const {store} = this.deps;
		store.refresh();
		const active = store.select('runs').where(ACTIVE).all();
		const now = this.deps.now().getTime();
		for (const run of active) {
			if ((this.retryAt.get(run.id) ?? 0) > now || this.busy.has(run.id)) continue;
			if (run.status === 'queued' && run.cancel_requested_at !== null) this.guard(run.id, () => this.end(run.id, endResult('cancelled', null, null)));
			else if (run.status === 'launching' && !this.launches.has(run.id)) this.guard(run.id, () => this.reconcile(run));
			else if (run.status === 'launching' && run.cancel_requested_at !== null) this.launches.get(run.id)!.controller.abort();
			else if (run.status === 'running' && run.cancel_requested_at !== null && !this.exited.has(run.id)) this.guard(run.id, () => this.kill(run));
			if (run.status === 'running' && !this.follows.has(run.id)) this.follow(run);
		}
		this.dropDeleted();
		await this.dispatch(active);
	}

	/** A run deleted while active (delete --force): its launch or follow stops, and its job goes. */
	private dropDeleted(): void {
		const {store} = this.deps;
		for (const [id, launch] of this.launches) if (!store.get('runs', id)) launch.controller.abort();
		for (const [id, {controller, run}] of this.follows) {
			if (store.get('runs', id) || controller.signal.aborted) continue;
			controller.abort();
			this.guard(id, async () => {
				const executor = await this.deps.hosts.executor(run.remote!.host);
				await executor.kill(run.remote!);
				await executor.remove(id);
			});
		}
	}

	private async dispatch(active: readonly Run[]): Promise<void> {
		const now = this.deps.now().getTime();
		const queued = sortQueue(active.filter(run => run.status === 'queued' && run.cancel_requested_at === null && (this.retryAt.get(run.id) ?? 0) <= now));
		if (queued.length === 0) return;
		const taken = new Map<string, number[]>();
		const submitted = new Map<string, number>();
		for (const run of active) {
			if (run.status === 'queued' || !run.placement || this.exited.has(run.id)) continue;
			taken.set(run.placement.host, [...(taken.get(run.placement.host) ?? []), ...run.placement.gpus]);
			submitted.set(run.placement.host, (submitted.get(run.placement.host) ?? 0) + 1);
		}
		const {hosts} = this.deps;
		// A host never read is read first (its busy GPUs are unknown); later readings refresh in the
		// background. A cluster places runs itself: nothing to read.
		const gpuHosts = hosts.names().filter(name => !hosts.isCluster(name));
		const neverRead = gpuHosts.filter(name => !hosts.state(name)?.gpus_read_at);
		await Promise.all(neverRead.map(name => this.readGpus(name, taken.get(name) ?? [])));
		for (const name of gpuHosts) {
			if (hosts.readingIsStale(name)) void this.readGpus(name, taken.get(name) ?? []);
		}
		const plan = planPlacements(queued, hosts.names().map(name => hosts.view(name, taken.get(name) ?? [], submitted.get(name) ?? 0)));
		for (const placed of plan.placed) await this.claim(placed);
	}

	/** nvidia-smi on one host, once at a time; pokes when done. */
	private readGpus(name: string, ours: number[]): Promise<void> {
		let reading = this.readingGpus.get(name);
		if (!reading) {
			reading = this.deps.hosts.readGpus(name, ours).catch(() => undefined).finally(() => {
				this.readingGpus.delete(name);
				this.poke();
			});
			this.readingGpus.set(name, reading);
		}
		return reading;
	}

	/** queued → launching on these GPUs (in one transaction, so a cancel in between wins), then launch. */
	private async claim(placed: Placed): Promise<void> {
		const now = this.deps.now().toISOString();
		const run = await updateRun(this.deps.store, placed.runId, current =>
			current.status === 'queued' && current.cancel_requested_at === null
				? {
					status: 'launching',
					stage: 'uploading',
					placement: {host: placed.host, gpus: placed.gpus},
					started_at: now,
					progress: {stage: 'uploading', fraction: 0, message: `placed on ${placed.host} GPU ${placed.gpus.join(',')}`, at: now},
				}
				: null,
		).catch(() => null);
		if (!run) return;
		const controller = new AbortController();
		const done = this.launch(run, controller.signal).finally(() => {
			this.launches.delete(run.id);
			this.poke();
		});
		this.launches.set(run.id, {controller, done});
	}

	private async launch(run: Run, signal: AbortSignal): Promise<void> {
		const {store, files, hosts} = this.deps;
		const prompt = store.get('prompts', run.prompt_id);
		await files.ensure(run.id);
		const writer = new LogWriter(files.logPath(run.id));
		let executor: Executor | null = null;
		let starting = false;
		try {
			if (!prompt) throw new NotFoundError(`its prompt ${run.prompt_id} was deleted`);
			await checkInputsUnchanged(runInputs(run, prompt));
			executor = await hosts.executor(run.placement!.host);
			const handle = await executor.launch(this.job(run), runEvents(this.deps, run.id, writer), {
				signal,
				beforeStart: async () => {
					starting = true;
					await updateRun(store, run.id, () => ({stage: 'starting'}));
				},
			});
			// A cancel that came during `docker run` is carried out by the next tick (a kill).
			const started = await updateRun(store, run.id, () => ({status: 'running', remote: handle}));
			if (started) this.follow(started);
		} catch (error) {
			const cancelled = signal.aborted || store.get('runs', run.id)?.cancel_requested_at != null;
			if (cancelled) await executor?.remove(run.id).catch(() => undefined);
			else if (!starting && mayRetry(error) && (await this.requeueAfterFailure(run, error))) return;
			await this.end(run.id, cancelled ? endResult('cancelled', null, null) : endResult('failed', 'start_failed', `could not start: ${(error as Error).message}`)).catch(() => undefined);
		} finally {
			await writer.close();
		}
	}

	/**
	 * A launch that failed before its job was started (the host did not answer, SFTP failed) goes
	 * back to the queue at its place and is tried again a few seconds later, up to LAUNCH_ATTEMPTS
 * times in all.
	 */
	private async requeueAfterFailure(run: Run, error: unknown): Promise<boolean> {
		const requeued = await updateRun(this.deps.store, run.id, current => {
			const attempts = Number(current.metrics['launch_attempts'] ?? 1);
			if (current.status !== 'launching' || attempts >= LAUNCH_ATTEMPTS) return null;
			return {status: 'queued', stage: 'queued', placement: null, started_at: null, progress: null, metrics: {...current.metrics, launch_attempts: attempts + 1}};
		}).catch(() => null);
		if (!requeued) return false;
		this.retryAt.set(run.id, this.deps.now().getTime() + Math.min(RETRY_MS, this.deps.leaseMs));
		this.deps.events.emit('notice', {runId: run.id, message: `${run.id} could not start (${(error as Error).message}); queued again`});
		return true;
	}

	/** Follows a running run to its end, holding its follower lease (another live follower: later). */
	private follow(run: Run): void {
		if (this.follows.has(run.id) || (this.retryAt.get(run.id) ?? 0) > this.deps.now().getTime()) return;
		const controller = new AbortController();
		this.follows.set(run.id, {controller, run});
		this.track(this.followToEnd(run, controller.signal).finally(() => {
			this.follows.delete(run.id);
			this.exited.delete(run.id);
			this.poke();
		}));
	}

	private async followToEnd(run: Run, signal: AbortSignal): Promise<void> {
		const {leases, files, hosts} = this.deps;
		const lease = followLease(run.id);
		if (!(await leases.acquire(lease).catch(() => false))) {
			this.retryAt.set(run.id, this.deps.now().getTime() + this.deps.leaseMs / 2);
			return;
		}
		const writer = new LogWriter(files.logPath(run.id));
		try {
			const handle = run.remote;
			if (!handle || !hosts.names().includes(handle.host)) {
				await this.end(run.id, endResult('failed', 'lost', handle ? `its host ${handle.host} is no longer configured` : 'it has no job on any host'));
				return;
			}
			await files.ensure(run.id);
			const skipLines = await files.countLogLines(run.id);
			const executor = await hosts.executor(handle.host);
			const events = runEvents(this.deps, run.id, writer, {
				exited: () => {
					this.exited.add(run.id);
					this.poke();
				},
			});
			const followed = await executor.follow(handle, this.job(run), events, {skipLines, signal});
			// A follow that continues a saved log is a reattachment (a dropped connection, a new worker).
			const result = skipLines > 0 ? {...followed, metrics: {...followed.metrics, reconnects: Number(followed.metrics['reconnects'] ?? 0) + 1}} : followed;
			if (signal.aborted) {
				if (!this.deps.store.get('runs', run.id)) writer.discard();
				return;
			}
			await writer.flush();
			await this.end(run.id, result);
		} catch (error) {
			if (!signal.aborted) {
				this.retryAt.set(run.id, this.deps.now().getTime() + RETRY_MS);
				this.deps.events.emit('notice', {runId: run.id, message: `following ${run.id}: ${(error as Error).message}`});
			}
		} finally {
			await writer.close();
			await leases.release(lease).catch(() => undefined);
		}
	}

	/** A launching run whose launcher died: follow its job, queue it again, or fail it. */
	private async reconcile(run: Run): Promise<void> {
		const host = run.placement?.host;
		const requeue = {status: 'queued' as const, stage: 'queued' as const, placement: null, started_at: null, progress: null};
		if (!host) {
			await updateRun(this.deps.store, run.id, current => (current.status === 'launching' ? requeue : null));
			return;
		}
		const found = await (await this.deps.hosts.executor(host)).reconcile(run.id);
		await updateRun(this.deps.store, run.id, current => {
			if (current.status !== 'launching') return null;
			if (found.state === 'exists') return {status: 'running', remote: found.handle};
			if (current.cancel_requested_at !== null) return finishPatch(current, endResult('cancelled', null, null), this.deps.now());
			// Nothing was started before the upload finished: the run keeps its place in the queue.
			if (current.stage === 'uploading' || current.stage === 'queued') return requeue;
			return finishPatch(current, endResult('failed', 'start_failed', 'launcher stopped before the container started'), this.deps.now());
		});
	}

	private async kill(run: Run): Promise<void> {
		if (!run.remote) return;
		await (await this.deps.hosts.executor(run.remote.host)).kill(run.remote);
		// The follower sees the job end and records the run as cancelled.
		this.retryAt.set(run.id, this.deps.now().getTime() + RETRY_MS);
	}

	/** Runs work for one run at a time; a failure (host down) is retried after RETRY_MS. */
	private guard(runId: string, work: () => Promise<unknown>): void {
		this.busy.add(runId);
		this.track((async () => {
			try {
				await work();
			} catch (error) {
				this.retryAt.set(runId, this.deps.now().getTime() + RETRY_MS);
				this.deps.events.emit('notice', {runId, message: `${runId}: ${(error as Error).message}`});
			} finally {
				this.busy.delete(runId);
				this.poke();
			}
		})());
	}

	private track(work: Promise<unknown>): void {
		this.pending.add(work);
		void work.catch(() => undefined).finally(() => this.pending.delete(work));
	}

	private async end(runId: string, result: ExecutionResult): Promise<void> {
		const upsampled = await upsampledPrompt(this.deps.store.get('runs', runId), result);
		await updateRun(this.deps.store, runId, current => (isActive(current.status) ? {...finishPatch(current, result, this.deps.now()), ...upsampled} : null));
	}

	/** With nothing active (checked in the same transaction as the release), gives up the lease. */
	private async releaseIfIdle(): Promise<boolean> {
		if (this.launches.size > 0 || this.follows.size > 0 || this.busy.size > 0) return false;
		return this.deps.store.write(tx => {
			const active = tx.select('runs').where(ACTIVE).count();
			if (active > 0) return false;
			this.deps.leases.releaseIn(tx, DISPATCHER_LEASE);
			return true;
		});
	}

	/** Stops: launches under way finish (a half-started job would be lost), follows detach. */
	private async detach(): Promise<void> {
		const launches = [...this.launches.values()].map(launch => launch.done);
		await Promise.race([Promise.allSettled(launches), new Promise(resolve => setTimeout(resolve, LAUNCH_SETTLE_MS).unref())]);
		for (const {controller} of this.follows.values()) controller.abort();
		await Promise.allSettled([...this.pending]);
		await this.deps.leases.release(DISPATCHER_LEASE).catch(() => undefined);
	}

	private job(run: Run): Job {
		const prompt = this.deps.store.get('prompts', run.prompt_id)!;
		return {run, prompt, outputDir: this.deps.files.outputsDir(run.id), gpus: run.placement?.gpus ?? []};
	}
}
