// The log pane's view model, pure: which lines are on screen, how they look (sanitized, cut or
// wrapped, matches highlighted, timestamps), and how follow / pause / filter / match moves change.
// Lines are addressed by sequence number (RingBuffer), so a paused view stays on the same text
// while new lines arrive and old ones fall off.
import {SHARED_LOG_MARK} from '../../domain/batch.js';
import {sanitizeForTerminal} from '../../format/sanitize.js';
import {fitStyled, highlightMatches, matchesNeedle, plainText, wrapStyled} from '../text/styled.js';

export type LogLine = {
	/** As received (escape sequences included); cut to MAX_LINE_CHARS. */
	text: string;
	/** When it arrived (ms since epoch); null for lines read back from the saved log. */
	at: number | null;
	/** Characters cut off the end of a very long line. */
	cut: number;
};

/** What the view reads: a window of numbered lines (a RingBuffer fits). */
export type LogSource = {startSeq: number; endSeq: number; at(seq: number): LogLine | undefined};

/** The lines the view walks through: all of them, or the ones matching the filter. */
export type LineIndex = {
	readonly length: number;
	seqAt(index: number): number;
	/** Index of the first line with a sequence number >= seq (length when none). */
	indexAtOrAfter(seq: number): number;
};

export type LogViewState = {
	follow: boolean;
	/** First line on screen while paused. */
	top: number;
	wrap: boolean;
	timestamps: boolean;
	filter: string;
	/** The current match (n / N), a sequence number. */
	match: number | null;
};

export const INITIAL_LOG_VIEW: LogViewState = {follow: true, top: 0, wrap: false, timestamps: false, filter: '', match: null};

/** Longer lines are cut when they arrive (a 90,000-character progress line froze lazydocker). */
export const MAX_LINE_CHARS = 4000;
const TIMESTAMP_WIDTH = 9;

export type LogRow = {key: string; seq: number; text: string; current: boolean};

export type LogWindow = {
	rows: LogRow[];
	/** Index (in the LineIndex) of the first and last line on screen; -1 when empty. */
	firstIndex: number;
	lastIndex: number;
	height: number;
	/** Whether the newest line is on screen. */
	atEnd: boolean;
	total: number;
};

export function logLine(text: string, at: number | null): LogLine {
	return text.length > MAX_LINE_CHARS
		? {text: text.slice(0, MAX_LINE_CHARS), at, cut: text.length - MAX_LINE_CHARS}
		: {text, at, cut: 0};
}

export function allLines(source: LogSource): LineIndex {
	const {startSeq, endSeq} = source;
	return {
		length: endSeq - startSeq,
		seqAt: index => startSeq + index,
		indexAtOrAfter: seq => Math.min(endSeq - startSeq, Math.max(0, seq - startSeq)),
	};
}

/** The lines matching a filter, as sorted sequence numbers. */
export type FilterIndex = LineIndex & {filter: string; startSeq: number; endSeq: number; seqs: readonly number[]};

/**
 * Lines matching `filter` (smart case, colours ignored). Given the previous index for the same
 * filter, only lines that arrived since are tested, and lines that fell off are dropped.
 */
export function filterLines(source: LogSource, filter: string, previous: FilterIndex | null = null): FilterIndex {
	const reuse = previous && previous.filter === filter && previous.endSeq >= source.startSeq && previous.endSeq <= source.endSeq;
	const seqs = reuse ? previous.seqs.filter(seq => seq >= source.startSeq) : [];
	for (let seq = reuse ? previous.endSeq : source.startSeq; seq < source.endSeq; seq++) {
		const line = source.at(seq);
		if (line && matchesNeedle(plainText(sanitizeForTerminal(line.text)), filter)) seqs.push(seq);
	}
	return {
		filter,
		startSeq: source.startSeq,
		endSeq: source.endSeq,
		seqs,
		length: seqs.length,
		seqAt: index => seqs[index]!,
		indexAtOrAfter(seq) {
			let low = 0;
			let high = seqs.length;
			while (low < high) {
				const middle = (low + high) >> 1;
				if (seqs[middle]! < seq) low = middle + 1;
				else high = middle;
			}
			return low;
		},
	};
}

