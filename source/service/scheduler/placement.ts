// GPU placement, as a pure function of the queue and the hosts. Runs are taken strictly in queue
// order per host: a run that cannot start yet holds back the runs behind it on the hosts it could
// use (no backfilling, so a 2-GPU run is never starved by a stream of 1-GPU runs). A run naming a
// host only ever goes there; otherwise it goes to the usable host with the most free GPUs.
// A cluster host (Slurm) queues and places on its own: it takes a run at once, up to its limit of
// submitted jobs, and picks the GPUs itself; a GPU host with free GPUs is preferred over it.
import type {Run} from '../../domain/model.js';

export type HostView = {
	name: string;
	paused: boolean;
	/** The GPU indexes the host has (config or nvidia-smi); null while unknown. */
	gpus: number[] | null;
	/** GPUs used by processes that are not ours: never given to a run. */
	busy: number[];
	/** GPUs held by our runs (launching or running). */
	taken: number[];
	/** Why the GPUs are unknown (e.g. nvidia-smi failed), for the queue view. */
	problem?: string;
	/** A cluster (Slurm) does its own queueing and placement: our jobs on it now, and how many it may have (0: no limit). */
	cluster?: {submitted: number; maxSubmitted: number};
};

export type Placed = {runId: string; host: string; gpus: number[]};

export type PlacementPlan = {
	placed: Placed[];
	/** Why each run that was not placed waits, one line for the queue view. */
	waiting: Map<string, string>;
};

type QueuedRun = Pick<Run, 'id' | 'host'> & {parameters: Pick<Run['parameters'], 'num_gpus' | 'num_steps'>};

export function freeGpus(host: HostView): number[] {
	const unavailable = new Set([...host.busy, ...host.taken]);
	return (host.gpus ?? []).filter(gpu => !unavailable.has(gpu)).sort((a, b) => a - b);
}

/** How many runs like this one could start now: free GPU sets of its size over the hosts it may use (clusters not counted). */
export function freeSlots(run: Pick<QueuedRun, 'host'> & {parameters: Pick<QueuedRun['parameters'], 'num_gpus'>}, hosts: readonly HostView[]): number {
	let slots = 0;
	for (const host of hosts) {
		if (host.paused || host.cluster || (run.host !== null && run.host !== host.name)) continue;
		slots += Math.floor(freeGpus(host).length / run.parameters.num_gpus);
	}
	return slots;
}

export function planPlacements(queue: readonly QueuedRun[], hosts: readonly HostView[]): PlacementPlan {
	const free = new Map(hosts.map(host => [host.name, freeGpus(host)]));
	const submitted = new Map(hosts.map(host => [host.name, host.cluster?.submitted ?? 0]));
	const heldBack = new Map<string, string>(); // host -> the run that holds it back
	const placed: Placed[] = [];
	const waiting = new Map<string, string>();
	for (const run of queue) {
		const want = run.parameters.num_gpus;
		const candidates = run.host === null ? hosts : hosts.filter(host => host.name === run.host);
		if (candidates.length === 0) {
			waiting.set(run.id, `host ${run.host} is not configured`);
			continue;
		}
		// A cluster says itself whether a node has the GPUs (sbatch refuses with its own message).
		const eligible = candidates.filter(host => !host.paused && (host.cluster !== undefined || (host.gpus !== null && host.gpus.length >= want)));
		if (eligible.length === 0) {
			waiting.set(run.id, whyNoHost(candidates, want));
			continue;
		}
		const hasRoom = (host: HostView) =>
			host.cluster ? host.cluster.maxSubmitted === 0 || submitted.get(host.name)! < host.cluster.maxSubmitted : !heldBack.has(host.name) && free.get(host.name)!.length >= want;
		const usable = eligible.filter(hasRoom).sort((a, b) => rank(b) - rank(a));
		const host = usable[0];
		if (host === undefined) {
			waiting.set(run.id, whyWaiting(eligible, want, free, heldBack, submitted));
			for (const other of eligible) if (!heldBack.has(other.name) && !other.cluster) heldBack.set(other.name, run.id);
			continue;
		}
		if (host.cluster) {
			submitted.set(host.name, submitted.get(host.name)! + 1);
			placed.push({runId: run.id, host: host.name, gpus: []});
			continue;
		}
		const gpus = free.get(host.name)!.slice(0, want);
		free.set(host.name, free.get(host.name)!.slice(want));
		placed.push({runId: run.id, host: host.name, gpus});
	}
	return {placed, waiting};

	/** GPU hosts by free GPUs; a cluster after any GPU host that can take the run now. */
	function rank(host: HostView): number {
		return host.cluster ? 0 : free.get(host.name)!.length;
	}
}

