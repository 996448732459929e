import test from 'ava';
import {chooseNotifyKind, notification, oscText, runEndedNotification} from '../../source/format/notify.js';

test('auto picks OSC 9 only for terminals known to show it', t => {
	t.is(chooseNotifyKind('auto', {TERM_PROGRAM: 'iTerm.app'}), 'osc9');
	t.is(chooseNotifyKind('auto', {TERM_PROGRAM: 'WezTerm'}), 'osc9');
	t.is(chooseNotifyKind('auto', {TERM_PROGRAM: 'ghostty'}), 'osc9');
	t.is(chooseNotifyKind('auto', {TERM: 'xterm-kitty'}), 'osc9');
	t.is(chooseNotifyKind('auto', {TERM: 'xterm-256color', KITTY_WINDOW_ID: '1'}), 'osc9');
	t.is(chooseNotifyKind('auto', {TERM: 'foot'}), 'osc777');
	t.is(chooseNotifyKind('auto', {TERM: 'foot-extra'}), 'osc777');
});

test('auto rings the bell when unsure: tmux, screen, VTE, Windows Terminal, urxvt, unknown', t => {
	t.is(chooseNotifyKind('auto', {TERM_PROGRAM: 'iTerm.app', TMUX: '/tmp/tmux-1/default,1,0'}), 'bell');
	t.is(chooseNotifyKind('auto', {TERM: 'foot', STY: '123.pts-0'}), 'bell');
	t.is(chooseNotifyKind('auto', {TERM: 'xterm-256color', VTE_VERSION: '7600'}), 'bell');
	t.is(chooseNotifyKind('auto', {WT_SESSION: 'abc'}), 'bell');
	t.is(chooseNotifyKind('auto', {TERM: 'rxvt-unicode-256color'}), 'bell');
	t.is(chooseNotifyKind('auto', {}), 'bell');
});

test('a mode other than auto is taken as given', t => {
	t.is(chooseNotifyKind('osc777', {TMUX: 'x'}), 'osc777');
	t.is(chooseNotifyKind('osc9', {}), 'osc9');
	t.is(chooseNotifyKind('off', {TERM_PROGRAM: 'iTerm.app'}), 'off');
	t.is(chooseNotifyKind('bell', {TERM_PROGRAM: 'iTerm.app'}), 'bell');
});

test('the sequences: bell, OSC 9, OSC 777 notify, nothing when off', t => {
	const run = {runId: 'rs_1a2b', status: 'success' as const, promptName: 'sunset-drive'};
	t.is(runEndedNotification('bell', run), '\u0007');
	t.is(runEndedNotification('osc9', run), '\u001B]9;cosmos-tui: rs_1a2b success: sunset-drive\u0007');
	t.is(runEndedNotification('osc777', run), '\u001B]777;notify;cosmos-tui;rs_1a2b success: sunset-drive\u0007');
	t.is(runEndedNotification('off', run), '');
});

test('hostile text cannot end the OSC early or smuggle a sequence in', t => {
	const hostile = 'evil\u0007\u001B]52;c;aGk=\u0007\u001B[2J\u009D0;title\u009C;more\nline\rback';
	for (const kind of ['osc9', 'osc777'] as const) {
		const sequence = notification(kind, 'cosmos-tui', hostile);
		const inner = sequence.slice(2, -1);
		t.false(/[\u0000-\u001F\u007F-\u009F]/.test(inner), `${kind}: no control inside: ${JSON.stringify(sequence)}`);
		t.true(sequence.startsWith('\u001B]') && sequence.endsWith('\u0007'));
		t.is(sequence.indexOf('\u0007'), sequence.length - 1, `${kind}: one terminator, at the end`);
	}
	// OSC 777 splits on ';': a ';' in the body must not open a third field.
	const fields = notification('osc777', 'a;b', 'c;d').slice(2, -1).split(';');
	t.deepEqual(fields, ['777', 'notify', 'a,b', 'c,d']);
});

test('OSC 9 text cannot be read as a ConEmu command, and long text is cut', t => {
	t.is(notification('osc9', '4;1', 'x'), '\u001B]9;4,1: x\u0007');
	t.is([...oscText('é'.repeat(500))].length, 200);
	t.is(oscText('  a \t\t b  '), 'a b');
});
