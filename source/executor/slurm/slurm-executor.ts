// The Executor for a Slurm cluster reached over SSH on its login node: inputs uploaded by content
// as for Docker, a job script (job-script.ts) uploaded by SFTP and submitted with sbatch, the job's
// output file followed with `tail -F` while its state is polled, scancel to stop it. Slurm does the
// queueing and the GPU placement; a run is handed to it at once and may wait in its queue.
import type {Config} from '../../config/schema.js';
import {HostError} from '../../domain/errors.js';
import type {RemoteHandle} from '../../domain/model.js';
import {ChannelLimiter} from '../channel-limiter.js';
import {containerNameFor} from '../docker-command.js';
import {collectBatchOutputs, earlySamples} from '../batch-end.js';
import {createBatchRouter} from '../batch-log.js';
import type {BatchEvents, BatchJob, BatchResult, ExecutionResult, Executor, ExecutorEvents, FollowOptions, GpuInfo, HostStatus, Job, LaunchOptions, Reconciled} from '../executor.js';
import {ConnectionLostError, type HostShell, abortReason, sleep} from '../host-shell.js';
import {retryOnLoss} from '../log-follower.js';
import {collectOutputs, missingOutputHint, resultOf} from '../output-download.js';
import {STAGE_SPANS} from '../progress-parser.js';
import {type RunLayout, layoutFromRunDir, runLayout} from '../remote-layout.js';
import {createStallWatchdog, type StallWatchdog} from '../stall-watchdog.js';
import {type FileFollower, startFileFollower} from './file-follower.js';
import {type JobState, SlurmUnavailableError, readJobState} from './job-state.js';
import {classifySlurmEnd} from './slurm-failure.js';
import {type SlurmLaunchPlan, planSlurmBatchLaunch, planSlurmLaunch} from './slurm-launch-plan.js';
import {checkJobId, parseSubmittedJobId, slurmRunFiles} from './slurm-layout.js';
import {cachedHostPaths, resolveHostPaths} from '../host-paths.js';
import {UPLOAD_END, readLaunchInfo, stageRun} from '../launch-info.js';
import {slurmGpus, slurmStatus, squeueJobIdsArgs} from './slurm-status.js';

export type SlurmExecutorOptions = {
	shell: HostShell;
	config: Config;
	/** Recorded in every RemoteHandle; follow() refuses a handle from another host. */
	host: string;
	description: string;
	/** Extra top-level spec keys, e.g. the sandbox stand-in's "cosmos_sim" block. */
	specExtras?: (job: Job) => Record<string, unknown>;
	/** How often follow() asks Slurm for the job's state (default 1 s). */
	pollMs?: number;
};


/** How long follow() waits for an unanswering slurmctld before it gives up on the run. */
const SLURM_UNAVAILABLE_MS = 120_000;

/** The last line of a command's complaint: Slurm's own words ("sbatch: error: ..."). */
function slurmMessage(result: {code: number | null; stdout: string; stderr: string}): string {
	const lines = `${result.stderr}\n${result.stdout}`.split('\n').map(line => line.trim()).filter(line => line !== '');
	return [...lines].reverse().find(line => /error/i.test(line)) ?? lines.at(-1) ?? `exit ${result.code}`;
}

export class SlurmExecutor implements Executor {
	readonly description: string;
	private readonly shell: HostShell;
	private readonly config: Config;
	/** remote_dir and hf_cache, resolved once against the login user's home. */
	private readonly hostPaths = cachedHostPaths(() => resolveHostPaths(this.shell, this.config, this.description));
	/**
	 * `tail -F` holds an SSH channel per running job, and a cluster may run more of our jobs than
	 * the connection has channels ([remote] max_channels): two are kept for the state polls,
	 * sbatch and downloads, so a follower never starves the poll that tells it its job ended.
	 */
	private readonly tailSlots: ChannelLimiter;

	constructor(private readonly options: SlurmExecutorOptions) {
		this.shell = options.shell;
		this.config = options.config;
		this.description = options.description;
		this.tailSlots = new ChannelLimiter(Math.max(1, this.config.remote.max_channels - 2));
	}


	async launch(job: Job, events: ExecutorEvents, options: LaunchOptions = {}): Promise<RemoteHandle> {
		const paths = await this.hostPaths();
		const plan = planSlurmLaunch(job, this.config, paths, this.options.specExtras?.(job));
		return this.submitJob([job], plan, paths.remoteDir, [], events, options);
	}

