// The hit test: which pane, and which row inside it, a screen cell belongs to.
import test from 'ava';
import {computeLayout, paneAt, type PaneLayout} from '../../source/ui/layout/layout.js';

function paneLayout(columns: number, rows: number, focus: 'prompts' | 'runs' | 'logs' = 'runs', zoom = false): PaneLayout {
	const layout = computeLayout(columns, rows, focus, zoom);
	if (layout.kind === 'too-small') throw new Error('too small');
	return layout;
}

test('wide: prompts over runs on the left, the log on the right; rows count inside the border', t => {
	const layout = paneLayout(160, 40);
	const left = layout.prompts.width;
	t.is(paneAt(layout, 5, 0), null, 'the header');
	t.deepEqual(paneAt(layout, 5, layout.header), {pane: 'prompts', row: null}, 'the title border');
	t.deepEqual(paneAt(layout, 5, layout.header + 1), {pane: 'prompts', row: 0}, 'the first row');
	t.deepEqual(paneAt(layout, 0, layout.header + 1), {pane: 'prompts', row: null}, 'the left border');
	t.deepEqual(paneAt(layout, left - 1, layout.header + 1), {pane: 'prompts', row: null}, 'the right border');
	t.deepEqual(paneAt(layout, 5, layout.header + layout.prompts.height - 1), {pane: 'prompts', row: null}, 'the bottom border');
	const runsTop = layout.header + layout.prompts.height;
	t.deepEqual(paneAt(layout, 5, runsTop), {pane: 'runs', row: null});
	t.deepEqual(paneAt(layout, 5, runsTop + 3), {pane: 'runs', row: 2});
	t.deepEqual(paneAt(layout, left, layout.header + 4), {pane: 'logs', row: null}, "the log's left border");
	t.deepEqual(paneAt(layout, left + 1, layout.header + 4), {pane: 'logs', row: 3});
	t.is(paneAt(layout, 5, layout.header + layout.body.height), null, 'the details strip');
	t.is(paneAt(layout, 160, 5), null, 'off the screen');
});

test('stacked: prompts, runs, log from the top, sized by the focus; zoomed: the log alone', t => {
	const layout = paneLayout(80, 30, 'logs');
	const runsTop = layout.header + layout.prompts.height;
	const logsTop = runsTop + layout.runs.height;
	t.deepEqual(paneAt(layout, 10, layout.header + 1), {pane: 'prompts', row: 0});
	t.deepEqual(paneAt(layout, 10, runsTop + 1), {pane: 'runs', row: 0});
	t.deepEqual(paneAt(layout, 10, logsTop + 2), {pane: 'logs', row: 1});
	const zoomed = paneLayout(160, 40, 'logs', true);
	t.deepEqual(paneAt(zoomed, 3, zoomed.header + 1), {pane: 'logs', row: 0});
	t.deepEqual(paneAt(zoomed, 120, zoomed.header + 10), {pane: 'logs', row: 9});
});
