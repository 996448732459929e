// The dispatcher: the one owner of every run's life. Exactly one process at a time holds the
// dispatcher lease (normally a `cosmos-tui worker`); it places queued runs on free GPUs, launches
// them, follows them to their end, carries out cancels, and recovers runs whose launcher or
// follower died. Everyone else only writes requests into the store (submit, cancel, move, pause)
// and reads what the dispatcher records.
import {setTimeout as delay} from 'node:timers/promises';
import {ConfigError, ConflictError, NotFoundError, ValidationError} from '../../domain/errors.js';
import {batchKey, batchLimit, groupBatches} from '../../domain/batch.js';
import {type Run, runInputs} from '../../domain/model.js';
import type {BatchResult, Executor, ExecutorEvents, Job} from '../../executor/executor.js';
import type {Store} from '../../store/index.js';
import {ACTIVE} from '../queue.js';
import type {ServiceEvents, TypedEmitter} from '../events.js';
import {LogWriter} from '../log-writer.js';
import type {RunFiles} from '../run-files.js';
import type {HostPool} from './host-pool.js';
import {DISPATCHER_LEASE, type Leases, followLease} from './leases.js';
import {type Placed, freeSlots, planPlacements} from './placement.js';
import {sortQueue} from './queue-order.js';
import {REQUEUE, checkInputsUnchanged, endResult, endRun, fanOut, finishPatch, requeueUnfinished, runEvents, updateRun} from './run-records.js';

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
	/** By run id, or by batch id for a batch (one follow for all its runs). */
	private readonly follows = new Map<string, {controller: AbortController; runs: Run[]; ended: Set<string>}>();
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
			if (run.status === 'queued' && run.cancel_requested_at !== null) this.guard(run.id, () => endRun(this.deps, run.id, endResult('cancelled', null, null)));
			else if (run.status === 'launching' && !this.launches.has(run.id)) this.guard(run.id, () => this.reconcile(run));
			else if (run.status === 'launching' && run.cancel_requested_at !== null) this.launches.get(run.id)!.controller.abort();
			else if (run.status === 'running' && run.cancel_requested_at !== null && !this.exited.has(run.id)) this.guard(run.id, () => this.kill(run));
			if (run.status === 'running' && !this.follows.has(followKey(run))) this.follow(run);
		}
		this.dropDeleted();
		await this.dispatch(active);
	}

	/** A run deleted while active (delete --force): its launch or follow stops, and its job goes. */
	private dropDeleted(): void {
		const {store} = this.deps;
		for (const [id, launch] of this.launches) if (!store.get('runs', id)) launch.controller.abort();
		for (const [id, {controller, runs, ended}] of this.follows) {
			// A run of a batch whose sample ended already may go: the batch is not its any more.
			const gone = runs.filter(run => !store.get('runs', run.id) && !ended.has(run.id));
			if (gone.length === 0 || controller.signal.aborted || this.busy.has(id)) continue;
			const remote = runs[0]!.remote!;
			if (gone.length < runs.length - ended.size) {
				// A batch goes on being followed: its other runs end as after a cancel (queued again).
				if (!this.exited.has(runs[0]!.id)) this.guard(id, () => this.kill(runs[0]!));
				continue;
			}
			controller.abort();
			this.guard(id, async () => {
				const executor = await this.deps.hosts.executor(remote.host);
				await executor.kill(remote);
				// The job is named after the follow's key: the run, or the batch's first run.
				await executor.remove(id);
			});
		}
	}

	private async dispatch(active: readonly Run[]): Promise<void> {
		const now = this.deps.now().getTime();
		const queued = sortQueue(active.filter(run => run.status === 'queued' && run.cancel_requested_at === null && (this.retryAt.get(run.id) ?? 0) <= now));
		if (queued.length === 0) return;
		const taken = new Map<string, number[]>();
		// Jobs on each host: a batch is one (a cluster's max_submitted counts jobs).
		const submitted = new Map<string, Set<string>>();
		for (const run of active) {
			if (run.status === 'queued' || !run.placement || this.exited.has(run.id)) continue;
			taken.set(run.placement.host, [...(taken.get(run.placement.host) ?? []), ...run.placement.gpus]);
			submitted.set(run.placement.host, (submitted.get(run.placement.host) ?? new Set()).add(followKey(run)));
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
		const views = hosts.names().map(name => hosts.view(name, taken.get(name) ?? [], submitted.get(name)?.size ?? 0));
		// Runs that can share a process go as one batch, in the place of the first of them, spread
		// over the GPUs free now.
		const keys = new Map(queued.map(run => [run.id, this.batchKeyOf(run)]));
		const counts = new Map<string | null, number>();
		for (const key of keys.values()) counts.set(key, (counts.get(key) ?? 0) + 1);
		const groups = groupBatches(queued, run => keys.get(run.id)!, run => batchLimit(counts.get(keys.get(run.id)!)!, freeSlots(run, views), hosts.batchMax(run.host)));
		const byLeader = new Map(groups.map(group => [group[0]!.id, group]));
		const plan = planPlacements(groups.map(group => group[0]!), views);
		for (const placed of plan.placed) await this.claim(placed, byLeader.get(placed.runId)!.slice(0, hosts.batchMax(placed.host)));
	}

	private batchKeyOf(run: Run): string | null {
		const prompt = this.deps.store.get('prompts', run.prompt_id);
		return prompt ? batchKey(run, prompt) : null;
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

	/**
	 * queued → launching on these GPUs (in one transaction, so a cancel in between wins), then
	 * launch. Several runs: one batch, named after the first, each run a sample in this order.
	 */
	private async claim(placed: Placed, group: readonly Run[]): Promise<void> {
		const now = this.deps.now().toISOString();
		const gpus = `${placed.host} GPU ${placed.gpus.join(',')}`;
		const runs = await this.deps.store.write(tx => {
			const free = group.filter(run => {
				const current = tx.get('runs', run.id);
				return current?.status === 'queued' && current.cancel_requested_at === null;
			});
			return free.map((run, index) =>
				tx.update('runs', run.id, {
					status: 'launching',
					stage: 'uploading',
					placement: {host: placed.host, gpus: placed.gpus},
					started_at: now,
					batch: free.length > 1 ? {id: free[0]!.id, index, size: free.length} : null,
					progress: {stage: 'uploading', fraction: 0, message: free.length > 1 ? `placed on ${gpus}, sample ${index + 1} of a batch of ${free.length}` : `placed on ${gpus}`, at: now},
				}),
			);
		}).catch((): Run[] => []);
		if (runs.length === 0) return;
		// A batch's earlier log (its first run led a batch that was stopped) must not be continued.
		if (runs.length > 1) await this.deps.files.setAsideLog(this.deps.files.batchLogPath(runs[0]!.id));
		const controller = new AbortController();
		const done = this.launch(runs, controller.signal).finally(() => {
			for (const run of runs) this.launches.delete(run.id);
			this.poke();
		});
		for (const run of runs) this.launches.set(run.id, {controller, done});
	}

	/** Launches one run, or a batch (runs[0] leads): every run sees the upload; they start together. */
	private async launch(runs: readonly Run[], signal: AbortSignal): Promise<void> {
		const {store, files, hosts} = this.deps;
		const leader = runs[0]!;
		const writers = runs.map(run => new LogWriter(files.logPath(run.id)));
		let executor: Executor | null = null;
		let starting = false;
		try {
			const jobs: Job[] = [];
			const refused = new Map<string, Error>();
			for (const run of runs) {
				await files.ensure(run.id);
				const prompt = store.get('prompts', run.prompt_id);
				const problem = prompt ? await checkInputsUnchanged(runInputs(run, prompt)).then(() => null, (error: Error) => error) : new NotFoundError(`its prompt ${run.prompt_id} was deleted`);
				if (problem && runs.length === 1) throw problem;
				if (problem) refused.set(run.id, problem);
				else jobs.push(this.job(run));
			}
			if (refused.size > 0) {
				// One run of a batch cannot start: it fails alone, the others go back to the queue.
				for (const run of runs) {
					const problem = refused.get(run.id);
					if (problem) await endRun(this.deps, run.id, endResult('failed', 'start_failed', `could not start: ${problem.message}`));
					else await updateRun(store, run.id, current => (current.status === 'launching' ? REQUEUE : null));
				}
				return;
			}
			executor = await hosts.executor(leader.placement!.host);
			const events = fanOut(runs.map((run, index) => runEvents(this.deps, run.id, writers[index]!)));
			const options = {
				signal,
				beforeStart: async () => {
					starting = true;
					for (const run of runs) await updateRun(store, run.id, () => ({stage: 'starting'}));
				},
			};
			if (runs.length > 1 && !executor.launchBatch) throw new ConfigError(`${executor.description} does not run batches`);
			const handle = runs.length > 1 ? await executor.launchBatch!({members: jobs}, events, options) : await executor.launch(jobs[0]!, events, options);
			// A cancel that came during `docker run` is carried out by the next tick (a kill).
			const started = await store.write(tx => runs.filter(run => tx.get('runs', run.id)).map(run => tx.update('runs', run.id, {status: 'running', remote: handle})));
			if (started[0]) this.follow(started[0]);
		} catch (error) {
			const cancelled = signal.aborted || runs.some(run => store.get('runs', run.id)?.cancel_requested_at != null);
			if (cancelled) await executor?.remove(leader.id).catch(() => undefined);
			for (const run of runs) {
				const current = store.get('runs', run.id);
				if (!current) continue;
				// A batch that lost one run before it started goes back to the queue without it.
				if (cancelled && current.cancel_requested_at === null && runs.length > 1) await updateRun(store, run.id, now => (now.status === 'launching' ? REQUEUE : null)).catch(() => undefined);
				else if (!cancelled && !starting && mayRetry(error) && (await this.requeueAfterFailure(run, error))) continue;
				else await endRun(this.deps, run.id, cancelled ? endResult('cancelled', null, null) : endResult('failed', 'start_failed', `could not start: ${(error as Error).message}`)).catch(() => undefined);
			}
		} finally {
			await Promise.all(writers.map(writer => writer.close()));
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
			return {...REQUEUE, metrics: {...current.metrics, launch_attempts: attempts + 1}};
		}).catch(() => null);
		if (!requeued) return false;
		this.retryAt.set(run.id, this.deps.now().getTime() + Math.min(RETRY_MS, this.deps.leaseMs));
		this.deps.events.emit('notice', {runId: run.id, message: `${run.id} could not start (${(error as Error).message}); queued again`});
		return true;
	}

	/**
	 * Follows a running run, or the batch it is in (all its runs, in sample order), to its end,
	 * holding the follower lease (another live follower: later).
	 */
	private follow(run: Run): void {
		const key = followKey(run);
		if (this.follows.has(key) || (this.retryAt.get(key) ?? 0) > this.deps.now().getTime()) return;
		const batch = run.batch ? this.deps.store.select('runs').where(ACTIVE).all().filter(other => other.batch?.id === key) : [run];
		// A batch whose launcher died is reconciled run by run: it is followed once none is left launching.
		if (batch.some(other => other.status === 'launching')) return;
		const runs = batch.filter(other => other.status === 'running').sort((a, b) => (a.batch?.index ?? 0) - (b.batch?.index ?? 0));
		const controller = new AbortController();
		const ended = new Set<string>();
		this.follows.set(key, {controller, runs, ended});
		this.track(this.followToEnd(key, runs, ended, controller.signal).finally(() => {
			this.follows.delete(key);
			for (const each of runs) this.exited.delete(each.id);
			this.poke();
		}));
	}

	/** `ended`: runs of a batch whose sample ended while the batch went on (filled here). */
	private async followToEnd(key: string, runs: readonly Run[], ended: Set<string>, signal: AbortSignal): Promise<void> {
		const {leases, files, hosts, store} = this.deps;
		const lease = followLease(key);
		if (!(await leases.acquire(lease).catch(() => false))) {
			this.retryAt.set(key, this.deps.now().getTime() + this.deps.leaseMs / 2);
			return;
		}
		const batched = runs[0]!.batch != null;
		const writers = runs.map(run => new LogWriter(files.logPath(run.id)));
		const batchWriter = batched ? new LogWriter(files.batchLogPath(key)) : null;
		try {
			const handle = runs[0]!.remote;
			if (!handle || !hosts.names().includes(handle.host)) {
				const lost = endResult('failed', 'lost', handle ? `its host ${handle.host} is no longer configured` : 'it has no job on any host');
				for (const run of runs) await endRun(this.deps, run.id, lost);
				return;
			}
			for (const run of runs) await files.ensure(run.id);
			const skipLines = await files.countLines(batched ? files.batchLogPath(key) : files.logPath(key));
			const executor = await hosts.executor(handle.host);
			const events = runs.map((run, index) =>
				runEvents(this.deps, run.id, writers[index]!, {
					exited: () => {
						this.exited.add(run.id);
						this.poke();
					},
				}),
			);
			let results: BatchResult;
			if (batched) {
				if (!executor.followBatch) throw new ConfigError(`${executor.description} does not run batches`);
				// By sample: a run of the batch that ended already (its sample done) or was deleted is not followed.
				const atSample = <T>(pick: (run: Run, index: number) => T): Array<T | null> => {
					const slots = Array.from<T | null>({length: runs[0]!.batch!.size}).fill(null);
					for (const [index, run] of runs.entries()) slots[run.batch!.index] = pick(run, index);
					return slots;
				};
				const whole: ExecutorEvents = {log: line => batchWriter!.write(line), progress: () => undefined};
				const bySample = await executor.followBatch(handle, {members: atSample(run => this.job(run))}, {
					batch: whole,
					members: atSample((_, index) => events[index]!),
					// Its video is home while the batch goes on: the run ends now.
					sampleEnded: (sample, result) => {
						const run = runs.find(each => each.batch!.index === sample);
						if (!run) return;
						ended.add(run.id);
						this.track(endRun(this.deps, run.id, result));
					},
				}, {skipLines, signal});
				results = runs.map(run => bySample[run.batch!.index] ?? null);
			} else {
				results = [await executor.follow(handle, this.job(runs[0]!), events[0]!, {skipLines, signal})];
			}
			if (signal.aborted) {
				for (const [index, run] of runs.entries()) if (!store.get('runs', run.id)) writers[index]!.discard();
				return;
			}
			await Promise.all(writers.map(writer => writer.flush()));
			for (const [index, run] of runs.entries()) {
				const result = results[index];
				// Deleted while its batch went on (delete --force): its folder must not come back with the outputs.
				if (!store.get('runs', run.id)) {
					await files.remove(run.id);
					continue;
				}
				// A follow that continues a saved log is a reattachment (a dropped connection, a new worker).
				if (result) await endRun(this.deps, run.id, skipLines > 0 ? {...result, metrics: {...result.metrics, reconnects: Number(result.metrics['reconnects'] ?? 0) + 1}} : result);
				else await requeueUnfinished(this.deps, run.id);
			}
		} catch (error) {
			if (!signal.aborted) {
				this.retryAt.set(key, this.deps.now().getTime() + RETRY_MS);
				this.deps.events.emit('notice', {runId: runs[0]!.id, message: `following ${key}: ${(error as Error).message}`});
			}
		} finally {
			await Promise.all([...writers, ...(batchWriter ? [batchWriter] : [])].map(writer => writer.close()));
			await leases.release(lease).catch(() => undefined);
		}
	}

	/**
	 * A launching run whose launcher died: follow its job, queue it again, or fail it. The job of
	 * a batch is named after its first run; each run of the batch is decided the same way.
	 */
	private async reconcile(run: Run): Promise<void> {
		const host = run.placement?.host;
		if (!host) {
			await updateRun(this.deps.store, run.id, current => (current.status === 'launching' ? REQUEUE : null));
			return;
		}
		const found = await (await this.deps.hosts.executor(host)).reconcile(run.batch?.id ?? run.id);
		await updateRun(this.deps.store, run.id, current => {
			if (current.status !== 'launching') return null;
			if (found.state === 'exists') return {status: 'running', remote: found.handle};
			if (current.cancel_requested_at !== null) return finishPatch(current, endResult('cancelled', null, null), this.deps.now());
			// Nothing was started before the upload finished: the run keeps its place in the queue.
			if (current.stage === 'uploading' || current.stage === 'queued') return REQUEUE;
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

/** A run is followed on its own, or with its batch under the batch's id. */
function followKey(run: Run): string {
	return run.batch?.id ?? run.id;
}
