import test from 'ava';
import {createLineSplitter, splitGluedLines} from '../../source/executor/line-splitter.js';

function splitAll(chunks: readonly string[], maxLineLength?: number): {lines: string[]; pending: string} {
	const lines: string[] = [];
	const splitter = createLineSplitter(line => lines.push(line), maxLineLength === undefined ? {} : {maxLineLength});
	for (const chunk of chunks) splitter.push(chunk);
	const pending = splitter.pending();
	splitter.flush();
	return {lines, pending};
}

/** The rules written out one code unit at a time: slow but obviously right. */
function reference(input: string, maxLineLength = Number.POSITIVE_INFINITY): string[] {
	const lines: string[] = [];
	let current = '';
	let redraw = false;
	for (const ch of input.split('')) {
		if (ch === '\n') {
			lines.push(current);
			current = '';
			redraw = false;
		} else if (ch === '\r') {
			redraw = true;
		} else {
			current = redraw ? ch : current + ch;
			redraw = false;
			if (current.length > maxLineLength) {
				const high = current.charCodeAt(maxLineLength - 1);
				const cut = maxLineLength > 1 && high >= 0xd800 && high <= 0xdbff ? maxLineLength - 1 : maxLineLength;
				lines.push(current.slice(0, cut));
				current = current.slice(cut);
			}
		}
	}
	if (current !== '') lines.push(current);
	return lines;
}

