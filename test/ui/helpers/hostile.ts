// Escape sequences a GPU host could print to take over a terminal (the sandbox stand-in's set,
// plus a few more): OSC 52 clipboard writes, title changes, cursor moves, screen clears.
import {readFileSync} from 'node:fs';

export const HOSTILE: Record<string, string> = {
	...(JSON.parse(readFileSync(new URL('../../../sandbox/image/stand-in/hostile-sequences.json', import.meta.url), 'utf8')) as Record<string, string>),
	osc52WithSt: '\u001B]52;c;ZWNobyBwd25lZA==\u001B\\',
	title: '\u001B]2;evil title\u0007',
	cursorHome: '\u001B[H',
	cursorPosition: '\u001B[10;20H',
	eraseLine: '\u001B[2K',
	saveCursor: '\u001B7',
	carriageReturn: '\r',
	backspaces: '\b\b\b',
	dcs: '\u001BPq#0;2;0;0;0\u001B\\',
	c1Osc: '\u009D0;c1 title\u009C',
};