	/** One job for the batch, named and kept in the folder of its first run. */
	async launchBatch(batch: BatchJob, events: ExecutorEvents, options: LaunchOptions = {}): Promise<RemoteHandle> {
		const paths = await this.hostPaths();
		const jobs = batch.members.filter(job => job !== null);
		if (jobs.length !== batch.members.length || !jobs[0]) throw new HostError('a batch to launch needs all of its runs');
		const plan = planSlurmBatchLaunch({members: jobs}, this.config, paths, this.options.specExtras?.(jobs[0]));
		return this.submitJob(jobs, plan, paths.remoteDir, [[plan.hostRun.batchInput, plan.batchJsonl]], events, options);
	}

	private async submitJob(jobs: readonly Job[], plan: SlurmLaunchPlan, remoteDir: string, files: ReadonlyArray<[string, string]>, events: ExecutorEvents, options: LaunchOptions): Promise<RemoteHandle> {
		const {signal} = options;
		const job = jobs[0]!;
		await stageRun(this.shell, jobs, {remoteDir, ...plan.hostRun, specJson: plan.specJson, files: [[plan.files.jobScript, plan.jobScript], ...files]}, events, options);
		events.progress({stage: 'starting', fraction: UPLOAD_END, message: 'submitting to Slurm'});
		const jobId = await this.submit(plan.sbatch, plan.jobName);
		if (signal?.aborted) {
			// Cancelled while sbatch was under way: the job must not outlive the launch.
			await this.remove(job.run.id);
			throw abortReason(signal);
		}
		// Slurm forgets a finished job after MinJobAge; the run folder remembers which one it was.
		await retryOnLoss(() => this.shell.writeFile(plan.files.jobIdFile, `${jobId}\n`), signal).catch(() => undefined);
		events.progress({stage: 'starting', fraction: UPLOAD_END, message: `submitted as Slurm job ${jobId}`});
		return this.handleFor(jobId, plan.hostRun.runDir);
	}

	private handleFor(jobId: string, runDir: string): RemoteHandle {
		return {backend: 'slurm', host: this.options.host, job: jobId, run_dir: runDir};
	}

	/** sbatch; after a dropped connection, looks whether the job was queued before trying again. */
	private async submit(argv: string[], jobName: string): Promise<string> {
		for (;;) {
			try {
				const result = await this.shell.exec(argv);
				const jobId = result.code === 0 ? parseSubmittedJobId(result.stdout) : null;
				if (jobId) return jobId;
				throw new HostError(`${slurmMessage(result)} (sbatch on ${this.description})`);
			} catch (error) {
				if (!(error instanceof ConnectionLostError)) throw error;
				const queued = await this.jobIdsNamed(jobName);
				if (queued.length > 0) return queued.at(-1)!;
			}
		}
	}

	/** Ids of this user's jobs with that name that Slurm still lists (pending, running or just ended). */
	private async jobIdsNamed(jobName: string): Promise<string[]> {
		const result = await retryOnLoss(() => this.shell.exec(squeueJobIdsArgs(jobName)));
		if (result.code !== 0) throw new HostError(`squeue failed on ${this.description}: ${slurmMessage(result)}`);
		return result.stdout.split('\n').map(line => line.trim()).filter(line => /^\d+$/.test(line));
	}

	private checkHandle(handle: RemoteHandle): ReturnType<typeof layoutFromRunDir> {
		if (handle.backend !== 'slurm') throw new HostError(`run was started on a ${handle.backend} host, not Slurm`);
		if (handle.host !== this.options.host) {
			throw new HostError(`run was started on ${handle.host}, but this executor is for ${this.options.host}`);
		}
		checkJobId(handle.job);
		return layoutFromRunDir(handle.run_dir);
	}

	async follow(handle: RemoteHandle, job: Job, events: ExecutorEvents, options: FollowOptions): Promise<ExecutionResult> {
		const {layout, state, logs, metrics, cancelledByUs} = await this.watchJob(handle, events, options);
		const {signal} = options;
		if (logs.parser.clipsTotal !== null) metrics['clips'] = logs.parser.clipsTotal;
		if (state === null) return this.neverRan(handle, layout, cancelledByUs, metrics);
		events.exited?.();
		const exitCode = exitCodeOf(state);
		const classify = (outputExists: boolean) => classifySlurmEnd({state: state.state, reason: state.reason, exitCode: exitOf(state), logTail: logs.tail, outputExists, cancelledByUs, missingOutput: missingOutputHint(job)});
		const {failure, download} = await collectOutputs(this.shell, layout.outputDir, job, events, classify, signal);
		metrics['download_bytes'] = download.downloadedBytes;
		return resultOf(failure, download, exitCode, cancelledByUs, metrics);
	}

