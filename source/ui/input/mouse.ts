// SGR mouse reports (DECSET 1000 + 1006): "ESC [ < b ; x ; y M" for a press, "... m" for a
// release, x and y counted from 1. A pure reader, tested on its own: it takes the input as it
// comes (several reports in one chunk, or one report split across chunks) and gives back the
// wheel notches and left clicks, and the text that is not a report (the keys). Everything else a
// mouse sends (releases, motion, other buttons) is dropped, so no report ever reaches the keys.

export type MouseEvent =
	/** One wheel notch: -1 up, 1 down. column and row count from 0. */
	| {kind: 'wheel'; direction: 1 | -1; column: number; row: number}
	| {kind: 'click'; column: number; row: number};

export type MouseRead = {events: MouseEvent[]; text: string};

const ESC = '\u001B';
const REPORT_START = `${ESC}[<`;
/** A whole report, anchored at the start. */
const REPORT = /^\u001B\[<(\d+);(\d+);(\d+)([Mm])/;
/**
 * A report cut short at the end of the input: the rest comes with the next chunk. Only from
 * "ESC [ <" on: a lone ESC is the Esc key (Ink itself holds a sequence cut shorter than that).
 */
const PARTIAL_REPORT = /^\u001B\[<(\d+(;(\d+(;\d*)?)?)?)?$/;

const MOTION = 32;
const WHEEL = 64;

/** The event a report stands for, or null for what is ignored. */
export function decodeReport(button: number, column: number, row: number, press: boolean): MouseEvent | null {
	// Shift, meta and ctrl (4, 8, 16) do not change what the button does here.
	if (!press || (button & MOTION) !== 0) return null;
	const which = button & 3;
	const at = {column: column - 1, row: row - 1};
	if ((button & WHEEL) !== 0) return which === 0 ? {kind: 'wheel', direction: -1, ...at} : which === 1 ? {kind: 'wheel', direction: 1, ...at} : null;
	return which === 0 ? {kind: 'click', ...at} : null;
}

/**
 * Splits input into mouse events and the other text. `pending` is a report cut short at the end
 * of the previous input; what is cut short at the end of this one comes back as `pending`.
 */
export function readMouse(pending: string, input: string): MouseRead & {pending: string} {
	const all = pending + input;
	// What was held is no report after all: drop it rather than let its digits through as keys.
	if (pending !== '' && !REPORT.test(all) && !PARTIAL_REPORT.test(all)) return readMouse('', input);
	const events: MouseEvent[] = [];
	let text = '';
	let index = 0;
	while (index < all.length) {
		const start = all.indexOf(REPORT_START, index);
		if (start === -1) {
			text += all.slice(index);
			break;
		}
		text += all.slice(index, start);
		const rest = all.slice(start);
		const report = REPORT.exec(rest);
		if (report) {
			const event = decodeReport(Number(report[1]), Number(report[2]), Number(report[3]), report[4] === 'M');
			if (event) events.push(event);
			index = start + report[0].length;
			continue;
		}
		if (PARTIAL_REPORT.test(rest)) return {events, text, pending: rest};
		// "ESC [ <" followed by something that is no report: not a key either; drop the prefix.
		index = start + REPORT_START.length;
	}
	return {events, text, pending: ''};
}

/** A reader that keeps a report cut short until the rest arrives. */
export function createMouseReader(): {push(input: string): MouseRead; reset(): void} {
	let pending = '';
	return {
		push(input) {
			const read = readMouse(pending, input);
			pending = read.pending;
			return {events: read.events, text: read.text};
		},
		reset() {
			pending = '';
		},
	};
}