function whyNoHost(candidates: readonly HostView[], want: number): string {
	const reasons = candidates.map(host => {
		if (host.paused) return `${host.name} is paused`;
		if (host.cluster) return `${host.name} is a cluster`;
		if (host.gpus === null) return `${host.name}: GPUs unknown${host.problem ? ` (${host.problem})` : ''}`;
		return `${host.name} has ${host.gpus.length} GPU(s)`;
	});
	return `needs ${want} GPU(s): ${reasons.join('; ')}`;
}

function whyWaiting(
	eligible: readonly HostView[],
	want: number,
	free: ReadonlyMap<string, number[]>,
	heldBack: ReadonlyMap<string, string>,
	submitted: ReadonlyMap<string, number>,
): string {
	const reasons = eligible.map(host => {
		if (host.cluster) return `${host.name}: ${submitted.get(host.name)} of ${host.cluster.maxSubmitted} jobs submitted (max_submitted)`;
		const ahead = heldBack.get(host.name);
		if (ahead !== undefined && free.get(host.name)!.length >= want) return `${host.name}: behind ${ahead}`;
		const busy = host.busy.length > 0 ? `, GPU ${host.busy.join(', ')} busy with other processes` : '';
		return `${host.name}: ${free.get(host.name)!.length} of ${host.gpus!.length} free${busy}`;
	});
	return `waiting for ${want} GPU(s): ${reasons.join('; ')}`;
}

/**
 * When each queued run is expected to start: every GPU is free now or when the run on it is
 * expected to end, and queued runs take GPUs in queue order. `estimateMs` is a run's expected
 * duration (null: unknown, and so is every start that depends on it).
 */
export function expectedStarts(
	queue: readonly QueuedRun[],
	hosts: readonly HostView[],
	busyUntil: ReadonlyMap<string, ReadonlyMap<number, number | null>>,
	estimateMs: (run: QueuedRun) => number | null,
	now: number,
): Map<string, number | null> {
	const freeAt = new Map<string, Map<number, number | null>>();
	for (const host of hosts) {
		if (host.paused || host.gpus === null) continue;
		const busy = new Set(host.busy);
		const times = new Map<number, number | null>();
		for (const gpu of host.gpus) {
			if (busy.has(gpu)) continue;
			const until = busyUntil.get(host.name)?.get(gpu); // undefined: free now; null: taken, end unknown
			times.set(gpu, until === undefined ? now : until);
		}
		freeAt.set(host.name, times);
	}
	const starts = new Map<string, number | null>();
	for (const run of queue) {
		const want = run.parameters.num_gpus;
		let best: {host: string; gpus: number[]; at: number | null} | null = null;
		for (const [host, times] of freeAt) {
			if (run.host !== null && run.host !== host) continue;
			if (times.size < want) continue;
			const soonest = [...times].sort(([, a], [, b]) => (a === null ? 1 : b === null ? -1 : a - b)).slice(0, want);
			const at = soonest.some(([, time]) => time === null) ? null : Math.max(...soonest.map(([, time]) => time!));
			if (best === null || (best.at === null && at !== null) || (at !== null && best.at !== null && at < best.at)) {
				best = {host, gpus: soonest.map(([gpu]) => gpu), at};
			}
		}
		if (best === null) {
			starts.set(run.id, null);
			continue;
		}
		starts.set(run.id, best.at);
		const duration = estimateMs(run);
		const end = best.at === null || duration === null ? null : best.at + duration;
		for (const gpu of best.gpus) freeAt.get(best.host)!.set(gpu, end);
	}
	return starts;
}
