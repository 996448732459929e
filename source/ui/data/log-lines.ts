// A run's recent log lines: a ring of strings with their arrival times beside them. No object per
// line is kept (a flood is 10,000 lines a second); LogLine objects are made only for lines read.
import {MAX_LINE_CHARS, type LogLine, type LogSource} from '../state/log-view.js';

export class LogLines implements LogSource {
	private readonly texts: string[];
	private readonly times: Float64Array;
	/** Characters cut off very long lines, by sequence number (rare). */
	private readonly cuts = new Map<number, number>();
	private head = 0;
	private count = 0;
	private first = 0;

	constructor(readonly capacity: number) {
		if (!(capacity >= 1)) throw new RangeError('capacity must be at least 1');
		this.texts = new Array<string>(capacity);
		this.times = new Float64Array(capacity);
	}

	get startSeq(): number {
		return this.first;
	}

	get endSeq(): number {
		return this.first + this.count;
	}

	/** Adds a line; `at` is when it arrived (ms), or null for a line read back from disk. */
	push(text: string, at: number | null): void {
		const seq = this.endSeq;
		let slot: number;
		if (this.count < this.capacity) {
			slot = (this.head + this.count) % this.capacity;
			this.count++;
		} else {
			slot = this.head;
			this.head = (this.head + 1) % this.capacity;
			this.cuts.delete(this.first);
			this.first++;
		}
		if (text.length > MAX_LINE_CHARS) {
			this.cuts.set(seq, text.length - MAX_LINE_CHARS);
			text = text.slice(0, MAX_LINE_CHARS);
		}
		this.texts[slot] = text;
		this.times[slot] = at ?? Number.NaN;
	}

	at(seq: number): LogLine | undefined {
		const offset = seq - this.first;
		if (offset < 0 || offset >= this.count) return undefined;
		const slot = (this.head + offset) % this.capacity;
		const time = this.times[slot]!;
		return {text: this.texts[slot]!, at: Number.isNaN(time) ? null : time, cut: this.cuts.get(seq) ?? 0};
	}
}