/** Small deterministic PRNG so a failure can be replayed from its seed. */
function mulberry32(seed: number): () => number {
	let a = seed;
	return () => {
		a = (a + 0x6d_2b_79_f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

const ALPHABET = ['a', 'b', 'c', ' ', '\r', '\n', '\r\n', '\r\r', '界', '👍', '%|', '0/3'];

function randomInput(random: () => number): string {
	const length = Math.floor(random() * 40);
	let s = '';
	for (let i = 0; i < length; i++) s += ALPHABET[Math.floor(random() * ALPHABET.length)]!;
	return s;
}

function randomChunks(input: string, random: () => number): string[] {
	const chunks: string[] = [];
	let i = 0;
	while (i < input.length) {
		// Zero-length chunks are allowed: a reader may deliver them.
		const size = Math.floor(random() * 6);
		chunks.push(input.slice(i, i + size));
		i += size;
	}
	return chunks;
}

test('splits on \\n and keeps empty lines', t => {
	t.deepEqual(splitAll(['a\n\nb\n']).lines, ['a', '', 'b']);
});

test('\\r\\n is a newline', t => {
	t.deepEqual(splitAll(['one\r\ntwo\r\n']).lines, ['one', 'two']);
});

test('a tqdm bar collapses to its last state', t => {
	const bar = '\r  0%|          | 0/3 [00:00<?, ?it/s]\r 33%|███▎      | 1/3 [01:02<02:04, 62.00s/it]\r100%|██████████| 3/3 [03:06<00:00, 62.00s/it]\n';
	t.deepEqual(splitAll([bar]).lines, ['100%|██████████| 3/3 [03:06<00:00, 62.00s/it]']);
});

test('a chunk ending in \\r decides nothing until the next chunk', t => {
	t.deepEqual(splitAll(['abc\r', '\n', 'def\n']).lines, ['abc', 'def'], '\\r then \\n across chunks is a newline');
	t.deepEqual(splitAll(['abc\r', 'xyz\n']).lines, ['xyz'], '\\r then text across chunks is a redraw');
	t.deepEqual(splitAll(['abc\r', '', '\r', 'x', 'y\n']).lines, ['xy']);
});

test('a redraw takes effect only when new text arrives', t => {
	t.deepEqual(splitAll(['abc\r\r\n']).lines, ['abc']);
	t.deepEqual(splitAll(['abc\r']).lines, ['abc'], 'flush keeps the last drawn text');
	t.deepEqual(splitAll(['abc\rde']).lines, ['de'], 'the new text replaces the line (no terminal overstrike)');
});

test('pending() shows the unfinished line as drawn now', t => {
	const lines: string[] = [];
	const splitter = createLineSplitter(line => lines.push(line));
	splitter.push('done\n 10%|#');
	t.is(splitter.pending(), ' 10%|#');
	splitter.push('\r 20%|##');
	t.is(splitter.pending(), ' 20%|##');
	splitter.push('\r');
	t.is(splitter.pending(), ' 20%|##');
	t.deepEqual(lines, ['done']);
});

test('flush emits the unfinished line once and resets', t => {
	const lines: string[] = [];
	const splitter = createLineSplitter(line => lines.push(line));
	splitter.push('partial');
	splitter.flush();
	splitter.flush();
	splitter.push('\r');
	splitter.flush();
	t.deepEqual(lines, ['partial']);
	t.is(splitter.pending(), '');
});

test('an overlong line is emitted in pieces', t => {
	t.deepEqual(splitAll(['abcdefg\n'], 3).lines, ['abc', 'def', 'g']);
	t.deepEqual(splitAll(['abcdef\n'], 3).lines, ['abc', 'def'], 'exactly a multiple: no empty extra line');
	t.deepEqual(splitAll(['ab👍\n'], 3).lines, ['ab', '👍'], 'a surrogate pair is not cut in half');
});

test('maxLineLength must be a positive integer', t => {
	t.throws(() => createLineSplitter(() => undefined, {maxLineLength: 0}), {instanceOf: RangeError});
	t.throws(() => createLineSplitter(() => undefined, {maxLineLength: 1.5}), {instanceOf: RangeError});
});

test('property: any chunking gives the same lines as one push, and matches the reference rules', t => {
	const random = mulberry32(20_240_601);
	for (let iteration = 0; iteration < 3000; iteration++) {
		const input = randomInput(random);
		const whole = splitAll([input]).lines;
		t.deepEqual(whole, reference(input), `reference, input ${JSON.stringify(input)}`);
		for (let k = 0; k < 4; k++) {
			const chunks = randomChunks(input, random);
			t.deepEqual(splitAll(chunks).lines, whole, `chunks ${JSON.stringify(chunks)}`);
		}
		const oneByOne = splitAll(input.split('')).lines;
		t.deepEqual(oneByOne, whole, `one code unit at a time, input ${JSON.stringify(input)}`);
	}
});

test('property: the same holds with a small maxLineLength', t => {
	const random = mulberry32(7);
	for (let iteration = 0; iteration < 2000; iteration++) {
		const input = randomInput(random);
		const maxLineLength = 1 + Math.floor(random() * 5);
		const whole = splitAll([input], maxLineLength).lines;
		t.deepEqual(whole, reference(input, maxLineLength), `reference, max ${maxLineLength}, input ${JSON.stringify(input)}`);
		const chunks = randomChunks(input, random);
		t.deepEqual(splitAll(chunks, maxLineLength).lines, whole, `max ${maxLineLength}, chunks ${JSON.stringify(chunks)}`);
	}
});

test('a log line glued to a tqdm bar is split before its loguru prefix, however the text is chunked', t => {
	const text = '  0%|          | 0/4 [00:00<?, ?it/s][12-02 09:44:44|INFO|inference_utils.py:1089:generate_world] Starting diffusion sampling\n[12-02 09:44:45|INFO|a.py:1:b] x [12-02 09:44:45|INFO| stays inside? no\n';
	const expected = [
		'  0%|          | 0/4 [00:00<?, ?it/s]',
		'[12-02 09:44:44|INFO|inference_utils.py:1089:generate_world] Starting diffusion sampling',
		'[12-02 09:44:45|INFO|a.py:1:b] x ',
		'[12-02 09:44:45|INFO| stays inside? no',
	];
	for (const size of [1, 3, 7, text.length]) {
		const lines: string[] = [];
		const splitter = createLineSplitter(line => lines.push(line));
		for (let i = 0; i < text.length; i += size) splitter.push(text.slice(i, i + size));
		splitter.flush();
		t.deepEqual(lines, expected, `chunks of ${size}`);
	}
	t.deepEqual(splitGluedLines('[12-02 09:44:44|INFO|x] only one'), ['[12-02 09:44:44|INFO|x] only one']);
});
