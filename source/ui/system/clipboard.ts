// Copies text to the clipboard of the terminal the user sits at, with OSC 52 (ESC ] 52 ; c ;
// base64 BEL): it works over SSH, where no local clipboard tool could reach the user's desktop.
// Not UI code: the UI gets it injected (runtime system functions), so tests pass their own writer.

/** Writes raw bytes to the terminal (escape sequences that draw nothing). */
export type TerminalWrite = (sequence: string) => void;

/** Copies the text and says how ('copied to the clipboard', with a tmux hint when inside tmux). */
export type CopyText = (text: string) => string;

const ESC = '\u001B';
const BEL = '\u0007';

/** OSC 52 for the system clipboard, e.g. "\e]52;c;L3RtcC94Lm1wNA==\a". */
export function osc52(text: string): string {
	return `${ESC}]52;c;${Buffer.from(text, 'utf8').toString('base64')}${BEL}`;
}

/** tmux's passthrough wrapper (ESC P tmux; ... ESC \, inner ESCs doubled): reaches the outer terminal when allow-passthrough is on. */
export function tmuxPassthrough(sequence: string): string {
	return `${ESC}Ptmux;${sequence.replaceAll(ESC, ESC + ESC)}${ESC}\\`;
}

/**
 * The bytes that copy `text`. Inside tmux both forms go out: tmux itself takes the plain one when
 * `set-clipboard on`, and lets the wrapped one through when `allow-passthrough on`; the other is
 * dropped silently (so the outer clipboard is set once or twice to the same text).
 */
export function clipboardSequence(text: string, env: NodeJS.ProcessEnv): string {
	const sequence = osc52(text);
	return env['TMUX'] ? sequence + tmuxPassthrough(sequence) : sequence;
}

export function copyWithOsc52(write: TerminalWrite, env: NodeJS.ProcessEnv): CopyText {
	return text => {
		write(clipboardSequence(text, env));
		return env['TMUX'] ? 'copied to the clipboard (tmux: needs set-clipboard on)' : 'copied to the clipboard';
	};
}
