// What the UI and the CLI may ask of the scheduler: cancel, reorder, pause and resume hosts, and
// a view of the queue and the GPUs. These only write requests into the store; the dispatcher
// (scheduler.ts) carries them out. Nothing here talks to a host except through HostPool.
import {ConflictError} from '../domain/errors.js';
import {ACTIVE_STATUSES, type Run, isActive} from '../domain/model.js';
import {isIn, type Store} from '../store/index.js';
import type {HostPool} from './scheduler/host-pool.js';
import {DISPATCHER_LEASE, type Leases, isLive} from './scheduler/leases.js';
import {expectedStarts, freeGpus, planPlacements} from './scheduler/placement.js';
import {type Move, moveInQueue, sortQueue} from './scheduler/queue-order.js';
import {cancelMessage, endResult, finishPatch} from './scheduler/run-records.js';

export type QueueEntry = {
	run: Run;
	/** 1-based place in the queue. */
	position: number;
	/** One line: placed next, or why it waits. */
	reason: string;
	/** ISO time the run is expected to start, or null when that cannot be told. */
	expected_start: string | null;
};

export type GpuSlot = {index: number; run_id: string | null; busy: boolean; memory_used_mib: number | null};

export type HostQueueView = {
	name: string;
	paused: boolean;
	/** null while the GPUs are unknown (not read yet, or nvidia-smi failed). */
	gpus: GpuSlot[] | null;
	free: number;
	problem: string | null;
};

export type QueueView = {
	hosts: HostQueueView[];
	queued: QueueEntry[];
	/** Runs launching or running, newest first. */
	active: Run[];
	/** The process dispatching runs now, if any. */
	worker: {holder: string; pid: number; expires_at: string} | null;
};

type Deps = {store: Store; hosts: HostPool; leases: Leases; now: () => Date};

/** Queued, launching or running (the status index answers it). */
export const ACTIVE = isIn<Run, 'status'>('status', ACTIVE_STATUSES);

export class QueueControl {
	constructor(private readonly deps: Deps) {}

	activeRuns(): Run[] {
		return this.deps.store.select('runs').where(ACTIVE).orderBy('created_at', 'desc').all();
	}

	/**
	 * Cancels a run in any active state: a queued run leaves the queue at once; a launching or
	 * running one is marked, and the dispatcher stops its job (upload aborted, container removed).
	 */
	async cancel(runId: string): Promise<Run> {
		const now = this.deps.now();
		return this.deps.store.write(tx => {
			const run = tx.get('runs', runId);
			if (!run) throw new ConflictError(`run ${runId} was deleted`);
			if (!isActive(run.status)) throw new ConflictError(`run ${runId} is ${run.status}; nothing to cancel`);
			if (run.status === 'queued') {
				return tx.update('runs', runId, {...finishPatch(run, endResult('cancelled', null, null), now), cancel_requested_at: now.toISOString(), error_message: cancelMessage(run)});
			}
			if (run.cancel_requested_at !== null) return run;
			return tx.update('runs', runId, {cancel_requested_at: now.toISOString(), error_message: cancelMessage(run)});
		});
	}

	async move(runId: string, move: Move): Promise<Run> {
		return this.deps.store.write(tx => {
			const run = tx.get('runs', runId);
			if (!run) throw new ConflictError(`run ${runId} was deleted`);
			if (run.status !== 'queued') throw new ConflictError(`run ${runId} is ${run.status}; only a queued run can move`);
			const queue = sortQueue(tx.select('runs').where('status', '=', 'queued').all());
			for (const patch of moveInQueue(queue, runId, move)) tx.update('runs', patch.id, {priority: patch.priority, queue_order: patch.queue_order});
			return tx.get('runs', runId)!;
		});
	}

	pause(host: string | undefined): Promise<string[]> {
		return this.deps.hosts.setPaused(host, true);
	}

	resume(host: string | undefined): Promise<string[]> {
		return this.deps.hosts.setPaused(host, false);
	}

