// What a mouse event asks of the screen (pure): the wheel scrolls the pane under it, a click
// focuses and selects the row as drawn (from the list's first drawn row).
import test from 'ava';
import {LOG_LINES_PER_NOTCH, listTops, mouseIntent, type MouseScene} from '../../source/ui/input/mouse-actions.js';
import {computeLayout, type PaneLayout} from '../../source/ui/layout/layout.js';

const layout = computeLayout(160, 40, 'runs') as PaneLayout;
const scene = (overrides: Partial<MouseScene> = {}): MouseScene => ({
	layout,
	focus: 'runs',
	modal: false,
	tops: {prompts: 0, runs: 0},
	counts: {prompts: 5, runs: 30},
	...overrides,
});
const promptsRow = (row: number) => layout.header + 1 + row;
const runsRow = (row: number) => layout.header + layout.prompts.height + 1 + row;
const logsColumn = layout.prompts.width + 5;

test('the wheel scrolls the pane under the pointer, the log three lines a notch', t => {
	t.deepEqual(mouseIntent({kind: 'wheel', direction: 1, column: 5, row: promptsRow(0)}, scene()), {kind: 'scroll', target: 'prompts', lines: 1});
	t.deepEqual(mouseIntent({kind: 'wheel', direction: -1, column: 5, row: runsRow(4)}, scene()), {kind: 'scroll', target: 'runs', lines: -1});
	t.deepEqual(mouseIntent({kind: 'wheel', direction: -1, column: logsColumn, row: promptsRow(3)}, scene()), {kind: 'scroll', target: 'logs', lines: -LOG_LINES_PER_NOTCH});
	t.is(mouseIntent({kind: 'wheel', direction: 1, column: 5, row: 0}, scene()), null, 'the header');
	t.deepEqual(mouseIntent({kind: 'wheel', direction: 1, column: 5, row: promptsRow(0)}, scene({focus: 'queue'})), {kind: 'scroll', target: 'queue', lines: 1}, 'the queue view fills the body');
	t.is(mouseIntent({kind: 'wheel', direction: 1, column: 5, row: promptsRow(0)}, scene({modal: true})), null, 'nothing under a dialog');
});

test('a click focuses the pane and selects the row drawn there, counting the scroll', t => {
	t.deepEqual(mouseIntent({kind: 'click', column: 5, row: promptsRow(2)}, scene()), {kind: 'select', pane: 'prompts', index: 2});
	t.deepEqual(mouseIntent({kind: 'click', column: 5, row: runsRow(3)}, scene({tops: {prompts: 0, runs: 10}})), {kind: 'select', pane: 'runs', index: 13});
	t.deepEqual(mouseIntent({kind: 'click', column: 5, row: promptsRow(7)}, scene()), {kind: 'focus', pane: 'prompts'}, 'below the last item: focus only');
	t.deepEqual(mouseIntent({kind: 'click', column: 5, row: layout.header}, scene()), {kind: 'focus', pane: 'prompts'}, 'the title border');
	t.deepEqual(mouseIntent({kind: 'click', column: logsColumn, row: promptsRow(5)}, scene()), {kind: 'focus', pane: 'logs'});
	t.is(mouseIntent({kind: 'click', column: 5, row: promptsRow(2)}, scene({focus: 'queue'})), null);
});

test('the lists\' first drawn rows follow the selection as ListRows does, and restart when hidden', t => {
	const view = (selected: number) => ({prompts: {selected: 0, count: 3, height: 5}, runs: {selected, count: 30, height: 10}});
	let tops = listTops({prompts: 0, runs: 0}, true, view(12));
	t.deepEqual(tops, {prompts: 0, runs: 3}, 'scrolled just enough to show row 12');
	tops = listTops(tops, true, view(5));
	t.is(tops.runs, 3, 'moving up inside the window does not scroll');
	tops = listTops(tops, true, {...view(5), runs: {selected: 0, count: 0, height: 10}});
	t.is(tops.runs, 3, 'an empty list keeps it');
	t.deepEqual(listTops(tops, false, view(20)), {prompts: 0, runs: 0}, 'hidden lists start again from the top');
});
