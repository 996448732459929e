// What the screen shows of the store, kept current from the service's events rather than by
// polling: prompts, the runs in view, counts by status, the sweeps those runs belong to, and
// durations of past successful runs (for ETAs). Changes are announced at most every notifyMs.
// The queue, the hosts and their GPUs are queue-watch.ts's.
import {NotFoundError, UserError} from '../../domain/errors.js';
import {isActive, type Prompt, type Run, type RunStatus, type Sweep} from '../../domain/model.js';
import type {WorkflowService} from '../../service/workflow-service.js';
import {durationSample, type DurationSample} from '../state/eta.js';

export type RunRow = Run & {promptName: string};

export type LiveSnapshot = {
	prompts: readonly Prompt[];
	runs: readonly RunRow[];
	/** The runs in view: all, or one prompt's. */
	runPromptId: string | null;
	/** null until counted (counting reads every run; it waits until the first frame is out). */
	counts: Readonly<Record<RunStatus, number>> | null;
	/** The sweeps of the runs in view, by id. */
	sweeps: Readonly<Record<string, Sweep>>;
	durations: readonly DurationSample[];
};

export type LiveDataOptions = {runLimit?: number; promptLimit?: number; notifyMs?: number; historyLimit?: number};

const COUNTS_DELAY_MS = 250;

export type Notice = (text: string, tone: 'info' | 'error') => void;

export class LiveData {
	private snapshot: LiveSnapshot = {prompts: [], runs: [], runPromptId: null, counts: null, sweeps: {}, durations: []};
	private readonly listeners = new Set<() => void>();
	private readonly unsubscribe: Array<() => void> = [];
	private notifyTimer: NodeJS.Timeout | null = null;
	private historyTimer: NodeJS.Timeout | null = null;
	private countsTimer: NodeJS.Timeout | null = null;
	private readonly runLimit: number;
	private readonly promptLimit: number;
	private readonly notifyMs: number;
	private readonly historyLimit: number;
	private closed = false;
	/** Last status seen per run, to tell status changes from other updates. */
	private readonly statuses = new Map<string, RunStatus>();

	constructor(
		private readonly service: WorkflowService,
		private readonly notice: Notice = () => {},
		options: LiveDataOptions = {},
	) {
		this.runLimit = options.runLimit ?? 500;
		this.promptLimit = options.promptLimit ?? 1000;
		this.notifyMs = options.notifyMs ?? 50;
		this.historyLimit = options.historyLimit ?? 1000;
	}

