// The GPU hosts the scheduler places runs on: one lazily made Executor each, and what is known of
// each between processes (paused; its GPUs when last read) in the store's hosts table, so the UI
// and `queue` show GPUs without connecting to anything.
import {ConfigError, HostError, ValidationError} from '../../domain/errors.js';
import type {GpuReading, HostState} from '../../domain/model.js';
import type {Executor} from '../../executor/executor.js';
import type {Store, Transaction} from '../../store/index.js';
import type {HostView} from './placement.js';

export type HostBackend = {
	name: string;
	/** GPU indexes from the config; empty: whatever nvidia-smi lists. */
	gpus: number[];
	executor: () => Promise<Executor>;
	/** Throws (one line) when the host's settings could not launch anything; runs before any write. */
	check?: () => void;
	/** A cluster (Slurm) that queues and places runs itself; at most maxSubmitted of our jobs at once (0: no limit). */
	cluster?: {maxSubmitted: number};
	/** Most runs in one batch ([scheduler] batch_max); absent or 1: no batches. On a cluster a batch is one job. */
	batchMax?: number;
};

/** How long a GPU reading stays good for placement (foreign processes come and go slowly). */
export const GPU_READING_TTL_MS = 30_000;

export class HostPool {
	private readonly executors = new Map<string, Promise<Executor>>();
	private readonly problems = new Map<string, string>();

	constructor(
		private readonly backends: readonly HostBackend[],
		private readonly store: Store,
		private readonly now: () => Date,
		private readonly busyMemoryMiB: number,
	) {}

	names(): string[] {
		return this.backends.map(backend => backend.name);
	}

	get size(): number {
		return this.backends.length;
	}

	/** Throws unless a GPU host is configured; commands call it before creating anything. */
	requireAny(): void {
		if (this.backends.length === 0) throw new ConfigError('no GPU host configured: set [remote] host (or add [hosts.NAME] sections) in the config file');
	}

	/** Throws when the host's settings are unusable (see HostBackend.check). */
	check(name: string): void {
		this.backend(name).check?.();
	}

	/** The host's Executor, made on first use; a failed attempt is retried on the next call. */
	executor(name: string): Promise<Executor> {
		const backend = this.backend(name);
		let made = this.executors.get(name);
		if (!made) {
			made = backend.executor();
			this.executors.set(name, made);
			made.catch(() => this.executors.delete(name));
		}
		return made;
	}

	state(name: string): HostState | undefined {
		return this.store.get('hosts', name);
	}

	/** Reads the host's GPUs with nvidia-smi and records them; `ours`: GPUs our runs hold now. */
	async readGpus(name: string, ours: readonly number[]): Promise<void> {
		let readings: GpuReading[] | null;
		try {
			const gpus = await (await this.executor(name)).gpus();
			const mine = new Set(ours);
			readings = gpus.map(gpu => ({index: gpu.index, name: gpu.name, memory_used_mib: gpu.memoryUsedMiB, memory_total_mib: gpu.memoryTotalMiB, ours: mine.has(gpu.index)}));
			this.problems.delete(name);
		} catch (error) {
			this.problems.set(name, (error as Error).message);
			readings = null;
		}
		const at = this.now().toISOString();
		await this.store.write(tx => this.put(tx, name, readings === null ? {gpus_read_at: at} : {gpus: readings, gpus_read_at: at}));
	}

	/** True when the last reading is older than GPU_READING_TTL_MS (or there is none). */
	readingIsStale(name: string): boolean {
		const readAt = this.state(name)?.gpus_read_at;
		return !readAt || this.now().getTime() - Date.parse(readAt) > GPU_READING_TTL_MS;
	}

	/** Most runs one batch may hold on this host (1: none); a run asking for an unknown host: 1. */
	batchMax(name: string | null): number {
		if (name === null) return Math.max(1, ...this.backends.map(backend => this.batchMax(backend.name)));
		const backend = this.backends.find(candidate => candidate.name === name);
		return backend ? Math.max(1, backend.batchMax ?? 1) : 1;
	}

	/** Whether the host is a cluster that places runs itself (no GPU readings needed). */
	isCluster(name: string): boolean {
		return this.backend(name).cluster !== undefined;
	}

	/** The host as placement sees it; `submitted`: our runs on it now (launching or running). */
	view(name: string, taken: readonly number[], submitted = 0): HostView {
		const backend = this.backend(name);
		const state = this.state(name);
		const readings = state?.gpus ?? null;
		const gpus = backend.gpus.length > 0 ? [...backend.gpus] : readings?.map(gpu => gpu.index) ?? null;
		const busy = (readings ?? [])
			.filter(gpu => !gpu.ours && gpu.memory_used_mib !== null && gpu.memory_used_mib > this.busyMemoryMiB && (gpus ?? []).includes(gpu.index))
			.map(gpu => gpu.index);
		const problem = this.problems.get(name);
		const cluster = backend.cluster ? {cluster: {submitted, maxSubmitted: backend.cluster.maxSubmitted}} : {};
		return {name, paused: state?.paused ?? false, gpus, busy, taken: [...taken], ...(problem === undefined ? {} : {problem}), ...cluster};
	}

	/** How many GPUs the host has: the config's list, else the last reading, else nvidia-smi now. */
	async gpuCount(name: string): Promise<number> {
		const backend = this.backend(name);
		if (backend.gpus.length > 0) return backend.gpus.length;
		if (this.state(name)?.gpus == null) await this.readGpus(name, []);
		const readings = this.state(name)?.gpus;
		if (readings == null) throw new HostError(`cannot tell how many GPUs ${name} has: ${this.problems.get(name) ?? 'nvidia-smi gave nothing'}; set gpus = [0, 1, ...] in its config section`);
		return readings.length;
	}

	/** Pauses or resumes one host, or every host when name is undefined. Returns the names changed. */
	async setPaused(name: string | undefined, paused: boolean): Promise<string[]> {
		const names = name === undefined ? this.names() : [this.backend(name).name];
		await this.store.write(tx => {
			for (const host of names) this.put(tx, host, {paused});
		});
		return names;
	}

	async close(): Promise<void> {
		const made = [...this.executors.values()];
		this.executors.clear();
		await Promise.all(made.map(async promise => (await promise.catch(() => null))?.close()));
	}

	private backend(name: string): HostBackend {
		const backend = this.backends.find(candidate => candidate.name === name);
		if (!backend) throw new ValidationError(`no GPU host named ${name} (configured: ${this.names().join(', ') || 'none'})`);
		return backend;
	}

	private put(tx: Transaction, name: string, patch: Partial<HostState>): void {
		if (tx.get('hosts', name)) tx.update('hosts', name, patch);
		else tx.insert('hosts', {id: name, paused: false, gpus: null, gpus_read_at: null, created_at: this.now().toISOString(), ...patch});
	}
}
