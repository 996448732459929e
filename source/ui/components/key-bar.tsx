/* @jsxRuntime automatic @jsxImportSource react */
// The bottom line: the keys that matter in the focused pane or dialog (from the registry), and
// the transient message, which takes the left side while it shows.
import {Box, Text} from 'ink';
import {memo} from 'react';
import {barHints} from '../keys/help.js';
import type {KeyContext} from '../keys/registry.js';
import type {Flash} from '../state/app-state.js';
import {plain} from '../state/run-summary.js';

/** `hidden`: commands that cannot run now (the bar shows only what applies). */
type Props = {contexts: readonly KeyContext[]; hidden?: ReadonlySet<string>; flash: Flash | null; width: number};

export const KeyBar = memo(function KeyBar({contexts, hidden, flash, width}: Props) {
	const hints = barHints(contexts, hidden)
		.map(hint => `${hint.keys} ${hint.label}`)
		.join('  ');
	const message = flash ? plain(flash.text) : '';
	const room = Math.max(0, width - (message ? [...message].length + 3 : 0));
	return (
		<Box width={width} height={1}>
			{message ? (
				<Text color={flash?.tone === 'error' ? 'red' : 'green'} wrap="truncate">
					{`${message.slice(0, width)}${room > 0 ? ' │ ' : ''}`}
				</Text>
			) : null}
			{room > 0 ? (
				<Text dimColor wrap="truncate">
					{hints.slice(0, room)}
				</Text>
			) : null}
		</Box>
	);
});