	readonly subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	};

	readonly getSnapshot = (): LiveSnapshot => this.snapshot;

	/**
	 * Reads what the first frame shows (prompts, newest runs) and starts listening. What needs
	 * every run (counts by status, durations for ETAs) is read just after, so a big store does not
	 * hold up the first frame.
	 */
	start(): void {
		const events = this.service.events;
		this.unsubscribe.push(
			events.on('run-created', run => this.onRun(run)),
			events.on('run-updated', run => this.onRun(run)),
			events.on('run-deleted', ({id}) => {
				this.statuses.delete(id);
				this.set({runs: this.snapshot.runs.filter(row => row.id !== id)});
				this.scheduleCounts();
			}),
			events.on('prompt-changed', ({id, prompt}) => this.onPromptChanged(id, prompt)),
			events.on('queue-changed', ({table, id}) => {
				if (table === 'sweeps' && this.snapshot.sweeps[id]) this.set({sweeps: this.withSweeps(this.snapshot.runs, id)});
			}),
			// What a dispatcher in this process has to say (a host that stopped answering).
			events.on('notice', ({message}) => this.notice(message, 'error')),
		);
		this.readViews();
		this.historyTimer = setTimeout(() => {
			this.historyTimer = null;
			if (!this.closed) this.readHistory();
		}, 0);
	}

	/** Prompts, runs in view, counts and durations, read again from the store. */
	reload(): void {
		this.readViews();
		this.readHistory();
	}

	private readViews(): void {
		const prompts = this.service.listPrompts({limit: this.promptLimit});
		const runs = this.readRuns(this.snapshot.runPromptId);
		for (const run of runs) this.statuses.set(run.id, run.status);
		this.set({prompts, runs, sweeps: this.withSweeps(runs)});
	}

	private readHistory(): void {
		const history = this.service.listRuns({status: 'success', limit: this.historyLimit});
		for (const run of history) if (!this.statuses.has(run.id)) this.statuses.set(run.id, run.status);
		this.set({durations: history.flatMap(run => durationSample(run) ?? []), counts: this.service.countRunsByStatus()});
	}

	/** Shows all runs (null) or one prompt's. */
	showRunsOf(promptId: string | null): void {
		if (promptId === this.snapshot.runPromptId) return;
		const runs = this.readRuns(promptId);
		for (const run of runs) this.statuses.set(run.id, run.status);
		this.set({runPromptId: promptId, runs, sweeps: this.withSweeps(runs)});
	}

	close(): void {
		this.closed = true;
		for (const stop of this.unsubscribe) stop();
		for (const timer of [this.notifyTimer, this.countsTimer, this.historyTimer]) if (timer) clearTimeout(timer);
		this.listeners.clear();
	}

	private readRuns(promptId: string | null): RunRow[] {
		if (promptId) {
			const prompt = this.service.getPromptOrNull(promptId);
			return this.service.listRuns({promptId, limit: this.runLimit}).map(run => ({...run, promptName: prompt?.name ?? run.prompt_id}));
		}
		return this.service.listRunsWithPrompts({limit: this.runLimit}).map(({prompt, ...run}) => ({...run, promptName: prompt.name}));
	}

	private promptName(promptId: string): string {
		return (this.snapshot.prompts.find(prompt => prompt.id === promptId) ?? this.service.getPromptOrNull(promptId))?.name ?? promptId;
	}

	private onRun(run: Run): void {
		const before = this.statuses.get(run.id);
		this.statuses.set(run.id, run.status);
		const update: Partial<LiveSnapshot> = {};
		if (before !== run.status) {
			this.scheduleCounts();
			// A run seen going to success adds to the ETA history (once: its status is now known).
			const sample = run.status === 'success' ? durationSample(run) : null;
			if (sample) update.durations = [...this.snapshot.durations, sample];
			if (before !== undefined && isActive(before) && !isActive(run.status)) this.announceEnd(run);
		}
		const runs = this.withRun(run);
		if (runs) {
			update.runs = runs;
			if (run.sweep_id && !this.snapshot.sweeps[run.sweep_id]) update.sweeps = this.withSweeps(runs);
		}
		if (Object.keys(update).length > 0) this.set(update);
	}

	/** A run seen ending: said in the bar (the worker that ran it is another process). */
	private announceEnd(run: Run): void {
		if (run.status === 'failed') this.notice(`${run.id} failed: ${run.error_message ?? run.failure_kind ?? 'see its log'}`, 'error');
		else if (run.status === 'success') this.notice(`${run.id} finished`, 'info');
		else this.notice(`${run.id} ${run.error_message ?? 'cancelled'}`, 'info');
	}

	/** The sweeps cache with every sweep of `runs` in it (`reload`: read that one again). */
	private withSweeps(runs: readonly Run[], reload?: string): Readonly<Record<string, Sweep>> {
		const sweeps: Record<string, Sweep> = {};
		for (const run of runs) {
			const id = run.sweep_id;
			if (id === null || sweeps[id]) continue;
			const known = id === reload ? undefined : this.snapshot.sweeps[id];
			const sweep = known ?? this.readSweep(id);
			if (sweep) sweeps[id] = sweep;
		}
		return sweeps;
	}

	private readSweep(id: string): Sweep | null {
		try {
			return this.service.getSweepWithRuns(id).sweep;
		} catch (error) {
			if (error instanceof NotFoundError) return null;
			throw error;
		}
	}

	/** The runs in view with this run put in (or updated), or null if it is not in view. */
	private withRun(run: Run): RunRow[] | null {
		const {runPromptId, runs} = this.snapshot;
		if (runPromptId !== null && run.prompt_id !== runPromptId) return null;
		const at = runs.findIndex(existing => existing.id === run.id);
		const row: RunRow = {...run, promptName: at === -1 ? this.promptName(run.prompt_id) : runs[at]!.promptName};
		const next = runs.slice();
		if (at !== -1) {
			next[at] = row;
			return next;
		}
		// Newest first: insert in created_at order (almost always at the top).
		let index = 0;
		while (index < next.length && next[index]!.created_at > row.created_at) index++;
		if (index >= this.runLimit) return null;
		next.splice(index, 0, row);
		if (next.length > this.runLimit) next.pop();
		return next;
	}

	private onPromptChanged(id: string, prompt: Prompt | null): void {
		const others = this.snapshot.prompts.filter(existing => existing.id !== id);
		if (!prompt) {
			this.set({prompts: others});
			return;
		}
		let index = 0;
		while (index < others.length && others[index]!.created_at > prompt.created_at) index++;
		const prompts = [...others.slice(0, index), prompt, ...others.slice(index)];
		const runs = this.snapshot.runs.map(run => (run.prompt_id === id && run.promptName !== prompt.name ? {...run, promptName: prompt.name} : run));
		this.set({prompts, runs});
	}

	/** Counting by status reads every run; coalesce bursts of status changes into one count. */
	private scheduleCounts(): void {
		this.countsTimer ??= setTimeout(() => {
			this.countsTimer = null;
			if (!this.closed) this.set({counts: this.service.countRunsByStatus()});
		}, COUNTS_DELAY_MS);
	}

	private set(update: Partial<LiveSnapshot>): void {
		this.snapshot = {...this.snapshot, ...update};
		this.notify();
	}

	private notify(): void {
		this.notifyTimer ??= setTimeout(() => {
			this.notifyTimer = null;
			for (const listener of this.listeners) listener();
		}, this.notifyMs);
	}
}

/** One line for the user: UserError messages as they are, anything else with its name. */
export function messageOf(error: unknown): string {
	if (error instanceof Error) {
		const first = error.message.split('\n')[0] ?? '';
		return error instanceof UserError ? first : `${error.name}: ${first}`;
	}
	return String(error);
}
