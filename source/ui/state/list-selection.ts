// Selection in a list, kept by id so it stays on the same item while the list changes under it.
// The index is remembered too: when the selected item goes away, its neighbour takes over.

export type ListSelection = {
	id: string | null;
	index: number;
	/** The id is not in the list yet (a run just created): wait for it rather than fall back. */
	pending?: boolean;
};

export type ListMove =
	| {kind: 'by'; delta: number}
	| {kind: 'first'}
	| {kind: 'last'}
	/** Like 'by', but wraps around the ends (n / N through filter matches). */
	| {kind: 'cycle'; delta: number}
	| {kind: 'id'; id: string};

export const NO_SELECTION: ListSelection = {id: null, index: 0};

/** What is selected in `ids` now: the same id if still there, else the item at the old index. */
export function resolveSelection(ids: readonly string[], selection: ListSelection): ListSelection {
	if (ids.length === 0) return {id: null, index: 0};
	if (selection.id !== null) {
		const index = ids.indexOf(selection.id);
		if (index !== -1) return {id: selection.id, index};
	}
	const index = Math.min(Math.max(0, selection.index), ids.length - 1);
	return {id: ids[index]!, index};
}

export function moveSelection(ids: readonly string[], selection: ListSelection, move: ListMove): ListSelection {
	if (ids.length === 0) return move.kind === 'id' ? {id: move.id, index: 0, pending: true} : selection;
	const current = resolveSelection(ids, selection);
	let index: number;
	switch (move.kind) {
		case 'by':
			index = Math.min(ids.length - 1, Math.max(0, current.index + move.delta));
			break;
		case 'cycle':
			index = (((current.index + move.delta) % ids.length) + ids.length) % ids.length;
			break;
		case 'first':
			index = 0;
			break;
		case 'last':
			index = ids.length - 1;
			break;
		case 'id': {
			const found = ids.indexOf(move.id);
			// Not listed (yet): remember the id; it is picked up as soon as the list holds it.
			return found === -1 ? {id: move.id, index: current.index, pending: true} : {id: move.id, index: found};
		}
	}
	return {id: ids[index]!, index};
}

/**
 * Whether the stored selection should be pinned to what is shown: nothing was chosen yet, or
 * the chosen item went away and a neighbour took over. Pinning keeps the selection on that
 * item when runs are added above it.
 */
export function needsPin(ids: readonly string[], selection: ListSelection): string | null {
	if (selection.pending) return null;
	const shown = resolveSelection(ids, selection).id;
	return shown !== null && shown !== selection.id ? shown : null;
}

/** First row to show so the selected row is visible in a window of `height` rows, near `previousTop`. */
export function scrollTop(selected: number, count: number, height: number, previousTop = 0): number {
	if (count <= height) return 0;
	let top = Math.min(previousTop, count - height);
	if (selected < top) top = selected;
	if (selected >= top + height) top = selected - height + 1;
	return Math.max(0, top);
}
