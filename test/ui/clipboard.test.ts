import test from 'ava';
import {clipboardSequence, copyWithOsc52} from '../../source/ui/system/clipboard.js';

test('OSC 52 carries the text as base64 (any byte is safe inside), for the system clipboard', t => {
	const text = '/data/runs/rs_1/out\u0007put ü.mp4';
	t.is(clipboardSequence(text, {}), `\u001B]52;c;${Buffer.from(text).toString('base64')}\u0007`);
});

test('inside tmux the sequence also goes through the passthrough wrapper, its ESCs doubled', t => {
	const plain = clipboardSequence('x', {});
	t.is(clipboardSequence('x', {TMUX: '/tmp/tmux-1/default,1,0'}), `${plain}\u001BPtmux;\u001B\u001B]52;c;eA==\u0007\u001B\\`);
	const written: string[] = [];
	t.regex(copyWithOsc52(sequence => written.push(sequence), {TMUX: 'x'})('x'), /set-clipboard on/);
	t.is(copyWithOsc52(sequence => written.push(sequence), {})('x'), 'copied to the clipboard');
	t.is(written.length, 2);
});
