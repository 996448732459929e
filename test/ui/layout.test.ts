import test from 'ava';
import {computeLayout, innerSize, MIN_COLUMNS, MIN_ROWS, PANES, WIDE_COLUMNS, type PaneLayout} from '../../source/ui/layout/layout.js';

function paneLayout(columns: number, rows: number, focus: (typeof PANES)[number] = 'runs'): PaneLayout {
	const layout = computeLayout(columns, rows, focus);
	if (layout.kind === 'too-small') throw new Error(`${columns}x${rows} is too small`);
	return layout;
}

test('the root is one row shorter than the terminal, and the rows add up', t => {
	for (const [columns, rows] of [[MIN_COLUMNS, MIN_ROWS], [80, 24], [100, 40], [WIDE_COLUMNS, 30], [220, 60]] as const) {
		const layout = paneLayout(columns, rows);
		t.is(layout.rootHeight, rows - 1, `${columns}x${rows}`);
		t.is(layout.header + layout.body.height + layout.details + layout.bar, layout.rootHeight, `${columns}x${rows}`);
	}
});

test('wide terminals: prompts over runs on the left, the log on the right, filling the width', t => {
	const layout = paneLayout(160, 40);
	t.is(layout.kind, 'wide');
	t.is(layout.prompts.width, layout.runs.width);
	t.is(layout.prompts.width + layout.logs.width, 160);
	t.is(layout.prompts.height + layout.runs.height, layout.body.height);
	t.is(layout.logs.height, layout.body.height);
	t.true(layout.logs.width > layout.prompts.width, 'the log gets the larger column');
});

test('narrow terminals stack the panes and give the focused one half the body', t => {
	for (const focus of PANES) {
		const layout = paneLayout(80, 30, focus);
		t.is(layout.kind, 'stacked');
		t.is(layout.prompts.height + layout.runs.height + layout.logs.height, layout.body.height, focus);
		for (const pane of PANES) {
			t.is(layout[pane].width, 80);
			t.true(layout[pane].height >= 3, `${pane} keeps at least one row of content when ${focus} is focused`);
		}
		t.is(layout[focus].height, Math.floor(layout.body.height / 2));
	}
});

test('the focused list of the wide left column gets the larger share', t => {
	const promptsFocused = paneLayout(160, 40, 'prompts');
	const runsFocused = paneLayout(160, 40, 'runs');
	t.true(promptsFocused.prompts.height > promptsFocused.runs.height);
	t.true(runsFocused.runs.height > runsFocused.prompts.height);
});

test('below the minimum size there is one "too small" layout', t => {
	t.is(computeLayout(MIN_COLUMNS - 1, 40).kind, 'too-small');
	t.is(computeLayout(200, MIN_ROWS - 1).kind, 'too-small');
	t.is(computeLayout(0, 0).kind, 'too-small');
	t.is(computeLayout(Number.NaN, 30).kind, 'too-small');
	t.not(computeLayout(MIN_COLUMNS, MIN_ROWS).kind, 'too-small');
});

test('sizes are whole numbers for odd sizes, and inner sizes leave room for borders', t => {
	for (let columns = MIN_COLUMNS; columns < 240; columns += 7) {
		for (let rows = MIN_ROWS; rows < 70; rows += 5) {
			const layout = paneLayout(columns + 0.5, rows);
			for (const pane of PANES) {
				t.true(Number.isInteger(layout[pane].width) && Number.isInteger(layout[pane].height));
				const inner = innerSize(layout[pane]);
				t.is(inner.height, layout[pane].height - 2);
			}
		}
	}
});

test('zoomed, the log takes the whole body and the lists are not drawn', t => {
	for (const columns of [80, 160]) {
		const layout = computeLayout(columns, 40, 'logs', true) as PaneLayout;
		t.true(layout.zoomed);
		t.deepEqual(layout.logs, layout.body);
		t.is(layout.prompts.height + layout.runs.height, 0);
	}
	t.false((computeLayout(160, 40, 'logs') as PaneLayout).zoomed);
});
