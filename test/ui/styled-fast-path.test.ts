// The plain-ASCII shortcuts in fitStyled and wrapStyled give what the general path gives.
import test from 'ava';
import {truncateVisible} from '../../source/format/sanitize.js';
import {fitStyled, wrapStyled} from '../../source/ui/text/styled.js';

function randomAscii(seed: number, length: number): string {
	let x = seed;
	let out = '';
	for (let i = 0; i < length; i++) {
		x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
		out += String.fromCharCode(32 + (x % 95));
	}
	return out;
}

test('cutting a plain ASCII line matches truncateVisible', t => {
	for (let seed = 1; seed < 200; seed++) {
		const line = randomAscii(seed, seed % 150);
		for (const width of [1, 2, 10, 79, 80, 200]) t.is(fitStyled(line, width), truncateVisible(line, width), `${seed}/${width}`);
	}
});

test('wrapping a plain ASCII line gives full rows of exactly the width, losing nothing', t => {
	for (let seed = 1; seed < 200; seed++) {
		const line = randomAscii(seed, 1 + (seed * 7) % 300);
		for (const width of [1, 7, 80]) {
			const rows = wrapStyled(line, width);
			t.is(rows.join(''), line);
			t.true(rows.slice(0, -1).every(row => row.length === width));
			t.true(rows.at(-1)!.length <= width && rows.at(-1)!.length > 0);
		}
	}
});
