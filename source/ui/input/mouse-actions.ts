// What a mouse event asks of the screen, as a pure function tested on its own: the wheel scrolls
// the pane under the pointer as j/k would (the log by three lines a notch), a click focuses that
// pane and selects the row under it. Which item a row shows depends on the list's scroll (the
// first row drawn), which the caller tracks as the lists draw it (listTops).
import {paneAt, type Layout, type Pane} from '../layout/layout.js';
import type {Focus, ListPane, SelectionList} from '../state/app-state.js';
import {scrollTop} from '../state/list-selection.js';
import type {MouseEvent} from './mouse.js';

/** Log lines one wheel notch scrolls. */
export const LOG_LINES_PER_NOTCH = 3;

export type MouseIntent =
	/** As j/k (lines > 0: down) on a list or the log. */
	| {kind: 'scroll'; target: SelectionList | 'logs'; lines: number}
	/** Focus the list and select its item at this index. */
	| {kind: 'select'; pane: ListPane; index: number}
	| {kind: 'focus'; pane: Pane};

export type MouseScene = {
	layout: Layout;
	focus: Focus;
	/** A dialog is open: the mouse does nothing under it. */
	modal: boolean;
	/** Index of the first item each list draws, and how many items it has. */
	tops: Readonly<Record<ListPane, number>>;
	counts: Readonly<Record<ListPane, number>>;
};

export function mouseIntent(event: MouseEvent, scene: MouseScene): MouseIntent | null {
	const {layout} = scene;
	if (scene.modal || layout.kind === 'too-small') return null;
	if (scene.focus === 'queue') {
		// The queue view fills the body: the wheel moves its selection; a click does nothing yet.
		const inBody = event.row >= layout.header && event.row < layout.header + layout.body.height;
		return event.kind === 'wheel' && inBody ? {kind: 'scroll', target: 'queue', lines: event.direction} : null;
	}
	const hit = paneAt(layout, event.column, event.row);
	if (!hit) return null;
	if (event.kind === 'wheel') return {kind: 'scroll', target: hit.pane, lines: hit.pane === 'logs' ? event.direction * LOG_LINES_PER_NOTCH : event.direction};
	if (hit.pane === 'logs' || hit.row === null) return {kind: 'focus', pane: hit.pane};
	const index = scene.tops[hit.pane] + hit.row;
	return index < scene.counts[hit.pane] ? {kind: 'select', pane: hit.pane, index} : {kind: 'focus', pane: hit.pane};
}

export type ListView = {selected: number; count: number; height: number};

/**
 * The first row each list draws, as ListRows computes it (scrollTop from the previous one), given
 * whether the lists are drawn at all: hidden (a dialog, the queue view, the zoomed log, a too
 * small terminal), ListRows is unmounted and starts again from the top. An empty list keeps it.
 */
export function listTops(previous: Readonly<Record<ListPane, number>>, shown: boolean, lists: Readonly<Record<ListPane, ListView>>): Record<ListPane, number> {
	if (!shown) return {prompts: 0, runs: 0};
	const top = (pane: ListPane) => {
		const {selected, count, height} = lists[pane];
		return count === 0 ? previous[pane] : scrollTop(selected, count, height, previous[pane]);
	};
	return {prompts: top('prompts'), runs: top('runs')};
}