	/** As on a Docker host (batch-log.ts, batch-end.ts): each run its share of the job's output, its outputs from video_<i>/ and its own verdict. */
	async followBatch(handle: RemoteHandle, batch: BatchJob, events: BatchEvents, options: FollowOptions): Promise<BatchResult> {
		const {signal} = options;
		const layout = this.checkHandle(handle);
		const early = earlySamples(this.shell, layout.outputDir, batch, events, {batch_size: batch.members.length, slurm_job_id: handle.job}, signal);
		const router = createBatchRouter(events.batch, events.members, early.saved);
		// What Slurm says of the job is every run's news; the log's progress is each run's own (the router's).
		const everyRun = (update: Parameters<ExecutorEvents['progress']>[0]) => events.members.forEach(member => member?.progress(update));
		const {state, metrics, cancelledByUs} = await this.watchJob(handle, router.events, options, everyRun);
		Object.assign(metrics, {batch_size: batch.members.length});
		const ended = await early.settled();
		if (state === null) {
			const result = this.neverRan(handle, layout, cancelledByUs, metrics);
			return batch.members.map((_, index) => ended.get(index) ?? (cancelledByUs ? null : result));
		}
		router.events.exited?.();
		const judge = (index: number, outputExists: boolean) => classifySlurmEnd({state: state.state, reason: state.reason, exitCode: exitOf(state), logTail: router.tail(index), outputExists, cancelledByUs: false});
		return collectBatchOutputs(this.shell, layout.outputDir, batch, events.members, {exitCode: exitCodeOf(state), killedByUser: cancelledByUs, ...router, metrics, ended, judge}, signal);
	}

	/** A job Slurm does not know and that left no exit status: cancelled before it started, or lost. */
	private neverRan(handle: RemoteHandle, layout: RunLayout, cancelledByUs: boolean, metrics: Record<string, number | string>): ExecutionResult {
		return {
			status: cancelledByUs ? 'cancelled' : 'failed',
			exitCode: null,
			failureKind: cancelledByUs ? 'killed' : 'lost',
			errorMessage: cancelledByUs
				? 'cancelled before Slurm started it'
				: `Slurm job ${handle.job} is unknown to ${this.description} and left no exit status; its outputs, if any, are in ${layout.outputDir}`,
			outputs: {},
			metrics,
		};
	}

	/**
	 * Polls the job's state until it ends, following its output file once it runs. `progress`
	 * takes what Slurm says (queued on the cluster, running on a node); default: events.progress.
	 */
	private async watchJob(handle: RemoteHandle, events: ExecutorEvents, options: FollowOptions, progress: ExecutorEvents['progress'] = events.progress) {
		const layout = this.checkHandle(handle);
		const files = slurmRunFiles(layout.runDir);
		const {signal} = options;
		const stallMs = this.config.monitor.stall_seconds * 1000;
		let watchdog: StallWatchdog | null = null;
		// The output file is followed once the job has left the queue: a queued job prints nothing,
		// and a follower per queued run would hold an SSH channel each for as long as Slurm keeps it waiting.
		let follower = null as FileFollower | null;
		const startFollowing = (): FileFollower => (follower ??= startFileFollower({
			shell: this.shell,
			file: files.output,
			skipLines: options.skipLines,
			events,
			onNewOutput: () => watchdog?.activity(),
			signal,
			slots: this.tailSlots,
		}));
		let state: JobState | null;
		let lastReason: string | null = null;
		let pendingMs = 0;
		let unavailableSince: number | null = null;
		try {
			for (let polled = Date.now(); ; ) {
				try {
					state = await readJobState(this.shell, handle.job, files.exitFile, signal);
					unavailableSince = null;
				} catch (error) {
					// slurmctld busy or restarting: the job goes on; ask again, for a while.
					if (!(error instanceof SlurmUnavailableError)) throw error;
					unavailableSince ??= Date.now();
					if (Date.now() - unavailableSince > SLURM_UNAVAILABLE_MS) throw new HostError(`${error.message} (on ${this.description}, for ${Math.round(SLURM_UNAVAILABLE_MS / 1000)} s)`);
					await sleep(this.options.pollMs ?? 1000, signal);
					continue;
				}
				const now = Date.now();
				if (state?.state === 'PENDING') {
					pendingMs += now - polled;
					if (state.reason !== lastReason) {
						lastReason = state.reason;
						progress({stage: 'starting', fraction: UPLOAD_END, message: `queued on cluster: ${state.reason || 'waiting'}`});
					}
				} else if (state) {
					const firstSight = follower === null;
					startFollowing();
					if (!state.final && watchdog === null) {
						// The job runs: from now on silence means a stall (a queue wait is not one).
						watchdog = createStallWatchdog(stallMs, stalled => events.stalled?.(stalled));
						if (firstSight && options.skipLines === 0) {
							progress({stage: 'loading_models', fraction: STAGE_SPANS.loading_models[0], message: `running on ${state.nodes || 'the cluster'}`});
						}
					}
				}
				polled = now;
				if (state === null || state.final) break;
				await sleep(this.options.pollMs ?? 1000, signal);
			}
		} catch (error) {
			follower?.stop();
			watchdog?.stop();
			throw error;
		}
		const logs = await startFollowing().finish().finally(() => watchdog?.stop());
		const metrics: Record<string, number | string> = {slurm_job_id: handle.job, log_lines: logs.lines, reconnects: logs.reconnects, pending_seconds: Math.round(state?.pendingSeconds ?? pendingMs / 1000)};
		Object.assign(metrics, await readLaunchInfo(this.shell, layout.launchInfo, signal));
		const cancelledByUs = (await retryOnLoss(() => this.shell.stat(layout.killMarker), signal)) !== null;
		if (state) {
			metrics['exit_code'] = exitCodeOf(state) ?? -1;
			metrics['slurm_state'] = state.state;
		}
		return {layout, state, logs, metrics, cancelledByUs};
	}


