// Writing to the terminal from commands: colour (respecting NO_COLOR), tables and JSON.
import {STATUS_COLORS, type ColorName} from '../format/format.js';
import {sanitizeForTerminal, stripAnsi} from '../ui/text/sanitize.js';
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

	/** Text from the GPU host: only colours survive, and only when colour is on. */
	remote(text: string): string {
		const safe = sanitizeForTerminal(text);
		return this.color ? safe : stripAnsi(safe);
	}

	line(text = ''): void {
		this.stdout.write(`${text}\n`);
	}

	info(text: string): void {
		this.stderr.write(`${text}\n`);
	}

	json(value: unknown): void {
		this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
	}

	/** A plain table; cells may hold colour codes (not counted in widths). */
	table(headers: readonly string[], cells: ReadonlyArray<readonly string[]>): void {
		const visible = (s: string) => s.replaceAll(/\u001B\[[\d;]*m/g, '').length;
		const widths = headers.map((h, i) => Math.max(h.length, ...cells.map(row => visible(row[i] ?? ''))));
		const pad = (s: string, i: number) => s + ' '.repeat(Math.max(0, widths[i]! - visible(s)));
		this.line(this.paint('bold', headers.map(pad).join('  ').trimEnd()));
		for (const row of cells) this.line(row.map(pad).join('  ').trimEnd());
	}
}
