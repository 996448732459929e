// The runs this UI follows on the host. Launching and following are long promises the UI never
// awaits; they end with the run, or detach when the UI quits (the runs go on on the host).
// Following goes through service.streamRun: we become the run's follower, or, when another
// process follows it, its log is tailed. Either way lines arrive as 'log' events.
import type {Run} from '../../domain/model.js';
import type {WorkflowService} from '../../service/workflow-service.js';
import {messageOf, type Notice} from './live-data.js';
import type {LogStore} from './log-store.js';

const DETACH_TIMEOUT_MS = 3000;

export class RunSupervisor {
	/** One controller per followed run: detaching aborts only the follows still going. */
	private readonly following = new Map<string, {done: Promise<void>; controller: AbortController}>();
	private detached = false;
	private readonly launching = new Set<string>();
	private stopListening: (() => void) | null = null;
	private startTimer: NodeJS.Timeout | null = null;

	constructor(
		private readonly service: WorkflowService,
		private readonly logs: LogStore,
		private readonly notice: Notice,
	) {}

	/**
	 * Follows every running run (the UI may have been closed while they ran), and from now on any
	 * run that starts running elsewhere (e.g. `cosmos-tui run --detach` in another terminal).
	 */
	start(): void {
		this.stopListening = this.service.events.on('run-updated', run => this.reattach(run));
		// Just after the first frame: finding the active runs reads the whole store.
		this.startTimer = setTimeout(() => {
			this.startTimer = null;
			for (const run of this.service.activeRuns()) this.reattach(run);
		}, 0);
	}

	/** Runs this process follows now. */
	followedIds(): string[] {
		return [...this.following.keys()];
	}

	/** Starts a pending run on the host (errors are thrown: the caller shows them), then follows it. */
	async launch(runId: string): Promise<Run> {
		this.launching.add(runId);
		try {
			const run = await this.service.launchRun(runId);
			this.follow(runId, 0);
			return run;
		} finally {
			this.launching.delete(runId);
		}
	}

	/** Stops following (the runs go on on the host). Resolves with the ids that were followed. */
	async detach(): Promise<string[]> {
		this.stopListening?.();
		if (this.startTimer) clearTimeout(this.startTimer);
		this.detached = true;
		const ids = this.followedIds();
		const follows = [...this.following.values()];
		for (const follow of follows) follow.controller.abort();
		const settled = Promise.allSettled(follows.map(follow => follow.done));
		await Promise.race([settled, new Promise(resolve => setTimeout(resolve, DETACH_TIMEOUT_MS).unref())]);
		return ids;
	}

	/**
	 * The saved log is read first and counted, so the live lines that follow continue it (a line
	 * written between the count and the read by another follower may show twice; none is lost).
	 */
	private reattach(run: Run): void {
		if (run.status !== 'running' || !run.remote || this.following.has(run.id) || this.launching.has(run.id)) return;
		if (this.detached) return;
		const controller = new AbortController();
		const placeholder = this.service.files
			.countLogLines(run.id)
			.then(async count => {
				await this.logs.open(run.id, {reload: true});
				this.following.delete(run.id);
				this.follow(run.id, count);
			})
			.catch((error: unknown) => {
				this.following.delete(run.id);
				this.notice(`following ${run.id}: ${messageOf(error)}`, 'error');
			});
		this.following.set(run.id, {done: placeholder, controller});
	}

	private follow(runId: string, fromLine: number): void {
		if (this.following.has(runId) || this.detached) return;
		const controller = new AbortController();
		const done = this.service
			.streamRun(runId, fromLine, {signal: controller.signal})
			.then(
				run => {
					if (controller.signal.aborted) return;
					if (run.status === 'failed') this.notice(`${run.id} failed: ${run.error_message ?? run.failure_kind ?? 'see its log'}`, 'error');
					else if (run.status === 'success') this.notice(`${run.id} finished`, 'info');
				},
				(error: unknown) => {
					if (!controller.signal.aborted) this.notice(`following ${runId}: ${messageOf(error)}`, 'error');
				},
			)
			.finally(() => {
				if (this.following.get(runId)?.done === done) this.following.delete(runId);
			});
		this.following.set(runId, {done, controller});
	}
}
