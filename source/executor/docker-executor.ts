// The one Executor: Cosmos-Transfer1 in Docker on a host reached through a HostShell. Over SSH it
// is the GPU host; with LocalHostShell it is this machine. Runs are detached containers (`docker
// run -d`), so a dropped connection or a restarted cosmos-tui never loses one: follow() reattaches.
import type {Config} from '../config/schema.js';
import {HostError} from '../domain/errors.js';
import type {RemoteHandle} from '../domain/model.js';
import {checkContainerName, containerNameFor, dockerKillArgs, dockerRmArgs, dockerWaitArgs} from './docker-command.js';
import type {BatchEvents, BatchJob, BatchResult, ExecutionResult, Executor, ExecutorEvents, FollowOptions, GpuInfo, HostStatus, Job, LaunchOptions, Reconciled} from './executor.js';
import {collectBatchOutputs, earlySamples} from './batch-end.js';
import {createBatchRouter} from './batch-log.js';
import {planBatchLaunch} from './batch-plan.js';
import {classifyFailure} from './failure-classifier.js';
import {ConnectionLostError, type HostShell, abortReason} from './host-shell.js';
import {NVIDIA_SMI_ARGS, gatherStatus, parseNvidiaSmi} from './host-status.js';
import {followLogs, inspectContainer, retryOnLoss} from './log-follower.js';
import {collectOutputs, missingOutputHint, resultOf} from './output-download.js';
import {STAGE_SPANS} from './progress-parser.js';
import {type LaunchPlan, planLaunch} from './launch-plan.js';
import {layoutFromRunDir, runLayout} from './remote-layout.js';
import {cachedHostPaths, resolveHostPaths} from './host-paths.js';
import {UPLOAD_END, readLaunchInfo, stageRun} from './launch-info.js';

export type DockerExecutorOptions = {
	shell: HostShell;
	config: Config;
	/** Recorded in every RemoteHandle; follow() refuses a handle from another host. */
	host: string;
	description: string;
	/** Extra top-level spec keys, e.g. the sandbox stand-in's "cosmos_sim" block. */
	specExtras?: (job: Job) => Record<string, unknown>;
};


export class DockerExecutor implements Executor {
	readonly description: string;
	private readonly shell: HostShell;
	private readonly config: Config;
	/** remote_dir and hf_cache, resolved once against the login user's home. */
	private readonly hostPaths = cachedHostPaths(() => resolveHostPaths(this.shell, this.config, this.description));

	constructor(private readonly options: DockerExecutorOptions) {
		this.shell = options.shell;
		this.config = options.config;
		this.description = options.description;
	}

	private get docker(): string {
		return this.config.docker.command;
	}


	async launch(job: Job, events: ExecutorEvents, options: LaunchOptions = {}): Promise<RemoteHandle> {
		const paths = await this.hostPaths();
		const plan = planLaunch(job, this.config, paths, this.options.specExtras?.(job));
		return this.start([job], plan, paths.remoteDir, [], events, options);
	}

	/** One container for the batch, named and kept in the folder of its first run. */
	async launchBatch(batch: BatchJob, events: ExecutorEvents, options: LaunchOptions = {}): Promise<RemoteHandle> {
		const paths = await this.hostPaths();
		const plan = planBatchLaunch(batch, this.config, paths, batch.members[0] ? this.options.specExtras?.(batch.members[0]) : undefined);
		return this.start(batch.members.filter(job => job !== null), plan, paths.remoteDir, [[plan.hostRun.batchInput, plan.batchJsonl]], events, options);
	}

