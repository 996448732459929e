import test from 'ava';
import stringWidth from 'string-width';
import {sanitizeForTerminal, stripAnsi, truncateVisible, visibleWidth} from '../../source/format/sanitize.js';

const ESC = '\u001B';
const BEL = '\u0007';
const ST = `${ESC}\\`;

/** After sanitizing, the only escape sequences left are SGR, and no control characters remain. */
function assertTerminalSafe(t: {true(value: boolean, message?: string): void}, text: string, label: string): void {
	const withoutSgr = text.replaceAll(/\u001B\[[0-9;]*m/g, '');
	t.true(!/[\u0000-\u001F\u007F-\u009F]/.test(withoutSgr), `${label}: ${JSON.stringify(text)}`);
}

test('plain text passes through unchanged (and is the same string)', t => {
	const s = 'hello wörld 日本 👍🏽';
	t.is(sanitizeForTerminal(s), s);
});

test('SGR colour and style sequences are kept', t => {
	const s = `${ESC}[1;31mred bold${ESC}[0m and ${ESC}[38;5;208morange${ESC}[m`;
	t.is(sanitizeForTerminal(s), s);
});

test('an SGR left open is closed at the end', t => {
	t.is(sanitizeForTerminal(`${ESC}[31mred`), `${ESC}[31mred${ESC}[0m`);
	t.is(sanitizeForTerminal(`${ESC}[38;5;0mblack`), `${ESC}[38;5;0mblack${ESC}[0m`, 'the 0 in 38;5;0 is a colour, not a reset');
	t.is(sanitizeForTerminal(`${ESC}[31mred${ESC}[0m`), `${ESC}[31mred${ESC}[0m`, 'already closed: nothing added');
	t.is(sanitizeForTerminal(`${ESC}[31;0mx`), `${ESC}[31;0mx`);
});

test('SGR-like sequences with other characters inside are removed', t => {
	t.is(sanitizeForTerminal(`a${ESC}[?25mb`), 'ab');
	t.is(sanitizeForTerminal(`a${ESC}[38:2:1:2:3mb`), 'ab', 'colon sub-parameters are not in the allowed form');
	t.is(sanitizeForTerminal(`a${ESC}[1 mb`), 'ab', 'intermediate byte');
});

test('OSC 52 (clipboard write), OSC 0 (title) and OSC 8 (hyperlink) are removed with their payload', t => {
	t.is(sanitizeForTerminal(`x${ESC}]52;c;ZWNobyBwd25lZA==${BEL}y`), 'xy');
	t.is(sanitizeForTerminal(`x${ESC}]0;evil title${ST}y`), 'xy');
	t.is(sanitizeForTerminal(`${ESC}]8;;https://evil.example/${ST}click${ESC}]8;;${ST}`), 'click');
});

test('an unterminated OSC at the end swallows the rest of the string', t => {
	t.is(sanitizeForTerminal(`safe${ESC}]52;c;ZXZpbA==`), 'safe');
	t.is(sanitizeForTerminal(`safe${ESC}]`), 'safe');
});

test('an OSC interrupted by another escape ends there, and the new sequence is handled', t => {
	t.is(sanitizeForTerminal(`a${ESC}]0;title${ESC}[31mred${ESC}[0m`), `a${ESC}[31mred${ESC}[0m`);
});

test('CSI cursor movement, erase and mode changes are removed', t => {
	const hostile = [`${ESC}[2J`, `${ESC}[H`, `${ESC}[10;20H`, `${ESC}[5A`, `${ESC}[K`, `${ESC}[?1049h`, `${ESC}[?25l`, `${ESC}[6n`, `${ESC}[>0c`, `${ESC}[3;1'~`, `${ESC}[r`, `${ESC}[1;2r`];
	for (const sequence of hostile) t.is(sanitizeForTerminal(`a${sequence}b`), 'ab', JSON.stringify(sequence));
});

test('DCS, APC, PM and SOS strings are removed', t => {
	t.is(sanitizeForTerminal(`a${ESC}P1$qm${ST}b`), 'ab', 'DCS (DECRQSS)');
	t.is(sanitizeForTerminal(`a${ESC}_Gf=100;AAAA${ST}b`), 'ab', 'APC (kitty graphics)');
	t.is(sanitizeForTerminal(`a${ESC}^privacy${ST}b`), 'ab', 'PM');
	t.is(sanitizeForTerminal(`a${ESC}Xstart of string${ST}b`), 'ab', 'SOS');
	t.is(sanitizeForTerminal(`a${ESC}Pq#0;2;0;0;0#1!10~`), 'a', 'unterminated DCS (sixel)');
});

test('single-character and nF escapes are removed', t => {
	for (const sequence of [`${ESC}c`, `${ESC}7`, `${ESC}8`, `${ESC}M`, `${ESC}=`, `${ESC}(0`, `${ESC}#8`, `${ESC} F`]) {
		t.is(sanitizeForTerminal(`a${sequence}b`), 'ab', JSON.stringify(sequence));
	}
	t.is(sanitizeForTerminal(`a${ESC}`), 'a', 'lone ESC at the end');
	t.is(sanitizeForTerminal(`a${ESC}${ESC}[2Jb`), 'ab');
});

test('8-bit C1 controls are removed, and C1 CSI/OSC take their parameters with them', t => {
	t.is(sanitizeForTerminal('a\u009B2Jb'), 'ab');
	t.is(sanitizeForTerminal('a\u009B31mb'), 'ab', 'no SGR through the 8-bit form');
	t.is(sanitizeForTerminal('a\u009D52;c;ZXZpbA==\u009Cb'), 'ab');
	t.is(sanitizeForTerminal('a\u0090payload\u009Cb'), 'ab');
	t.is(sanitizeForTerminal('a\u0085\u008D\u0084b'), 'ab', 'NEL, RI, IND');
});

test('C0 controls, DEL, \\r and \\b are removed; newlines only on request', t => {
	t.is(sanitizeForTerminal('a\u0000b\u0007c\bd\re\u007Ff\u000Bg\u000Ch'), 'abcdefgh');
	t.is(sanitizeForTerminal('one\ntwo'), 'onetwo');
	t.is(sanitizeForTerminal('one\ntwo\r\n', {keepNewlines: true}), 'one\ntwo\n');
});

test('tabs expand to the next multiple of 8 columns, counting wide characters and ignoring SGR', t => {
	t.is(sanitizeForTerminal('\tx'), '        x');
	t.is(sanitizeForTerminal('abc\tx'), 'abc     x');
	t.is(sanitizeForTerminal('abcdefgh\tx'), 'abcdefgh        x');
	t.is(sanitizeForTerminal('日本\tx'), '日本    x', 'two wide characters are four columns');
	t.is(sanitizeForTerminal(`${ESC}[31mab${ESC}[0m\tx`), `${ESC}[31mab${ESC}[0m      x`);
	t.is(sanitizeForTerminal('a\t\tb'), `a${' '.repeat(15)}b`);
	t.is(sanitizeForTerminal('abc\nd\te', {keepNewlines: true}), 'abc\nd       e', 'a newline restarts the column');
});

test('the output of hostile input never holds anything but SGR and printable text', t => {
	const samples = [
		`${ESC}]52;c;${'A'.repeat(1000)}`,
		`${ESC}[${'9'.repeat(100)}m`,
		`${ESC}[1;2;3;4;5;6;7;8;9;1;2;3;4;5;6;7;8;9;1;2;3;4;5;6;7;8;9;1;2;3;4;5;6;7;8;9mx`,
		`\u009B\u009B\u009B`,
		`${ESC}[`,
		`${ESC}[1;`,
		`${ESC}[1;\u0007m`,
		`${ESC}P${ESC}]${ESC}_${ESC}^${ESC}X`,
		'\u001B\u001B\u001B[[[mmm',
		Array.from({length: 256}, (_, code) => String.fromCharCode(code)).join(''),
	];
	for (const sample of samples) {
		const out = sanitizeForTerminal(sample);
		assertTerminalSafe(t, out, 'sanitized');
		t.is(sanitizeForTerminal(out), out, `idempotent for ${JSON.stringify(sample).slice(0, 40)}`);
	}
});

test('a 100-digit SGR is dropped rather than passed on', t => {
	t.is(sanitizeForTerminal(`a${ESC}[${'9'.repeat(100)}mb`), 'ab');
});

test('stripAnsi removes every escape sequence including SGR, and leaves other characters', t => {
	t.is(stripAnsi(`${ESC}[1;31mred${ESC}[0m\tand${ESC}]0;t${BEL} more\n`), 'red\tand more\n');
	t.is(stripAnsi('plain'), 'plain');
	t.is(stripAnsi('a\u009B2Jb'), 'ab');
});

test('visibleWidth counts what the terminal shows', t => {
	t.is(visibleWidth(`${ESC}[31m日本${ESC}[0m`), 4);
	t.is(visibleWidth(`a${ESC}]0;long title here${BEL}b`), 2);
	t.is(visibleWidth('\tx'), 9);
});

test('truncateVisible leaves short text alone', t => {
	t.is(truncateVisible('short', 10), 'short');
	t.is(truncateVisible('exact', 5), 'exact');
	t.is(truncateVisible(`${ESC}[31mred${ESC}[0m`, 3), `${ESC}[31mred${ESC}[0m`, 'SGR counts as zero width');
});

test('truncateVisible cuts to the width with a marker', t => {
	t.is(truncateVisible('abcdefghij', 5), 'abcd…');
	t.is(truncateVisible('abcdefghij', 5, '...'), 'ab...');
	t.is(truncateVisible('abcdefghij', 5, ''), 'abcde');
	t.is(stringWidth(truncateVisible('abcdefghij', 5)), 5);
});

test('truncateVisible counts wide characters as two and never splits one', t => {
	t.is(truncateVisible('日本語テキスト', 6), '日本…', '2+2 = 4 columns, a third would make 6 > 5');
	t.is(truncateVisible('a日本語', 4), 'a日…');
	t.is(truncateVisible('👍🏽👍🏽👍🏽', 5), '👍🏽👍🏽…', 'an emoji with a skin tone is one grapheme of width 2');
	for (let width = 1; width <= 12; width++) t.true(stringWidth(truncateVisible('日本語テキストab', width)) <= width, `width ${width}`);
});

test('truncateVisible closes an open style before the marker', t => {
	t.is(truncateVisible(`${ESC}[31mabcdefgh`, 4), `${ESC}[31mabc${ESC}[0m…`);
	t.is(truncateVisible(`${ESC}[31mab${ESC}[0mcdefgh`, 4), `${ESC}[31mab${ESC}[0mc…`, 'already closed before the cut: no extra reset');
});

test('truncateVisible sanitizes first', t => {
	const out = truncateVisible(`${ESC}]52;c;ZXZpbA==${BEL}${ESC}[2Jabcdefgh`, 4);
	t.is(out, 'abc…');
});

test('truncateVisible with a width of zero or less, or narrower than the marker', t => {
	t.is(truncateVisible('abc', 0), '');
	t.is(truncateVisible('abc', -1), '');
	t.is(truncateVisible('abcdef', 2, '...'), 'ab', 'the marker does not fit, so none is used');
});

test('bidirectional controls are removed (they can make text read differently from what it is)', t => {
	const bidi = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C'];
	for (const char of bidi) t.is(sanitizeForTerminal(`a${char}b`), 'ab', `U+${char.codePointAt(0)!.toString(16).toUpperCase()}`);
	t.is(sanitizeForTerminal(`${ESC}[31mfile\u202Etxt.exe${ESC}[0m`), `${ESC}[31mfiletxt.exe${ESC}[0m`, 'colours around it stay');
	t.is(sanitizeForTerminal('שלום עולם'), 'שלום עולם', 'right-to-left letters themselves are kept');
	t.is(truncateVisible('ab\u202Ecdef', 4), 'abc…');
	t.is(stripAnsi('a\u202Eb'), 'a\u202Eb', 'stripAnsi removes escapes only');
});

test('a block of many lines is sanitized as its lines one by one would be (how logs prints a million lines)', t => {
	const lines = ['plain', 'tab\there', '\u001B[31mred\u001B[0m and \u001B]0;title\u0007', 'bidi \u202Eevil', 'x\ty\tz', '', 'é€😀\t|'];
	const block = lines.join('\n');
	t.is(sanitizeForTerminal(block, {keepNewlines: true}), lines.map(line => sanitizeForTerminal(line)).join('\n'));
	t.is(stripAnsi(block), lines.map(line => stripAnsi(line)).join('\n'));
});
