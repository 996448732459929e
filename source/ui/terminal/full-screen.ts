// The alternate screen for the UI's lifetime, and the terminal given back on every way out:
// a normal quit, an error thrown in the UI, an uncaught error anywhere, SIGINT and SIGTERM.
// (Ink 6 has no alternateScreen option: we write the sequences ourselves, before the first frame.)
// With the mouse on, the terminal reports clicks and the wheel (SGR reports, read by
// ../input/mouse.ts) while the UI runs; turning the reports off is part of every way out, so a
// shell is never left receiving them.

const ENTER = '\u001B[?1049h\u001B[H';
/** Report button presses and the wheel (1000), in the SGR form (1006). */
export const MOUSE_ON = '\u001B[?1000h\u001B[?1006h';
export const MOUSE_OFF = '\u001B[?1006l\u001B[?1000l';
/** Stop mouse reports (harmless when they were never on), leave the alternate screen, show the cursor, reset colours. */
const LEAVE = `${MOUSE_OFF}\u001B[?1049l\u001B[?25h\u001B[0m`;

export type FullScreen = {
	/** Gives the terminal back (once; later calls do nothing). */
	restore(): void;
	/** The signal that asked us to stop, if one did. */
	readonly signal: NodeJS.Signals | null;
};

export function enterFullScreen(stdout: NodeJS.WriteStream, onSignal: (signal: NodeJS.Signals) => void, options: {mouse?: boolean} = {}): FullScreen {
	let restored = false;
	let received: NodeJS.Signals | null = null;
	stdout.write(options.mouse ? `${ENTER}${MOUSE_ON}` : ENTER);

	const restore = () => {
		if (restored) return;
		restored = true;
		stdout.write(LEAVE);
		process.off('exit', restore);
		process.off('SIGINT', stop);
		process.off('SIGTERM', stop);
		process.off('uncaughtException', crash);
		process.off('unhandledRejection', crash);
	};
	const stop = (signal: NodeJS.Signals) => {
		received ??= signal;
		onSignal(signal);
	};
	// Printed on the alternate screen, the error would vanish with it: restore first, then report.
	const crash = (error: unknown) => {
		restore();
		process.stderr.write(`cosmos-tui crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
		process.exit(70);
	};

	process.on('exit', restore);
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	process.on('uncaughtException', crash);
	process.on('unhandledRejection', crash);
	return {
		restore,
		get signal() {
			return received;
		},
	};
}