	private async start(jobs: readonly Job[], plan: LaunchPlan, remoteDir: string, files: ReadonlyArray<[string, string]>, events: ExecutorEvents, options: LaunchOptions): Promise<RemoteHandle> {
		const {signal} = options;
		await stageRun(this.shell, jobs, {remoteDir, ...plan.hostRun, specJson: plan.specJson, files}, events, options);
		events.progress({stage: 'starting', fraction: UPLOAD_END, message: 'starting the container'});
		await this.startContainer(plan.dockerRun, plan.container);
		if (signal?.aborted) {
			// Cancelled while `docker run` was under way: the container must not outlive the launch.
			await this.remove(jobs[0]!.run.id);
			throw abortReason(signal);
		}
		events.progress({stage: 'loading_models', fraction: STAGE_SPANS.loading_models[0], message: 'container started'});
		return this.handleFor(plan.container, plan.hostRun.runDir);
	}

	private handleFor(container: string, runDir: string): RemoteHandle {
		return {backend: 'docker', host: this.options.host, job: container, run_dir: runDir};
	}

	/** `docker run -d`; after a dropped connection, looks whether the container started before trying again. */
	private async startContainer(argv: string[], container: string): Promise<void> {
		for (;;) {
			try {
				const started = await this.shell.exec(argv);
				if (started.code === 0) return;
				const reason = started.stderr.trim().split('\n').at(-1) || `exit ${started.code}`;
				throw new HostError(`docker run failed on ${this.description}: ${reason}`);
			} catch (error) {
				if (!(error instanceof ConnectionLostError)) throw error;
				if (await inspectContainer(this.shell, this.docker, container)) return;
			}
		}
	}

	private checkHandle(handle: RemoteHandle): ReturnType<typeof layoutFromRunDir> {
		if (handle.backend !== 'docker') throw new HostError(`run was started on a ${handle.backend} host, not Docker`);
		if (handle.host !== this.options.host) {
			throw new HostError(`run was started on ${handle.host}, but this executor is for ${this.options.host}`);
		}
		checkContainerName(handle.job);
		return layoutFromRunDir(handle.run_dir);
	}

	async follow(handle: RemoteHandle, job: Job, events: ExecutorEvents, options: FollowOptions): Promise<ExecutionResult> {
		const layout = this.checkHandle(handle);
		const {signal} = options;
		const logs = await followLogs({
			shell: this.shell,
			docker: this.docker,
			container: handle.job,
			skipLines: options.skipLines,
			events,
			stallMs: this.config.monitor.stall_seconds * 1000,
			signal,
		});
		const metrics: Record<string, number | string> = {log_lines: logs.lines, reconnects: logs.reconnects};
		if (logs.parser.clipsTotal !== null) metrics['clips'] = logs.parser.clipsTotal;
		Object.assign(metrics, await readLaunchInfo(this.shell, layout.launchInfo, signal));
		if (logs.state === null) {
			return {
				status: 'failed',
				exitCode: null,
				failureKind: 'lost',
				errorMessage: `the container ${handle.job} is gone from ${this.description}; its outputs, if any, are in ${layout.outputDir}`,
				outputs: {},
				metrics,
			};
		}
		events.exited?.();
		const exitCode = logs.state.exitCode;
		const killedByUser = (await retryOnLoss(() => this.shell.stat(layout.killMarker), signal)) !== null;
		const classify = (outputExists: boolean) => classifyFailure({exitCode, logTail: logs.tail, outputExists, killedByUser, missingOutput: missingOutputHint(job)});
		const {failure, download} = await collectOutputs(this.shell, layout.outputDir, job, events, classify, signal);
		metrics['exit_code'] = exitCode;
		metrics['download_bytes'] = download.downloadedBytes;
		// The container's log and exit code are read; its files stay on the host, the container goes.
		await retryOnLoss(() => this.shell.exec(dockerRmArgs(this.docker, handle.job)), signal).catch(() => undefined);
		return resultOf(failure, download, exitCode, killedByUser, metrics);
	}


