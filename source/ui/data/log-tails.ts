// Logs of active runs. The UI launches and follows nothing: a background worker does, and writes
// each run's log to data/runs/<id>/run.log. The runs the user looks at are tailed from there
// (service.streamRun turns new lines into 'log' events for the LogStore) until they end. At most
// `max` tails run at once, the least recently shown let go first; all are let go on quit.
import {NotFoundError} from '../../domain/errors.js';
import {isActive, type Run} from '../../domain/model.js';
import type {RunFiles} from '../../service/run-files.js';
import type {WorkflowService} from '../../service/workflow-service.js';
import {messageOf, type Notice} from './live-data.js';
import type {LogStore} from './log-store.js';

const MAX_TAILS = 4;
const DETACH_TIMEOUT_MS = 3000;

type Tail = {controller: AbortController; done: Promise<void>; shownAt: number};

export class LogTails {
	private readonly tails = new Map<string, Tail>();
	private shown = 0;
	private detached = false;
	/**
	 * A dispatcher in this very process (tests, the bench) emits each line as a 'log' event
	 * itself: tailing its file too would show every line twice.
	 */
	private workerHere = false;
	/** Until the queue has been read once, where the worker runs is not known: the last run shown waits. */
	private known = false;
	private waiting: Pick<Run, 'id' | 'status'> | null = null;

	constructor(
		private readonly service: {files: Pick<RunFiles, 'countLogLines'>; streamRun: WorkflowService['streamRun']},
		private readonly logs: LogStore,
		private readonly notice: Notice,
		private readonly max = MAX_TAILS,
	) {}

	/**
	 * Shows a run's log: the saved one, continued by its worker's new lines while the run is on a
	 * host. A queued run has no log yet: it is shown again when it starts (use-log-view.ts).
	 */
	show(run: Pick<Run, 'id' | 'status'>): void {
		if (!this.known) {
			this.waiting = run;
			void this.logs.open(run.id);
			return;
		}
		const tail = this.tails.get(run.id);
		if (tail) tail.shownAt = ++this.shown;
		if (tail || this.detached || this.workerHere || !isActive(run.status) || run.status === 'queued') {
			void this.logs.open(run.id);
			return;
		}
		this.start(run.id);
		const oldest = [...this.tails.entries()].sort((a, b) => a[1].shownAt - b[1].shownAt);
		for (const [id] of oldest.slice(0, Math.max(0, this.tails.size - this.max))) this.stop(id);
	}

	/** Runs tailed now. */
	tailedIds(): string[] {
		return [...this.tails.keys()];
	}

	/** Told by the queue watch on its first read, and whenever the dispatcher moves in or out of this process. */
	setWorkerHere(here: boolean): void {
		this.workerHere = here;
		this.known = true;
		// Its events carry on the buffers the tails filled.
		if (here) for (const id of this.tailedIds()) this.stop(id, false);
		const waiting = this.waiting;
		this.waiting = null;
		if (waiting) this.show(waiting);
	}

	/** Lets every tail go (the runs go on; the next start shows them again). */
	async detach(): Promise<void> {
		this.detached = true;
		const tails = [...this.tails.values()];
		for (const tail of tails) tail.controller.abort();
		const settled = Promise.allSettled(tails.map(tail => tail.done));
		await Promise.race([settled, new Promise(resolve => setTimeout(resolve, DETACH_TIMEOUT_MS).unref())]);
	}

	/**
	 * Counts the saved lines, then reads the saved log while tailing from that count: a line
	 * written in between arrives both ways, and the LogStore joins the two without repeats.
	 */
	private start(runId: string): void {
		const controller = new AbortController();
		const done: Promise<void> = this.service.files
			.countLogLines(runId)
			.then(async count => {
				if (controller.signal.aborted) return;
				void this.logs.open(runId, {reload: true});
				await this.service.streamRun(runId, count, {signal: controller.signal});
			})
			.catch((error: unknown) => {
				if (!controller.signal.aborted && !(error instanceof NotFoundError)) this.notice(`log of ${runId}: ${messageOf(error)}`, 'error');
			})
			.finally(() => {
				if (this.tails.get(runId)?.done === done) this.tails.delete(runId);
			});
		this.tails.set(runId, {controller, done, shownAt: ++this.shown});
	}

	/** `forget`: the run's lines stop arriving, so its buffer is read again when shown next. */
	private stop(runId: string, forget = true): void {
		this.tails.get(runId)?.controller.abort();
		this.tails.delete(runId);
		if (forget) this.logs.forget(runId);
	}
}
