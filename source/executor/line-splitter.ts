// Streaming log splitter. Container output arrives in arbitrary chunks; the UI and the progress
// parser want whole lines. tqdm redraws its bar with a bare `\r`, so a line keeps only what was
// written after its last redraw: a long run of bar updates collapses to the bar's final state.
//
// Rules (the same for any chunking of the same text):
// - `\n` ends a line; `\r\n` is a newline too (a `\r` right before `\n` is dropped).
// - A bare `\r` redraws: the text written after it replaces the line so far. The redraw takes
//   effect when that new text arrives, so `abc\r` followed by `\n` (or the end) still gives `abc`,
//   as a terminal would show it, and a chunk ending in `\r` decides nothing yet.
// - A line longer than maxLineLength is emitted in pieces of that length (the last may be shorter),
//   so one endless line cannot grow memory without bound.
// - A log line glued to what came before it (tqdm writes its bar on stderr without a newline, and
//   the next loguru line lands right after it) is split before its `[MM-DD HH:MM:SS|LEVEL|` prefix.

export type LineSplitter = {
	/** Feed the next piece of output; calls onLine for every line it completes. */
	push(chunk: string): void;
	/** End of stream: emit the unfinished line, if it has any text. */
	flush(): void;
	/** The unfinished line as it would show now (text after the last redraw). */
	pending(): string;
};

export type LineSplitterOptions = {
	/** Longest line kept whole, in UTF-16 code units. Default 1 MiB of text. */
	maxLineLength?: number;
};

const DEFAULT_MAX_LINE_LENGTH = 1 << 20;

const isHighSurrogate = (code: number): boolean => code >= 0xd8_00 && code <= 0xdb_ff;

/** Where a loguru record starts: `[12-02 09:44:44|INFO|`. */
const LOG_PREFIX = /\[\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?\|(?:TRACE|DEBUG|INFO|SUCCESS|WARNING|ERROR|CRITICAL)\|/g;

/** A line cut before every loguru prefix that does not start it. */
export function splitGluedLines(line: string): string[] {
	const parts: string[] = [];
	let from = 0;
	for (const match of line.matchAll(LOG_PREFIX)) {
		if (match.index === 0) continue;
		parts.push(line.slice(from, match.index));
		from = match.index;
	}
	parts.push(line.slice(from));
	return parts;
}

export function createLineSplitter(emit: (line: string) => void, options: LineSplitterOptions = {}): LineSplitter {
	const onLine = (line: string): void => {
		for (const part of splitGluedLines(line)) emit(part);
	};
	const maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
	if (!Number.isInteger(maxLineLength) || maxLineLength < 1) throw new RangeError('maxLineLength must be a positive integer');

	/** Text of the unfinished line. */
	let current = '';
	/** A `\r` was seen and no text has followed it yet: the next text replaces `current`. */
	let redraw = false;

	const append = (text: string): void => {
		if (text === '') return;
		if (redraw) {
			current = text;
			redraw = false;
		} else {
			current = current === '' ? text : current + text;
		}
		while (current.length > maxLineLength) {
			// Never cut between the two halves of a surrogate pair.
			const cut = maxLineLength > 1 && isHighSurrogate(current.charCodeAt(maxLineLength - 1)) ? maxLineLength - 1 : maxLineLength;
			onLine(current.slice(0, cut));
			current = current.slice(cut);
		}
	};

	/** Text between two newlines that holds at least one `\r`: split it into redraw steps. */
	const appendWithRedraws = (chunk: string, start: number, end: number): void => {
		let from = start;
		for (;;) {
			const cr = chunk.indexOf('\r', from);
			if (cr === -1 || cr >= end) {
				append(chunk.slice(from, end));
				return;
			}
			append(chunk.slice(from, cr));
			redraw = true;
			from = cr + 1;
		}
	};

	return {
		push(chunk: string): void {
			let start = 0;
			let nextCr = chunk.indexOf('\r');
			for (;;) {
				const newline = chunk.indexOf('\n', start);
				const end = newline === -1 ? chunk.length : newline;
				if (nextCr !== -1 && nextCr < end) {
					appendWithRedraws(chunk, start, end);
					nextCr = chunk.indexOf('\r', end);
				} else if (newline !== -1 && current === '' && !redraw && end - start <= maxLineLength) {
					// Fast path: a whole plain line inside one chunk.
					onLine(chunk.slice(start, end));
					start = newline + 1;
					continue;
				} else {
					append(chunk.slice(start, end));
				}
				if (newline === -1) return;
				onLine(current);
				current = '';
				redraw = false;
				start = newline + 1;
			}
		},
		flush(): void {
			if (current !== '') onLine(current);
			current = '';
			redraw = false;
		},
		pending(): string {
			return current;
		},
	};
}