	async followBatch(handle: RemoteHandle, batch: BatchJob, events: BatchEvents, options: FollowOptions): Promise<BatchResult> {
		const layout = this.checkHandle(handle);
		const {signal} = options;
		const metrics: Record<string, number | string> = {batch_size: batch.members.length};
		const early = earlySamples(this.shell, layout.outputDir, batch, events, metrics, signal);
		const router = createBatchRouter(events.batch, events.members, early.saved);
		const logs = await followLogs({shell: this.shell, docker: this.docker, container: handle.job, skipLines: options.skipLines, events: router.events, stallMs: this.config.monitor.stall_seconds * 1000, signal});
		Object.assign(metrics, {log_lines: logs.lines, reconnects: logs.reconnects}, await readLaunchInfo(this.shell, layout.launchInfo, signal));
		const ended = await early.settled();
		if (logs.state === null) {
			const errorMessage = `the container ${handle.job} is gone from ${this.description}; its outputs, if any, are in ${layout.outputDir}`;
			return batch.members.map(() => ({status: 'failed', exitCode: null, failureKind: 'lost', errorMessage, outputs: {}, metrics}));
		}
		router.events.exited?.();
		const exitCode = logs.state.exitCode;
		metrics['exit_code'] = exitCode;
		const killedByUser = (await retryOnLoss(() => this.shell.stat(layout.killMarker), signal)) !== null;
		const results = await collectBatchOutputs(this.shell, layout.outputDir, batch, events.members, {exitCode, killedByUser, ...router, metrics, ended}, signal);
		await retryOnLoss(() => this.shell.exec(dockerRmArgs(this.docker, handle.job)), signal).catch(() => undefined);
		return results;
	}

	async kill(handle: RemoteHandle): Promise<void> {
		const layout = this.checkHandle(handle);
		await retryOnLoss(() => this.shell.writeFile(layout.killMarker, `${new Date().toISOString()}\n`)).catch(() => undefined);
		const state = await inspectContainer(this.shell, this.docker, handle.job);
		if (state === null || state.status !== 'running') return;
		await retryOnLoss(() => this.shell.exec(dockerKillArgs(this.docker, handle.job, 'TERM')));
		const graceMs = this.config.monitor.kill_grace_seconds * 1000;
		const exited = await this.waitForExit(handle.job, graceMs);
		if (!exited) await retryOnLoss(() => this.shell.exec(dockerKillArgs(this.docker, handle.job, 'KILL')));
	}

	/** `docker wait` for at most graceMs; true when the container stopped. */
	private async waitForExit(container: string, graceMs: number): Promise<boolean> {
		if (graceMs > 0) {
			const timeout = AbortSignal.timeout(graceMs);
			await this.shell.exec(dockerWaitArgs(this.docker, container), {signal: timeout}).catch(() => undefined);
		}
		const state = await inspectContainer(this.shell, this.docker, container);
		return state === null || state.status !== 'running';
	}

	async reconcile(runId: string): Promise<Reconciled> {
		const container = containerNameFor(runId);
		const state = await inspectContainer(this.shell, this.docker, container);
		if (state === null) return {state: 'absent'};
		const paths = await this.hostPaths();
		return {state: 'exists', handle: this.handleFor(container, runLayout(paths.remoteDir, runId).runDir)};
	}

	async remove(runId: string): Promise<void> {
		const container = containerNameFor(runId);
		const result = await retryOnLoss(() => this.shell.exec(dockerRmArgs(this.docker, container)));
		if (result.code !== 0 && (await inspectContainer(this.shell, this.docker, container)) !== null) {
			throw new HostError(`could not remove ${container} on ${this.description}: ${result.stderr.trim().split('\n').at(-1) ?? ''}`);
		}
	}

	async gpus(): Promise<GpuInfo[]> {
		const result = await retryOnLoss(() => this.shell.exec(NVIDIA_SMI_ARGS));
		if (result.code !== 0) {
			const detail = (result.stdout.trim() || result.stderr.trim()).split('\n')[0] || `exit ${result.code}`;
			throw new HostError(`nvidia-smi failed on ${this.description}: ${detail}`);
		}
		return parseNvidiaSmi(result.stdout);
	}

	status(): Promise<HostStatus> {
		return gatherStatus(this.shell, this.docker, this.options.host);
	}

	close(): Promise<void> {
		return this.shell.close();
	}
}