	/** scancel; the job script's TERM trap removes its container. The follower sees CANCELLED. */
	async kill(handle: RemoteHandle): Promise<void> {
		const layout = this.checkHandle(handle);
		await retryOnLoss(() => this.shell.writeFile(layout.killMarker, `${new Date().toISOString()}\n`)).catch(() => undefined);
		const runId = layout.runDir.slice(layout.runDir.lastIndexOf('/') + 1);
		// The name too: a job id from the store must not cancel another job that got the same number.
		const result = await retryOnLoss(() => this.shell.exec(['scancel', `--name=${containerNameFor(runId)}`, checkJobId(handle.job)]));
		if (result.code !== 0 && !/invalid job id|already completing or completed/i.test(result.stderr)) {
			throw new HostError(`scancel ${handle.job} failed on ${this.description}: ${slurmMessage(result)}`);
		}
	}

	async reconcile(runId: string): Promise<Reconciled> {
		const paths = await this.hostPaths();
		const {runDir} = runLayout(paths.remoteDir, runId);
		const listed = await this.jobIdsNamed(containerNameFor(runId));
		if (listed.length > 0) return {state: 'exists', handle: this.handleFor(listed.at(-1)!, runDir)};
		// Slurm forgot it (or never had it): the id sbatch gave, if the launch got that far.
		const recorded = parseSubmittedJobId((await retryOnLoss(() => this.shell.readFile(slurmRunFiles(runDir).jobIdFile))) ?? '');
		return recorded ? {state: 'exists', handle: this.handleFor(recorded, runDir)} : {state: 'absent'};
	}

	async remove(runId: string): Promise<void> {
		const result = await retryOnLoss(() => this.shell.exec(['scancel', '--me', `--name=${containerNameFor(runId)}`]));
		if (result.code !== 0) throw new HostError(`could not cancel ${containerNameFor(runId)} on ${this.description}: ${slurmMessage(result)}`);
	}

	gpus(): Promise<GpuInfo[]> {
		return slurmGpus(this.shell, this.config.slurm.partition, this.description);
	}

	status(): Promise<HostStatus> {
		return slurmStatus(this.shell, this.config.slurm.partition, this.options.host);
	}

	close(): Promise<void> {
		return this.shell.close();
	}
}

/** A job ended by a signal (scontrol's "0:15") reads as minus that signal, as on the Docker host. */
function exitCodeOf(state: JobState): number | null {
	return state.exitCode === 0 && state.signal > 0 ? -state.signal : state.exitCode;
}

function exitOf(state: JobState): {code: number; signal: number} | null {
	return state.exitCode === null ? null : {code: state.exitCode, signal: state.signal};
}
