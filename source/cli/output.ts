// Writing to the terminal from commands: colour (respecting NO_COLOR), tables and JSON.
// Every text written here goes through the one sanitizer, so no command can forget it: prompt
// text, names, ids and host output may hold escape sequences (OSC 52 clipboard writes, title
// changes, screen clears) or bidi overrides. Only SGR survives, and only when colour is on.
import stringWidth from 'string-width';
import {STATUS_COLORS, type ColorName} from '../format/format.js';
import {sanitizeForTerminal, stripAnsi} from '../format/sanitize.js';
import type {RunStatus} from '../domain/model.js';

const CODES: Record<ColorName | 'bold' | 'dim', [number, number]> = {
	yellow: [33, 39],
	cyan: [36, 39],
	green: [32, 39],
	red: [31, 39],
	gray: [90, 39],
	bold: [1, 22],
	dim: [2, 22],
};

const JSON_UNSAFE = /[\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

export type Writer = {write: (text: string) => unknown; isTTY?: boolean};

export class Output {
	constructor(
		readonly stdout: Writer,
		readonly stderr: Writer,
		readonly color: boolean,
	) {}

	static forProcess(env: NodeJS.ProcessEnv): Output {
		const color = env['NO_COLOR'] === undefined && (Boolean(process.stdout.isTTY) || Boolean(env['FORCE_COLOR']));
		return new Output(process.stdout, process.stderr, color);
	}

	paint(style: keyof typeof CODES, text: string): string {
		if (!this.color) return text;
		const [open, close] = CODES[style];
		return `\u001B[${open}m${text}\u001B[${close}m`;
	}

	status(status: RunStatus): string {
		return this.paint(STATUS_COLORS[status], status);
	}

	/**
	 * Marks text from the GPU host. line/info/table sanitize everything they write, so this
	 * only documents intent at the call site; it does no work of its own.
	 */
	remote(text: string): string {
		return text;
	}

	line(text = ''): void {
		this.stdout.write(`${this.clean(text, true)}\n`);
	}

	info(text: string): void {
		this.stderr.write(`${this.clean(text, true)}\n`);
	}

	/** Terminal-safe text: SGR kept only with colour on; newlines kept for multi-line messages. */
	private clean(text: string, keepNewlines: boolean): string {
		const safe = sanitizeForTerminal(text, {keepNewlines});
		// Only SGR escapes are left: without an ESC there is nothing to strip (a fast search, not a scan).
		return this.color || !safe.includes('\u001B') ? safe : stripAnsi(safe);
	}

	/**
	 * Exact: JSON.stringify escapes C0 controls (ESC, BEL, CR) itself; C1 and bidi controls it
	 * leaves raw, so they become \uXXXX escapes too (still the same string to a JSON parser, and
	 * harmless if the output lands on a terminal). They can only occur inside JSON strings.
	 */
	json(value: unknown): void {
		const text = JSON.stringify(value, null, 2).replaceAll(JSON_UNSAFE, char => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
		this.stdout.write(`${text}\n`);
	}

	/** A plain table; cells may hold colour codes (not counted in widths). */
	table(headers: readonly string[], cells: ReadonlyArray<readonly string[]>): void {
		// Each cell is cleaned on its own (a style left open is closed inside its cell, and a
		// newline would break the row), before widths are measured; rows are then written as is.
		const rows = [headers, ...cells].map(row => row.map(cell => this.clean(cell.replaceAll(/[\r\n]+/g, ' '), false)));
		const widths = rows[0]!.map((_, i) => Math.max(...rows.map(row => stringWidth(row[i] ?? ''))));
		const pad = (s: string, i: number) => s + ' '.repeat(Math.max(0, widths[i]! - stringWidth(s)));
		const [head, ...body] = rows;
		this.stdout.write(`${this.paint('bold', head!.map(pad).join('  ').trimEnd())}\n`);
		for (const row of body) this.stdout.write(`${row.map(pad).join('  ').trimEnd()}\n`);
	}
}
