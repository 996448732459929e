/* @jsxRuntime automatic @jsxImportSource react */
// The visible rows of a dialog taller than the screen, with a footer saying where they are and
// how to scroll. Shared by the message and the run details.
import type {ReactNode} from 'react';
import {Text} from './text.js';

/** Rows of a dialog's body: the area less its border (2), title (1) and footer (1). */
export function dialogRows(height: number): number {
	return Math.max(1, height - 4);
}

/** The first row shown for a wanted `scroll`, kept so the last page is full. */
export function scrollTopFor(scroll: number, total: number, rows: number): number {
	return Math.max(0, Math.min(scroll, total - rows));
}

type Props = {rows: ReactNode[]; scroll: number; height: number; close: string; scrollMax: {current: number}};

export function ScrolledLines({rows, scroll, height, close, scrollMax}: Props) {
	const room = dialogRows(height);
	const top = scrollTopFor(scroll, rows.length, room);
	// The key handler reads how far it can go (it depends on the width, known here).
	scrollMax.current = Math.max(0, rows.length - room);
	const scrolls = rows.length > room;
	return (
		<>
			{rows.slice(top, top + room)}
			<Text dimColor wrap="truncate">
				{scrolls ? `${close} · j/k PgUp/PgDn scroll (${top + 1}-${Math.min(rows.length, top + room)} of ${rows.length})` : close}
			</Text>
		</>
	);
}