	worker(): QueueView['worker'] {
		const lease = this.deps.store.get('leases', DISPATCHER_LEASE);
		return isLive(lease, this.deps.now()) ? {holder: lease.holder, pid: lease.pid, expires_at: lease.expires_at} : null;
	}

	/**
	 * The queue in order with why each run waits and when it should start (from the median
	 * duration of finished runs with the same steps and GPU count), and every host's GPUs.
	 */
	view(): QueueView {
		const {store, hosts} = this.deps;
		store.refresh();
		const runs = this.activeRuns();
		const queued = sortQueue(runs.filter(run => run.status === 'queued'));
		const placedRuns = runs.filter(run => run.status !== 'queued' && run.placement);
		const views = hosts.names().map(name => {
			const onHost = placedRuns.filter(run => run.placement!.host === name);
			return hosts.view(name, onHost.flatMap(run => run.placement!.gpus), onHost.length);
		});
		const plan = planPlacements(queued, views);
		const estimate = durationEstimator(store);
		const now = this.deps.now().getTime();
		const busyUntil = new Map(views.map(view => [view.name, new Map<number, number | null>()]));
		for (const run of placedRuns) {
			const end = expectedEnd(run, estimate(run), now);
			for (const gpu of run.placement!.gpus) busyUntil.get(run.placement!.host)?.set(gpu, end);
		}
		const starts = expectedStarts(queued, views, busyUntil, estimate, now);
		const placedNext = new Map(plan.placed.map(placed => [placed.runId, placed]));
		return {
			hosts: views.map(view => {
				const readings = hosts.state(view.name)?.gpus ?? [];
				return {
					name: view.name,
					paused: view.paused,
					gpus: view.gpus?.map(index => ({
						index,
						run_id: placedRuns.find(run => run.placement!.host === view.name && run.placement!.gpus.includes(index))?.id ?? null,
						busy: view.busy.includes(index),
						memory_used_mib: readings.find(gpu => gpu.index === index)?.memory_used_mib ?? null,
					})) ?? null,
					free: freeGpus(view).length,
					problem: view.problem ?? null,
				};
			}),
			queued: queued.map((run, index) => {
				const next = placedNext.get(run.id);
				const start = starts.get(run.id) ?? null;
				return {
					run,
					position: index + 1,
					reason: next ? `starts next on ${next.host} GPU ${next.gpus.join(',')}` : plan.waiting.get(run.id) ?? 'waiting',
					expected_start: start === null ? null : new Date(start).toISOString(),
				};
			}),
			active: runs.filter(run => run.status !== 'queued'),
			worker: this.worker(),
		};
	}
}

/**
 * When a running run should end: from its progress once it has some (elapsed / fraction done),
 * else from the estimate of runs like it; never before now. null: cannot tell.
 */
export function expectedEnd(run: Pick<Run, 'started_at' | 'progress'>, estimateMs: number | null, now: number): number | null {
	const started = run.started_at ? Date.parse(run.started_at) : now;
	const fraction = run.progress?.fraction ?? 0;
	if (fraction >= 0.1 && fraction < 1) return Math.max(now, started + (now - started) / fraction);
	return estimateMs === null ? null : Math.max(now, started + estimateMs);
}

/** A run's expected duration: the median of recent successful runs like it (same steps and GPUs). */
function durationEstimator(store: Store): (run: {parameters: Pick<Run['parameters'], 'num_steps' | 'num_gpus'>}) => number | null {
	const recent = store.select('runs').where('status', '=', 'success').orderBy('created_at', 'desc').limit(200).all();
	const cache = new Map<string, number | null>();
	return run => {
		const key = `${run.parameters.num_steps}/${run.parameters.num_gpus}`;
		if (!cache.has(key)) {
			const like = recent.filter(other => other.parameters.num_steps === run.parameters.num_steps && other.parameters.num_gpus === run.parameters.num_gpus);
			const durations = (like.length > 0 ? like : recent).map(other => other.metrics['duration_s']).filter((value): value is number => typeof value === 'number');
			cache.set(key, durations.length === 0 ? null : median(durations) * 1000);
		}
		return cache.get(key)!;
	};
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