function formatTime(at: number | null): string {
	if (at === null) return '--:--:-- ';
	const d = new Date(at);
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} `;
}

/** One log line as screen rows: sanitized, highlighted, then wrapped or cut to the width. */
export function renderLine(line: LogLine, state: LogViewState, width: number): string[] {
	const prefix = state.timestamps ? `\u001B[2m${formatTime(line.at)}\u001B[22m` : '';
	const room = Math.max(1, width - (state.timestamps ? TIMESTAMP_WIDTH : 0));
	let text = highlightMatches(sanitizeForTerminal(line.text), state.filter);
	// A batch's shared line (the model loading) is marked as not this run's own.
	if (line.text.startsWith(SHARED_LOG_MARK)) text = `\u001B[36m${SHARED_LOG_MARK.trimEnd()}\u001B[39m${text.slice(SHARED_LOG_MARK.trimEnd().length)}`;
	if (line.cut > 0) text += ` \u001B[2m…(+${line.cut} chars cut)\u001B[22m`;
	if (!state.wrap) return [prefix + fitStyled(text, room)];
	const indent = state.timestamps ? ' '.repeat(TIMESTAMP_WIDTH) : '';
	return wrapStyled(text, room).map((row, i) => (i === 0 ? prefix : indent) + row);
}

/** The rows on screen for a pane of `height` rows and `width` columns. */
export function logWindow(source: LogSource, index: LineIndex, state: LogViewState, width: number, height: number): LogWindow {
	const total = index.length;
	const empty = {rows: [], firstIndex: -1, lastIndex: -1, height, atEnd: true, total};
	if (total === 0 || height <= 0) return empty;
	const rowsOf = (i: number): LogRow[] => {
		const seq = index.seqAt(i);
		const line = source.at(seq);
		if (!line) return [];
		const current = state.match === seq;
		return renderLine(line, state, width).map((text, part) => ({key: `${seq}:${part}`, seq, text, current}));
	};

	const fromBottom = (last: number): LogWindow => {
		const rows: LogRow[] = [];
		let first = last + 1;
		while (first > 0 && rows.length < height) {
			first--;
			rows.unshift(...rowsOf(first));
		}
		// A wrapped line taller than what is left shows its last rows.
		return {rows: rows.slice(Math.max(0, rows.length - height)), firstIndex: first, lastIndex: last, height, atEnd: last === total - 1, total};
	};

	if (state.follow) return fromBottom(total - 1);
	const start = Math.min(index.indexAtOrAfter(state.top), total - 1);
	const rows: LogRow[] = [];
	let last = start - 1;
	while (last < total - 1 && rows.length < height) {
		last++;
		rows.push(...rowsOf(last));
	}
	// Paused near the end with room to spare: show a full screen ending at the newest line.
	if (rows.length < height && start > 0) return fromBottom(total - 1);
	return {rows: rows.slice(0, height), firstIndex: start, lastIndex: last, height, atEnd: last === total - 1, total};
}

export type LogViewAction =
	| {type: 'scroll'; lines: number}
	| {type: 'top'}
	| {type: 'bottom'}
	| {type: 'toggle-wrap'}
	| {type: 'toggle-timestamps'}
	| {type: 'filter'; filter: string}
	| {type: 'match'; direction: 1 | -1}
	| {type: 'reset'};

/**
 * The next view state. `index` and `window` are what is on screen now: scrolling up from
 * following starts from the first visible line; scrolling down onto the newest line follows again.
 */
export function reduceLogView(state: LogViewState, action: LogViewAction, index: LineIndex, window: LogWindow): LogViewState {
	switch (action.type) {
		case 'scroll': {
			if (index.length === 0 || window.firstIndex < 0) return state;
			if (action.lines < 0) {
				if (window.firstIndex === 0 && state.follow) return state; // everything fits: nothing to scroll to
				const first = Math.max(0, window.firstIndex + action.lines);
				return {...state, follow: false, top: index.seqAt(first)};
			}
			if (state.follow) return state;
			if (window.lastIndex + action.lines >= index.length - 1) return {...state, follow: true, match: null};
			return {...state, top: index.seqAt(Math.min(index.length - 1, window.firstIndex + action.lines))};
		}
		case 'top':
			return index.length === 0 ? state : {...state, follow: false, top: index.seqAt(0)};
		case 'bottom':
			return {...state, follow: true, match: null};
		case 'toggle-wrap':
			return {...state, wrap: !state.wrap};
		case 'toggle-timestamps':
			return {...state, timestamps: !state.timestamps};
		case 'filter':
			return {...state, filter: action.filter, match: null};
		case 'match':
			return moveMatch(state, action.direction, index, window);
		case 'reset':
			return {...state, follow: true, top: 0, match: null};
	}
}

function moveMatch(state: LogViewState, direction: 1 | -1, index: LineIndex, window: LogWindow): LogViewState {
	if (state.filter === '' || index.length === 0) return state;
	const next =
		state.match === null
			? // Start from the screen: n takes the first line shown, N the last one.
				Math.max(0, direction > 0 ? window.firstIndex : window.lastIndex)
			: // Wraps around at either end, like less.
				(index.indexAtOrAfter(state.match) + direction + index.length) % index.length;
	const onScreen = next >= window.firstIndex && next <= window.lastIndex;
	// The screen stays put when the match is on it; otherwise the match goes to mid-screen.
	const top = index.seqAt(Math.max(0, onScreen ? window.firstIndex : next - Math.floor(window.height / 2)));
	return {...state, follow: false, match: index.seqAt(next), top};
}

/**
 * The pane title's state words: following or paused (for a run that goes on; "ended" once it has),
 * the filter's match count, and wrap and timestamps ("times") when on.
 */
export function describeLogView(state: LogViewState, window: LogWindow, live = true): string {
	const where = state.follow ? (live ? 'following' : 'at the end') : window.atEnd ? `paused at the end${live ? ' (G follows)' : ''}` : `paused (G ${live ? 'follows' : 'goes to the end'})`;
	const parts = [live ? where : `ended · ${where}`];
	// The filter first: when the title is cut, the toggles (shown in the bar too) go first.
	if (state.filter !== '') parts.push(`filter "${state.filter}": ${window.total} line${window.total === 1 ? '' : 's'}`);
	if (state.wrap) parts.push('wrap');
	if (state.timestamps) parts.push('times');
	return parts.join(' · ');
}
