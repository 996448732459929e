// An in-process Executor for unit tests of the service. It claims nothing about SSH or Docker.
import {mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import type {RemoteHandle} from '../../source/domain/model.js';
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
} from '../../source/executor/executor.js';

export type FakeScript = {
	lines: string[];
	result: 'success' | 'failed';
	/** Follow waits for this before finishing (to test runs that are still going). */
	hold?: Promise<void>;
	/** A run's follow waits for this (by run id) before finishing; overrides hold. */
	holdFor?: (job: Job) => Promise<void> | undefined;
	/** Launch waits for this after "uploading" (to cancel a run while it launches). */
	holdLaunch?: Promise<void>;
	failLaunch?: string;
	/** Fail only this many launches (default: every one). */
	failLaunchTimes?: number;
	/** The progress follow reports after the lines (default: diffusion, clip 1/2). */
	progress?: Parameters<ExecutorEvents['progress']>[0];
};

export class FakeExecutor implements Executor {
	readonly description = 'fake';
	readonly launched: Job[] = [];
	readonly killed: RemoteHandle[] = [];
	readonly removed: string[] = [];
	/** Jobs that exist "on the host" (launched, not removed), by run id. */
	readonly jobs = new Map<string, RemoteHandle>();
	/** Jobs running now, the most at once, and every GPU given to two jobs at once (should stay empty). */
	readonly running = new Set<string>();
	maxRunning = 0;
	readonly gpuOwners = new Map<number, string>();
	readonly gpuConflicts: string[] = [];
	/** What nvidia-smi would say. */
	gpuList: GpuInfo[] = [0, 1].map(index => ({index, name: 'Fake GPU', memoryUsedMiB: 100, memoryTotalMiB: 81_559, utilizationPercent: 0, temperatureC: 30}));
	readonly follows: Array<{handle: RemoteHandle; skipLines: number}> = [];
	/** What status() reports as a Slurm host's cluster (none: a Docker-like host). */
	cluster: HostStatus['cluster'] = undefined;
	script: FakeScript = {lines: ['[11-24 10:00:00|INFO|transfer.py:1:main] Running preprocessor', 'Saved video to out/output.mp4'], result: 'success'};

	constructor(readonly host = 'fake') {}

	async launch(job: Job, events: ExecutorEvents, options: LaunchOptions = {}): Promise<RemoteHandle> {
		if (this.script.failLaunch && (this.script.failLaunchTimes ?? Infinity) > 0) {
			if (this.script.failLaunchTimes !== undefined) this.script.failLaunchTimes--;
			throw new Error(this.script.failLaunch);
		}
		events.progress({stage: 'uploading', fraction: 0.01, message: 'uploading 1 file'});
		if (this.script.holdLaunch && !options.signal?.aborted) {
			const aborted = new Promise(resolve => options.signal?.addEventListener('abort', resolve, {once: true}));
			await Promise.race([this.script.holdLaunch, aborted]);
		}
		if (options.signal?.aborted) throw new Error('aborted');
		await options.beforeStart?.();
		this.launched.push(job);
		this.running.add(job.run.id);
		this.maxRunning = Math.max(this.maxRunning, this.running.size);
		for (const gpu of job.gpus) {
			const owner = this.gpuOwners.get(gpu);
			if (owner !== undefined) this.gpuConflicts.push(`GPU ${gpu}: ${owner} and ${job.run.id}`);
			this.gpuOwners.set(gpu, job.run.id);
		}
		const handle: RemoteHandle = {backend: 'docker', host: this.host, job: `cosmos-tui-${job.run.id}`, run_dir: `/remote/runs/${job.run.id}`};
		this.jobs.set(job.run.id, handle);
		return handle;
	}

	async reconcile(runId: string): Promise<Reconciled> {
		const handle = this.jobs.get(runId);
		return handle ? {state: 'exists', handle} : {state: 'absent'};
	}

	async remove(runId: string): Promise<void> {
		this.removed.push(runId);
		this.jobs.delete(runId);
	}

	async gpus(): Promise<GpuInfo[]> {
		return this.gpuList;
	}

	async follow(handle: RemoteHandle, job: Job, events: ExecutorEvents, options: FollowOptions): Promise<ExecutionResult> {
		this.follows.push({handle, skipLines: options.skipLines});
		const abort = new Promise<never>((_, reject) => {
			options.signal?.addEventListener('abort', () => reject(new Error('aborted')), {once: true});
		});
		abort.catch(() => undefined); // an abort after follow returned rejects nobody's promise
		for (const line of this.script.lines.slice(options.skipLines)) events.log(line);
		events.progress(this.script.progress ?? {stage: 'diffusion', fraction: 0.5, message: 'clip 1/2'});
		const killed = new Promise<'killed'>(resolve => this.killSignals.set(handle.job, () => resolve('killed')));
		if (this.killedEarly.delete(handle.job)) this.killSignals.get(handle.job)!();
		const ended = await Promise.race([this.script.holdFor?.(job) ?? this.script.hold ?? Promise.resolve(), abort, killed]);
		this.killSignals.delete(handle.job);
		this.running.delete(job.run.id);
		for (const gpu of job.gpus) if (this.gpuOwners.get(gpu) === job.run.id) this.gpuOwners.delete(gpu);
		events.exited?.();
		this.jobs.delete(job.run.id);
		if (ended === 'killed') {
			return {status: 'cancelled', exitCode: 143, failureKind: 'killed', errorMessage: 'killed', outputs: {}, metrics: {}};
		}
		if (this.script.result === 'failed') {
			return {status: 'failed', exitCode: 1, failureKind: 'oom', errorMessage: 'out of GPU memory', outputs: {}, metrics: {}};
		}
		await mkdir(job.outputDir, {recursive: true});
		const video = path.join(job.outputDir, 'output.mp4');
		await writeFile(video, 'fake video');
		return {status: 'success', exitCode: 0, failureKind: null, errorMessage: null, outputs: {dir: job.outputDir, video}, metrics: {clips: 2}};
	}

	/** Cancels: the run's follow ends as cancelled (a real kill makes the job exit). */
	async kill(handle: RemoteHandle): Promise<void> {
		this.killed.push(handle);
		const signal = this.killSignals.get(handle.job);
		if (signal) signal();
		else this.killedEarly.add(handle.job); // before its follow began: that follow ends at once
	}

	private readonly killedEarly = new Set<string>();

	private readonly killSignals = new Map<string, () => void>();

	async status(): Promise<HostStatus> {
		return {host: this.host, connected: true, docker: {ok: true, detail: 'fake'}, gpus: this.gpuList, containers: [], ...(this.cluster ? {cluster: this.cluster} : {})};
	}

	async close(): Promise<void> {}
}

/** A promise with its resolve function, to hold a fake run open. */
export function gate(): {promise: Promise<void>; open: () => void} {
	let open!: () => void;
	const promise = new Promise<void>(resolve => {
		open = resolve;
	});
	return {promise, open};
}
