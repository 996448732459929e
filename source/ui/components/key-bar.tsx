/* @jsxRuntime automatic @jsxImportSource react */
// The bottom of the screen: the transient message on a row of its own while it shows (the layout
// gives it a row), then the keys that apply in the focused pane or dialog (from the registry).
// The message is never cut silently: when longer than the row it ends with "… ! shows all".
import {Box} from 'ink';
import {memo} from 'react';
import {barHints} from '../keys/help.js';
import type {KeyContext} from '../keys/registry.js';
import type {Flash} from '../state/app-state.js';
import {plain} from '../state/run-summary.js';
import {fitRow} from '../text/wrap.js';
import {Text} from './text.js';

/** `hidden`: commands that cannot run now (the bar shows only what applies). `height`: 2 with a message. */
type Props = {contexts: readonly KeyContext[]; hidden?: ReadonlySet<string>; flash: Flash | null; width: number; height?: number};

/** The marks that tell an error from a notice without colour. */
export const FLASH_MARKS = {error: '✗ ', info: '• '} as const;
export const MORE = ' … (! shows all)';

export const KeyBar = memo(function KeyBar({contexts, hidden, flash, width, height = 1}: Props) {
	const message = flash && height >= 2 ? `${FLASH_MARKS[flash.tone]}${fitRow(plain(flash.text), width - 2, MORE).text}` : null;
	return (
		<Box width={width} height={height} flexDirection="column">
			{message ? (
				<Text color={flash?.tone === 'error' ? 'red' : 'green'} bold={flash?.tone === 'error'} wrap="truncate">
					{message}
				</Text>
			) : null}
			<Text dimColor wrap="truncate">
				{hintsLine(barHints(contexts, hidden), width)}
			</Text>
		</Box>
	);
});

/** As many whole "key label" hints as fit in `width` columns. */
export function hintsLine(hints: ReadonlyArray<{keys: string; label: string}>, width: number): string {
	let line = '';
	for (const hint of hints) {
		const next = `${line === '' ? '' : `${line}  `}${hint.keys} ${hint.label}`;
		if ([...next].length > width) break;
		line = next;
	}
	return line;
}
