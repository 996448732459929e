// Log lines per run, kept outside React: a bounded ring buffer each (the full log stays on disk),
// fed by the service's 'log' events, and announced to the view at most every flushMs (20 Hz), so
// a flood of lines costs one render per flush instead of one per line. During a flood (hundreds
// of lines per flush) it slows to 10 Hz: nobody reads that fast, and keys get the time back.
// Nothing runs while idle.
import {isActive} from '../../domain/model.js';
import type {ServiceEvents, TypedEmitter} from '../../service/events.js';
import type {LogSource} from '../state/log-view.js';
import {LogLines} from './log-lines.js';

export type LogFeed = {
	events: TypedEmitter<ServiceEvents>;
	readLogTail(id: string, lines: number): Promise<string[]>;
};

export type LogStoreOptions = {capacity?: number; flushMs?: number; floodFlushMs?: number; now?: () => number; keepSaved?: number};

/** Lines in one flush from which the log counts as flooding. */
const FLOOD_LINES = 200;

export type LogView = {
	source: LogSource;
	/** 'loading' until the saved log has been read. */
	state: 'loading' | 'ready';
	/** live: lines arrive here as the host prints them; saved: read back from the log on disk. */
	origin: 'live' | 'saved';
	error: string | null;
};

type Buffer = {
	ring: LogLines;
	state: 'loading' | 'ready';
	origin: 'live' | 'saved';
	/** Lines that arrived while the saved log was being read. */
	pending: Array<{text: string; at: number}>;
	/** The run has ended: nothing more will arrive, so the buffer may be dropped like a saved one. */
	ended: boolean;
	error: string | null;
	usedAt: number;
};

export class LogStore {
	readonly capacity: number;
	private readonly flushMs: number;
	private readonly floodFlushMs: number;
	/** Lines appended since the last flush, and in the last flush. */
	private linesSinceFlush = 0;
	private linesLastFlush = 0;
	private readonly now: () => number;
	private readonly keepSaved: number;
	private readonly buffers = new Map<string, Buffer>();
	private readonly listeners = new Set<() => void>();
	private readonly unsubscribe: Array<() => void> = [];
	private flushTimer: NodeJS.Timeout | null = null;
	private version = 0;
	private usage = 0;

	constructor(
		private readonly feed: LogFeed,
		options: LogStoreOptions = {},
	) {
		this.capacity = options.capacity ?? 5000;
		this.flushMs = options.flushMs ?? 50;
		this.floodFlushMs = options.floodFlushMs ?? 100;
		this.now = options.now ?? Date.now;
		this.keepSaved = options.keepSaved ?? 6;
		this.unsubscribe.push(
			feed.events.on('log', ({runId, line}) => this.append(runId, line)),
			feed.events.on('run-updated', run => {
				const buffer = this.buffers.get(run.id);
				if (buffer && !isActive(run.status)) buffer.ended = true;
			}),
			feed.events.on('run-deleted', ({id}) => this.buffers.delete(id)),
		);
	}

	/** For useSyncExternalStore: a number that changes when any shown log changed. */
	readonly getVersion = (): number => this.version;

	readonly subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	};

	view(runId: string): LogView | null {
		const buffer = this.buffers.get(runId);
		if (!buffer) return null;
		return {source: buffer.ring, state: buffer.state, origin: buffer.origin, error: buffer.error};
	}

	/**
	 * Makes a run's log available: live lines if we get them, else its saved log. `reload` reads
	 * a saved log again (before following a run, whose log may have grown since).
	 */
	open(runId: string, options: {reload?: boolean} = {}): Promise<void> {
		const existing = this.buffers.get(runId);
		if (existing && !(options.reload && existing.origin === 'saved' && existing.state === 'ready')) {
			existing.usedAt = ++this.usage;
			return Promise.resolve();
		}
		const buffer = this.create(runId, 'saved', 'loading');
		this.evictSaved(runId);
		return this.feed.readLogTail(runId, this.capacity).then(
			lines => {
				// Lines that arrived during the read may already be in it (the log is written in batches).
				const pending = buffer.pending.map(line => line.text);
				const fresh = buffer.pending.slice(overlap(lines, pending));
				for (const line of lines) buffer.ring.push(line, null);
				for (const line of fresh) buffer.ring.push(line.text, line.at);
				buffer.pending = [];
				buffer.state = 'ready';
				this.changed();
			},
			(error: unknown) => {
				buffer.state = 'ready';
				buffer.error = (error as Error).message;
				this.changed();
			},
		);
	}

	/**
	 * Drops a run's buffer unless the run has ended: its lines stopped arriving here (its tail was
	 * let go), so the next open must read the saved log again rather than show a gap.
	 */
	forget(runId: string): void {
		if (this.buffers.get(runId)?.ended === false) this.buffers.delete(runId);
	}

	close(): void {
		for (const stop of this.unsubscribe) stop();
		if (this.flushTimer) clearTimeout(this.flushTimer);
		this.flushTimer = null;
		this.listeners.clear();
	}

	private create(runId: string, origin: Buffer['origin'], state: Buffer['state']): Buffer {
		const buffer: Buffer = {
			ring: new LogLines(this.capacity),
			state,
			origin,
			pending: [],
			ended: false,
			error: null,
			usedAt: ++this.usage,
		};
		this.buffers.set(runId, buffer);
		return buffer;
	}

	private append(runId: string, text: string): void {
		const buffer = this.buffers.get(runId) ?? this.create(runId, 'live', 'ready');
		buffer.origin = 'live';
		if (buffer.state === 'loading') buffer.pending.push({text, at: this.now()});
		else buffer.ring.push(text, this.now());
		this.linesSinceFlush++;
		this.changed();
	}

	/** Logs of ended runs are on disk and cheap to read again; keep only the most recently used few. */
	private evictSaved(keep: string): void {
		const saved = [...this.buffers.entries()]
			.filter(([id, buffer]) => id !== keep && (buffer.origin === 'saved' || buffer.ended))
			.sort((a, b) => b[1].usedAt - a[1].usedAt);
		for (const [id] of saved.slice(this.keepSaved)) this.buffers.delete(id);
	}

	private changed(): void {
		this.version++;
		if (this.flushTimer) return;
		const delay = this.linesLastFlush >= FLOOD_LINES ? this.floodFlushMs : this.flushMs;
		this.flushTimer = setTimeout(() => {
			this.flushTimer = null;
			this.linesLastFlush = this.linesSinceFlush;
			this.linesSinceFlush = 0;
			for (const listener of this.listeners) listener();
		}, delay);
	}
}

/** How many leading items of `next` are the same as the last items of `previous`. */
export function overlap(previous: readonly string[], next: readonly string[]): number {
	for (let size = Math.min(previous.length, next.length); size > 0; size--) {
		let same = true;
		for (let i = 0; i < size && same; i++) same = previous[previous.length - size + i] === next[i];
		if (same) return size;
	}
	return 0;
}
