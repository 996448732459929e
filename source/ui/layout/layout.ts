// Pane sizes from the terminal size: a pure function, tested on its own.
//
// Wide terminals put prompts over runs on the left and the log on the right; narrower ones stack
// the three panes, giving the focused one the most room. The root is one row shorter than the
// terminal: with Ink 6 a frame as tall as the terminal is redrawn with a full clear every time.

export type Pane = 'prompts' | 'runs' | 'logs';
export const PANES: readonly Pane[] = ['prompts', 'runs', 'logs'];

export type Size = {width: number; height: number};

export type PaneLayout = {
	kind: 'wide' | 'stacked';
	/** The log alone fills the body (z); the lists are not drawn. */
	zoomed: boolean;
	columns: number;
	/** Rows the app may draw: terminal rows - 1. */
	rootHeight: number;
	header: number;
	body: Size;
	/** Outer sizes, borders included. */
	prompts: Size;
	runs: Size;
	logs: Size;
	details: number;
	bar: number;
};

export type Layout = PaneLayout | {kind: 'too-small'; columns: number; rows: number; minColumns: number; minRows: number};

export const MIN_COLUMNS = 60;
export const MIN_ROWS = 16;
/** From this width on, the log gets its own column. */
export const WIDE_COLUMNS = 110;
/** A bordered pane with one row of content. */
const MIN_PANE = 3;

/** `messageRow`: a message shows above the key bar; it takes the details' last row (the panes keep their size). */
export function computeLayout(columns: number, rows: number, focus: Pane = 'prompts', zoomLogs = false, messageRow = false): Layout {
	const width = Math.floor(columns);
	const height = Math.floor(rows);
	if (!(width >= MIN_COLUMNS && height >= MIN_ROWS)) {
		return {kind: 'too-small', columns: width, rows: height, minColumns: MIN_COLUMNS, minRows: MIN_ROWS};
	}
	const rootHeight = height - 1;
	const header = 1;
	const bar = messageRow ? 2 : 1;
	const details = (height < 22 ? 2 : 3) - (messageRow ? 1 : 0);
	const bodyHeight = rootHeight - header - bar - details;
	const body = {width, height: bodyHeight};
	const base = {columns: width, rootHeight, header, body, details, bar, zoomed: false};
	if (zoomLogs) {
		const hidden = {width, height: 0};
		return {kind: width >= WIDE_COLUMNS ? 'wide' : 'stacked', ...base, zoomed: true, prompts: hidden, runs: hidden, logs: body};
	}

	if (width >= WIDE_COLUMNS) {
		const left = clamp(Math.round(width * 0.4), 44, 80);
		// The focused list of the left column gets the larger share; runs by default.
		const bigger = Math.ceil(bodyHeight * 0.6);
		const promptsHeight = focus === 'prompts' ? bigger : bodyHeight - bigger;
		return {
			kind: 'wide',
			...base,
			prompts: {width: left, height: promptsHeight},
			runs: {width: left, height: bodyHeight - promptsHeight},
			logs: {width: width - left, height: bodyHeight},
		};
	}

	// Stacked: the focused pane gets half, the two others share the rest (at least one row each).
	const focused = Math.max(MIN_PANE, Math.floor(bodyHeight / 2));
	const rest = bodyHeight - focused;
	const first = Math.max(MIN_PANE, Math.floor(rest / 2));
	const second = rest - first;
	const others = PANES.filter(pane => pane !== focus);
	const heights = {[focus]: focused, [others[0]!]: first, [others[1]!]: second} as Record<Pane, number>;
	return {
		kind: 'stacked',
		...base,
		prompts: {width, height: heights.prompts},
		runs: {width, height: heights.runs},
		logs: {width, height: heights.logs},
	};
}

/** Rows and columns inside a bordered pane. */
export function innerSize(size: Size): Size {
	return {width: Math.max(0, size.width - 2), height: Math.max(0, size.height - 2)};
}

/** The pane under a screen cell, and the row inside its border (null on the border itself). */
export type PaneHit = {pane: Pane; row: number | null};

/**
 * The pane at a screen cell (column and row from 0, as drawn: the header, then the body), or null
 * outside the body. The panes sit as the screen draws them: wide, prompts over runs with the log
 * beside; stacked, prompts, runs and log; zoomed, the log alone. Each pane has one row of title
 * border on top and one of border below, and a border column on each side.
 */
export function paneAt(layout: PaneLayout, column: number, row: number): PaneHit | null {
	const y = row - layout.header;
	if (column < 0 || column >= layout.columns || y < 0 || y >= layout.body.height) return null;
	const boxes: Array<{pane: Pane; x: number; y: number; size: Size}> = layout.zoomed
		? [{pane: 'logs', x: 0, y: 0, size: layout.logs}]
		: layout.kind === 'wide'
			? [
					{pane: 'prompts', x: 0, y: 0, size: layout.prompts},
					{pane: 'runs', x: 0, y: layout.prompts.height, size: layout.runs},
					{pane: 'logs', x: layout.prompts.width, y: 0, size: layout.logs},
				]
			: [
					{pane: 'prompts', x: 0, y: 0, size: layout.prompts},
					{pane: 'runs', x: 0, y: layout.prompts.height, size: layout.runs},
					{pane: 'logs', x: 0, y: layout.prompts.height + layout.runs.height, size: layout.logs},
				];
	const box = boxes.find(candidate => column >= candidate.x && column < candidate.x + candidate.size.width && y >= candidate.y && y < candidate.y + candidate.size.height);
	if (!box) return null;
	const inner = y - box.y - 1;
	const inside = inner >= 0 && inner < box.size.height - 2 && column > box.x && column < box.x + box.size.width - 1;
	return {pane: box.pane, row: inside ? inner : null};
}

function clamp(value: number, min: number, max: number): number {
	return Math.min(max, Math.max(min, value));
}
