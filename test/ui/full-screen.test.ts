// The terminal modes around the UI: mouse reports on only when asked, and always off on the way out.
import test from 'ava';
import {enterFullScreen, MOUSE_OFF, MOUSE_ON} from '../../source/ui/terminal/full-screen.js';

function fakeStdout(): {stream: NodeJS.WriteStream; written: string[]} {
	const written: string[] = [];
	const stream = {
		write(text: string) {
			written.push(text);
			return true;
		},
	} as unknown as NodeJS.WriteStream;
	return {stream, written};
}

test.serial('mouse reports are turned on with the screen when asked, and off when it is restored', t => {
	const {stream, written} = fakeStdout();
	const screen = enterFullScreen(stream, () => {}, {mouse: true});
	t.true(written.join('').includes(MOUSE_ON));
	screen.restore();
	const all = written.join('');
	t.true(all.indexOf(MOUSE_OFF) > all.indexOf(MOUSE_ON));
	screen.restore();
	t.is(written.join('').split(MOUSE_OFF).length, 2, 'restored once');
});

test.serial('without the option nothing turns reports on, yet leaving still turns them off', t => {
	const {stream, written} = fakeStdout();
	const screen = enterFullScreen(stream, () => {});
	t.false(written.join('').includes(MOUSE_ON));
	screen.restore();
	t.true(written.join('').includes(MOUSE_OFF));
});

test.serial('a signal hands over to the caller, which restores: the reports go off', t => {
	const {stream, written} = fakeStdout();
	const asked: NodeJS.Signals[] = [];
	const screen = enterFullScreen(stream, signal => {
		asked.push(signal);
		screen.restore();
	}, {mouse: true});
	process.emit('SIGTERM', 'SIGTERM');
	t.deepEqual(asked, ['SIGTERM']);
	t.is(screen.signal, 'SIGTERM');
	t.true(written.join('').endsWith(`${MOUSE_OFF}\u001B[?1049l\u001B[?25h\u001B[0m`));
});
