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

export function computeLayout(columns: number, rows: number, focus: Pane = 'prompts', zoomLogs = false): Layout {
	const width = Math.floor(columns);
	const height = Math.floor(rows);
	if (!(width >= MIN_COLUMNS && height >= MIN_ROWS)) {
		return {kind: 'too-small', columns: width, rows: height, minColumns: MIN_COLUMNS, minRows: MIN_ROWS};
	}
	const rootHeight = height - 1;
	const header = 1;
	const bar = 1;
	const details = height < 22 ? 2 : 3;
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

function clamp(value: number, min: number, max: number): number {
	return Math.min(max, Math.max(min, value));
}
