// The SGR mouse report reader: wheel notches and left clicks out, everything else a mouse sends
// dropped, keys left as text, reports split across chunks put back together.
import test from 'ava';
import {createMouseReader, decodeReport, readMouse} from '../../source/ui/input/mouse.js';

const report = (button: number, x: number, y: number, final = 'M') => `\u001B[<${button};${x};${y}${final}`;

test('wheel up and down, and a left press, with 0-based positions', t => {
	t.deepEqual(readMouse('', report(64, 10, 5)), {events: [{kind: 'wheel', direction: -1, column: 9, row: 4}], text: '', pending: ''});
	t.deepEqual(readMouse('', report(65, 1, 1)).events, [{kind: 'wheel', direction: 1, column: 0, row: 0}]);
	t.deepEqual(readMouse('', report(0, 3, 7)).events, [{kind: 'click', column: 2, row: 6}]);
	t.deepEqual(readMouse('', report(16 + 65, 2, 2)).events, [{kind: 'wheel', direction: 1, column: 1, row: 1}], 'ctrl+wheel is still the wheel');
});

test('releases, motion, the middle and right buttons and sideways wheels are dropped', t => {
	for (const [button, final] of [[0, 'm'], [32, 'M'], [35, 'M'], [1, 'M'], [2, 'M'], [66, 'M'], [67, 'M']] as const) {
		t.deepEqual(readMouse('', report(button, 4, 4, final)), {events: [], text: '', pending: ''}, `${button}${final}`);
	}
	t.is(decodeReport(0, 1, 1, false), null);
});

test('several reports in one chunk, with keys between them kept as text', t => {
	const read = readMouse('', `j${report(64, 2, 3)}${report(64, 2, 3)}k${report(0, 5, 6)}${report(0, 5, 6, 'm')}\u001B`);
	t.deepEqual(read.events.map(event => event.kind), ['wheel', 'wheel', 'click']);
	t.is(read.text, 'jk\u001B', 'a lone Esc at the end is the Esc key, not a report cut short');
	t.is(read.pending, '');
});

test('a report split across chunks is put back together, and never leaks as text', t => {
	const reader = createMouseReader();
	const first = reader.push('\u001B[<64;1');
	t.deepEqual(first, {events: [], text: ''});
	t.deepEqual(reader.push('0;5M'), {events: [{kind: 'wheel', direction: -1, column: 9, row: 4}], text: ''});
	t.deepEqual(reader.push('\u001B[<'), {events: [], text: ''});
	t.deepEqual(reader.push('0;2;'), {events: [], text: ''});
	t.deepEqual(reader.push('2Mab'), {events: [{kind: 'click', column: 1, row: 1}], text: 'ab'});
	reader.push('\u001B[<65;3');
	t.deepEqual(reader.push('j'), {events: [], text: 'j'}, 'held bytes that turn out to be no report are dropped, the key kept');
	t.deepEqual(reader.push('[<64;10;5M'), {events: [], text: '[<64;10;5M'}, 'typed text without the ESC is text');
});
