// "A run ended" as the terminal can say it: the bell, or a desktop notification by escape sequence
// (OSC 9, iTerm2's; OSC 777 notify, urxvt's). Pure: the UI and `cosmos-tui run` write the result.
//
// No terminal answers "do you show OSC 9?", so 'auto' goes by the environment and stays
// conservative: an unsupported OSC is swallowed silently at best, so anything unknown gets the bell.
//   OSC 9:   iTerm2 (TERM_PROGRAM=iTerm.app), WezTerm, Ghostty, kitty (KITTY_WINDOW_ID, xterm-kitty)
//   OSC 777: foot (TERM=foot*)
//   bell:    inside tmux or screen (they would need passthrough), Windows Terminal (WT_SESSION: OSC
//            777 only in the newest releases), VTE (upstream swallows OSC 777; only Fedora's patch
//            shows it), urxvt (needs its perl extension), ConEmu (OSC 9 means other things there),
//            and everything else.
import type {RunStatus} from '../domain/model.js';
import {stripAnsi} from './sanitize.js';

/** As [ui] notify in the config (format may not import config; the two must stay alike). */
export type NotifyMode = 'auto' | 'osc9' | 'osc777' | 'bell' | 'off';
/** What is written: 'auto' resolved. */
export type NotifyKind = Exclude<NotifyMode, 'auto'>;

export const BEL = '\u0007';
const OSC = '\u001B]';

/** The notification the environment's terminal can show, for 'auto'; other modes as asked. */
export function chooseNotifyKind(mode: NotifyMode, env: NodeJS.ProcessEnv): NotifyKind {
	if (mode !== 'auto') return mode;
	// A multiplexer eats OSC sequences it does not know; its bell reaches the outer terminal.
	if (env['TMUX'] || env['STY']) return 'bell';
	const program = env['TERM_PROGRAM'] ?? '';
	const term = env['TERM'] ?? '';
	if (program === 'iTerm.app' || program === 'WezTerm' || program === 'ghostty') return 'osc9';
	if (term === 'xterm-ghostty' || term === 'xterm-kitty' || env['KITTY_WINDOW_ID']) return 'osc9';
	if (term === 'foot' || term.startsWith('foot-')) return 'osc777';
	return 'bell';
}

/**
 * Text made safe inside an OSC: escapes and every control character go (a BEL or ESC would end
 * the sequence early and let the rest run as terminal commands), runs of spaces shrink, and the
 * length is capped. `separator` also replaces ';', which splits OSC 777's fields.
 */
export function oscText(text: string, options: {separator?: boolean; max?: number} = {}): string {
	let clean = stripAnsi(text).replaceAll(/[\u0000-\u001F\u007F-\u009F]/g, ' ');
	if (options.separator) clean = clean.replaceAll(';', ',');
	clean = clean.replaceAll(/\s+/g, ' ').trim();
	const max = options.max ?? 200;
	const chars = [...clean];
	return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : clean;
}

export type RunEnded = {runId: string; status: RunStatus; promptName: string | null};

/** "rs_1a2b success: sunset-drive" */
export function runEndedText(run: RunEnded): string {
	return `${run.runId} ${run.status}${run.promptName ? `: ${run.promptName}` : ''}`;
}

/** The bytes to write for a notification with this title and body ('' for off). */
export function notification(kind: NotifyKind, title: string, body: string): string {
	switch (kind) {
		case 'off':
			return '';
		case 'bell':
			return BEL;
		case 'osc9': {
			// A leading "digits;" would read as one of ConEmu's OSC 9 commands in terminals that share the number.
			const text = oscText(`${title}: ${body}`).replace(/^(\d+);/, '$1,');
			return `${OSC}9;${text}${BEL}`;
		}
		case 'osc777':
			return `${OSC}777;notify;${oscText(title, {separator: true, max: 60})};${oscText(body, {separator: true})}${BEL}`;
	}
}

/** The notification for a run that ended. */
export function runEndedNotification(kind: NotifyKind, run: RunEnded): string {
	return notification(kind, 'cosmos-tui', runEndedText(run));
}
