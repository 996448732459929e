// Watching a run from any process: its saved log and progress (written by the worker that follows
// it) as events, and its end. Nothing here launches or follows: that is the scheduler's.
import {type Progress, type Run, isActive} from '../domain/model.js';
import type {Store} from '../store/index.js';
import type {ServiceEvents, TypedEmitter} from './events.js';
import {tailLines} from './log-tail.js';
import type {RunFiles} from './run-files.js';

/** How long a waiter trusts the store's change events before looking again (they may be missed). */
const WAIT_POLL_MS = 500;

type Deps = {
	store: Store;
	files: RunFiles;
	events: TypedEmitter<ServiceEvents>;
	/** Called while a watched run is active, so a worker that died is replaced. */
	ensureWorker: () => void;
};

export class RunWatch {
	constructor(private readonly deps: Deps) {}

	/** Resolves once the run is final (or, when the signal aborts, as it is). */
	async untilFinal(id: string, signal?: AbortSignal): Promise<void> {
		const {store} = this.deps;
		while (this.isActive(id) && !signal?.aborted) {
			await new Promise<void>(resolve => {
				const timer = setTimeout(done, WAIT_POLL_MS);
				const off = store.subscribe(change => {
					if (change.table === 'runs' && change.id === id) done();
				});
				signal?.addEventListener('abort', done, {once: true});
				function done() {
					clearTimeout(timer);
					off();
					resolve();
				}
			});
		}
	}

	/**
	 * Emits the run's saved log lines (after the first `fromLine`) and progress as 'log' and
	 * 'progress' events until the run ends.
	 */
	async stream(id: string, fromLine: number, signal?: AbortSignal): Promise<void> {
		const {files, events} = this.deps;
		const isOver = () => !this.isActive(id);
		const seenProgress = (await files.readProgress(id)).length;
		await Promise.all([
			tailLines(files.logPath(id), fromLine, line => events.emit('log', {runId: id, line}), isOver, signal),
			tailLines(files.progressPath(id), seenProgress, line => {
				const progress = parseProgressLine(line);
				if (progress) events.emit('progress', progress);
			}, isOver, signal),
		]);
	}

	/** Reads the freshest state; an active run gets a worker if none runs. */
	private isActive(id: string): boolean {
		this.deps.store.refresh();
		const run: Run | undefined = this.deps.store.get('runs', id);
		const active = run !== undefined && isActive(run.status);
		if (active) this.deps.ensureWorker();
		return active;
	}
}

function parseProgressLine(line: string): Progress | null {
	try {
		const value = JSON.parse(line) as Progress;
		return typeof value === 'object' && value !== null && typeof value.stage === 'string' ? value : null;
	} catch {
		return null;
	}
}
