// Terminal-safe rendering of text we did not write ourselves: GPU host output, and stored prompt
// text, names and ids. Shared by the CLI (every Output write) and the UI.
// Remote output can carry escape sequences that move the cursor, clear the screen, set the window
// title, write the clipboard (OSC 52) or hide links (OSC 8). Only colour and style (SGR,
// `ESC [ digits;... m`) survive; everything else that could drive the terminal is removed.
//
// Decisions:
// - Tabs are expanded to spaces up to the next multiple of 8 columns, because Ink measures a tab
//   as zero width while the terminal jumps to the next tab stop, which breaks the layout.
// - Newlines are removed unless keepNewlines is set: callers render one line at a time.
// - A string that leaves a colour or style on gets `ESC[0m` at its end, so it cannot bleed into
//   whatever Ink draws next.
// - The C1 introducers (U+009B CSI, U+009D OSC, U+0090 DCS, ...) are treated like their ESC
//   forms, so their parameters and payloads go too, not only the introducer.
// - Bidirectional controls (U+202A-U+202E embeddings/overrides, U+2066-U+2069 isolates, U+200E/
//   U+200F marks, U+061C) are removed: an override can make text read differently from what it is
//   (a "Trojan Source" trick), and a terminal line has no use for them. stripAnsi keeps them.
import stringWidth from 'string-width';

const ESC = 0x1b;
const BEL = 0x07;
const CAN = 0x18;
const SUB = 0x1a;
const ST_C1 = 0x9c;
const RESET = '\u001B[0m';
const TAB_WIDTH = 8;
/** Longer SGR parameter lists are not real styling; drop them rather than pass them on. */
const MAX_SGR_PARAMS = 64;

type Handlers = {
	text(text: string): void;
	sgr(sequence: string, params: string): void;
	/** A C0 control character, DEL or bidi control outside any escape sequence. */
	control(char: string): void;
};


/** CSI body from `start` (after `ESC [` or U+009B). Returns the index after the sequence. */
function consumeCsi(s: string, introStart: number, start: number, allowSgr: boolean, handlers: Handlers): number {
	let i = start;
	while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x3f) i++;
	const paramsEnd = i;
	while (i < s.length && s.charCodeAt(i) >= 0x20 && s.charCodeAt(i) <= 0x2f) i++;
	const final = s.charCodeAt(i);
	// Anything else (end of text, a control, a non-ASCII char) ends the sequence unfinished: drop
	// what was read and let the main loop deal with the character that stopped it.
	if (!(final >= 0x40 && final <= 0x7e)) return i;
	const params = s.slice(start, paramsEnd);
	if (allowSgr && final === 0x6d && paramsEnd === i && params.length <= MAX_SGR_PARAMS && /^[0-9;]*$/.test(params)) {
		handlers.sgr(s.slice(introStart, i + 1), params);
	}
	return i + 1;
}

/** OSC, DCS, SOS, PM and APC payloads: skip to the string terminator. */
function consumeString(s: string, start: number): number {
	for (let i = start; i < s.length; i++) {
		const code = s.charCodeAt(i);
		if (code === BEL || code === ST_C1 || code === CAN || code === SUB) return i + 1;
		if (code === ESC) return s.charCodeAt(i + 1) === 0x5c ? i + 2 : i; // ESC \ ends it; another ESC starts a new sequence
	}
	return s.length; // unterminated: the rest of the text is payload
}

/** One escape or control sequence at `i`. Returns the index after it. */
function consumeSequence(s: string, i: number, handlers: Handlers): number {
	const code = s.charCodeAt(i);
	if (code === ESC) {
		const next = s.charCodeAt(i + 1);
		if (next === 0x5b) return consumeCsi(s, i, i + 2, true, handlers); // [
		if (next === 0x5d || next === 0x50 || next === 0x58 || next === 0x5e || next === 0x5f) return consumeString(s, i + 2); // ] P X ^ _
		if (next >= 0x20 && next <= 0x2f) {
			// nF sequences such as ESC ( B: intermediates, then one final byte.
			let j = i + 1;
			while (j < s.length && s.charCodeAt(j) >= 0x20 && s.charCodeAt(j) <= 0x2f) j++;
			const final = s.charCodeAt(j);
			return final >= 0x30 && final <= 0x7e ? j + 1 : j;
		}
		if (next >= 0x30 && next <= 0x7e) return i + 2; // ESC 7, ESC c, ESC M, ...
		return i + 1; // a lone ESC
	}
	if (code >= 0x80 && code <= 0x9f) {
		if (code === 0x9b) return consumeCsi(s, i, i + 1, false, handlers);
		if (code === 0x9d || code === 0x90 || code === 0x98 || code === 0x9e || code === 0x9f) return consumeString(s, i + 1);
		return i + 1;
	}
	handlers.control(s[i]!);
	return i + 1;
}

