// Operations on text that sanitizeForTerminal has already cleaned, so the only escape sequences
// left are SGR (`ESC [ params m`): wrapping to a width, and highlighting matches of a filter.
// Colours survive both: a wrapped row re-opens the styles that were on where it starts.
import stringWidth from 'string-width';
import {truncateVisible} from '../../format/sanitize.js';

const SGR = /\u001B\[[0-9;]*m/g;
const RESET = '\u001B[0m';
const HIGHLIGHT_ON = '\u001B[7m';
const HIGHLIGHT_OFF = '\u001B[27m';

type Token = {sgr: string} | {text: string};

function tokens(s: string): Token[] {
	const out: Token[] = [];
	let last = 0;
	for (const match of s.matchAll(SGR)) {
		if (match.index > last) out.push({text: s.slice(last, match.index)});
		out.push({sgr: match[0]});
		last = match.index + match[0].length;
	}
	if (last < s.length) out.push({text: s.slice(last)});
	return out;
}

const isReset = (sgr: string) => sgr === '\u001B[m' || sgr === RESET;
/** Most log text: one column per character, no need to measure graphemes. */
const PRINTABLE_ASCII = /^[\u0020-\u007E]*$/;
const graphemes = new Intl.Segmenter(undefined, {granularity: 'grapheme'});

/** SGR parameters that set a colour: 30-37 39 40-47 49 90-97 100-107 59 (38, 48 and 58 take more). */
const isColorParameter = (n: number) => (n >= 30 && n <= 49) || (n >= 90 && n <= 107) || n === 59;

/**
 * Text with the colours taken out of its SGR sequences, attributes (bold, dim, inverse,
 * underline, resets) kept: what NO_COLOR asks of the host's coloured log lines.
 */
export function dropColors(s: string): string {
	if (!s.includes('\u001B')) return s;
	return s.replaceAll(SGR, sequence => {
		const parameters = sequence.slice(2, -1).split(';').map(part => (part === '' ? 0 : Number(part)));
		const kept: number[] = [];
		for (let at = 0; at < parameters.length; at++) {
			const n = parameters[at]!;
			if (n === 38 || n === 48 || n === 58) {
				// 38;5;n or 38;2;r;g;b: skip the colour's own parameters.
				at += parameters[at + 1] === 5 ? 2 : parameters[at + 1] === 2 ? 4 : 0;
				continue;
			}
			if (!isColorParameter(n)) kept.push(n);
		}
		return kept.length === 0 ? '' : `\u001B[${kept.join(';')}m`;
	});
}

/** Text without its SGR sequences. */
export function plainText(s: string): string {
	return s.includes('\u001B') ? s.replaceAll(SGR, '') : s;
}

/** Rows of at most `width` columns. Wide characters are never split; styles carry over. */
export function wrapStyled(s: string, width: number): string[] {
	if (width <= 0) return [''];
	if (!s.includes('\u001B') && s.length <= width && stringWidth(s) <= width) return [s];
	if (PRINTABLE_ASCII.test(s)) {
		// Plain ASCII (the common log line): one column a character, so rows are slices.
		const rows: string[] = [];
		for (let at = 0; at < s.length; at += width) rows.push(s.slice(at, at + width));
		return rows;
	}
	const rows: string[] = [];
	let row = '';
	let used = 0;
	/** SGR sequences since the last reset: what a new row must re-open. */
	let active: string[] = [];
	const breakRow = () => {
		rows.push(active.length > 0 ? row + RESET : row);
		row = active.join('');
		used = 0;
	};
	for (const token of tokens(s)) {
		if ('sgr' in token) {
			row += token.sgr;
			active = isReset(token.sgr) ? [] : [...active, token.sgr];
			continue;
		}
		if (PRINTABLE_ASCII.test(token.text)) {
			let rest = token.text;
			while (rest.length > 0) {
				if (used >= width) breakRow();
				const take = rest.slice(0, width - used);
				row += take;
				used += take.length;
				rest = rest.slice(take.length);
			}
			continue;
		}
		for (const {segment} of graphemes.segment(token.text)) {
			const w = stringWidth(segment);
			if (used + w > width && used > 0) breakRow();
			row += segment;
			used += w;
		}
	}
	rows.push(row);
	return rows;
}

/** Sanitized text cut to `width` columns with a marker, measuring only when it might not fit. */
export function fitStyled(s: string, width: number, marker = '…'): string {
	const plain = plainText(s);
	if (PRINTABLE_ASCII.test(plain)) {
		if (plain.length <= width) return s;
		// Plain ASCII (the common log line): one column a character, so cutting is a slice.
		if (plain === s && marker === '…' && width >= 1) return `${s.slice(0, width - 1)}…`;
	}
	return truncateVisible(s, width, marker);
}

/** Case-insensitive unless the needle has a capital letter (smart case, as in less and vim). */
export function matchesNeedle(haystack: string, needle: string): boolean {
	if (needle === '') return true;
	return needle === needle.toLowerCase() ? haystack.toLowerCase().includes(needle) : haystack.includes(needle);
}

/** Wraps every match of `needle` (smart case) in reverse video, keeping the text's own colours. */
export function highlightMatches(s: string, needle: string): string {
	if (needle === '') return s;
	const plain = plainText(s);
	const caseless = needle === needle.toLowerCase();
	const haystack = caseless ? plain.toLowerCase() : plain;
	// Match ranges in plain-text offsets (toLowerCase keeps lengths for the scripts in logs).
	const ranges: Array<[number, number]> = [];
	for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) {
		ranges.push([at, at + needle.length]);
	}
	if (ranges.length === 0 || haystack.length !== plain.length) return s;
	let out = '';
	let offset = 0;
	let range = 0;
	let inside = false;
	for (const token of tokens(s)) {
		if ('sgr' in token) {
			// A reset inside a match would end the highlight with it: turn it back on.
			out += token.sgr + (inside && isReset(token.sgr) ? HIGHLIGHT_ON : '');
			continue;
		}
		for (const character of token.text) {
			const current = ranges[range];
			if (!inside && current && offset === current[0]) {
				out += HIGHLIGHT_ON;
				inside = true;
			}
			out += character;
			offset += character.length;
			if (inside && current && offset >= current[1]) {
				out += HIGHLIGHT_OFF;
				inside = false;
				range++;
			}
		}
	}
	return inside ? out + HIGHLIGHT_OFF : out;
}