/** Like NEEDS_WORK, without the newline: for callers that keep newlines as text. */
const NEEDS_WORK_BUT_NEWLINE = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** With newlinesAsText, a newline is part of the text (one handler call per block, not per line). */
function tokenize(s: string, handlers: Handlers, newlinesAsText = false): void {
	let textStart = 0;
	let i = 0;
	// The regex engine finds the next character that is not plain text: a 100 MB log is mostly
	// plain, and a loop over every character in JavaScript costs seconds.
	const special = newlinesAsText ? NEEDS_WORK_BUT_NEWLINE : NEEDS_WORK_GLOBAL;
	while (i < s.length) {
		special.lastIndex = i;
		const found = special.exec(s);
		if (found === null) break;
		i = found.index;
		if (i > textStart) handlers.text(s.slice(textStart, i));
		i = consumeSequence(s, i, handlers);
		textStart = i;
	}
	if (s.length > textStart) handlers.text(s.slice(textStart));
}

/** Whether styling is still on after an SGR with these parameters. */
function sgrLeavesOpen(params: string, wasOpen: boolean): boolean {
	const parts = params.split(';');
	let open = wasOpen;
	for (let k = 0; k < parts.length; k++) {
		const part = parts[k]!;
		if (part === '' || Number(part) === 0) {
			open = false;
		} else {
			open = true;
			// 38/48/58 take a colour argument (5;n or 2;r;g;b) whose zeros are not resets.
			if (part === '38' || part === '48' || part === '58') k += parts[k + 1] === '5' ? 2 : parts[k + 1] === '2' ? 4 : 0;
		}
	}
	return open;
}

const NEEDS_WORK = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
/** The same, for finding one after another (tokenize sets lastIndex before each search). */
const NEEDS_WORK_GLOBAL = new RegExp(NEEDS_WORK.source, 'g');

export type SanitizeOptions = {
	/** Keep `\n` (for multi-line text); by default it is removed like other controls. */
	keepNewlines?: boolean;
};

/** Remote text made safe to print: SGR styling kept, every other escape and control removed. */
export function sanitizeForTerminal(s: string, options: SanitizeOptions = {}): string {
	if (!NEEDS_WORK.test(s)) return s;
	let out = '';
	let open = false;
	let column = 0;
	/** Text since the last tab or newline, measured only when a tab needs the column. */
	let sinceTab = '';
	tokenize(s, {
		text(text) {
			out += text;
			sinceTab += text;
		},
		sgr(sequence, params) {
			out += sequence;
			open = sgrLeavesOpen(params, open);
		},
		control(char) {
			if (char === '\t') {
				// Newlines are text here (keepNewlines): the column counts from the last one.
				const newline = sinceTab.lastIndexOf('\n');
				if (newline >= 0) {
					column = 0;
					sinceTab = sinceTab.slice(newline + 1);
				}
				column += stringWidth(sinceTab);
				sinceTab = '';
				const spaces = TAB_WIDTH - (column % TAB_WIDTH);
				out += ' '.repeat(spaces);
				column += spaces;
			}
		},
	}, options.keepNewlines);
	return open ? out + RESET : out;
}

/** Remove every escape sequence (SGR included) and C1 control; other characters are left as they are. */
export function stripAnsi(s: string): string {
	if (!NEEDS_WORK.test(s)) return s;
	let out = '';
	tokenize(s, {
		text(text) {
			out += text;
		},
		sgr() {},
		control(char) {
			out += char;
		},
	}, true);
	return out;
}

/** Columns the sanitized text takes on screen (SGR zero, wide characters two). */
export function visibleWidth(s: string): number {
	return stringWidth(sanitizeForTerminal(s));
}

const graphemes = new Intl.Segmenter(undefined, {granularity: 'grapheme'});

/**
 * Sanitize, then cut to at most `width` columns, ending with `marker` when something was cut.
 * SGR sequences count as zero width, wide characters as two; an open style is closed with
 * ESC[0m before the marker, so the marker is drawn plain.
 */
export function truncateVisible(s: string, width: number, marker = '…'): string {
	const clean = sanitizeForTerminal(s);
	if (!(width > 0)) return '';
	if (stringWidth(clean) <= width) return clean;
	const safeMarker = stripAnsi(sanitizeForTerminal(marker));
	const markerWidth = stringWidth(safeMarker);
	const useMarker = markerWidth <= width;
	const budget = useMarker ? width - markerWidth : width;

	let out = '';
	let used = 0;
	let open = false;
	let full = false;
	tokenize(clean, {
		text(text) {
			if (full) return;
			for (const {segment} of graphemes.segment(text)) {
				const w = stringWidth(segment);
				if (used + w > budget) {
					full = true;
					return;
				}
				out += segment;
				used += w;
			}
		},
		sgr(sequence, params) {
			if (full) return;
			out += sequence;
			open = sgrLeavesOpen(params, open);
		},
		control() {},
	});
	return (open ? out + RESET : out) + (useMarker ? safeMarker : '');
}
