/* @jsxRuntime automatic @jsxImportSource react */
// "?": every key of the registry, grouped by where it applies, the keys of where `?` was pressed
// first; scrollable, and filtered by what is typed after `/`.
import {Box} from 'ink';
import {useMemo} from 'react';
import {helpLines} from '../keys/help.js';
import type {KeyContext} from '../keys/registry.js';
import {Text, tint} from './text.js';

const KEYS_WIDTH = 26;

/** `scrollMax`: set when drawn, how far the help can scroll (the key handler reads it). */
type Props = {scroll: number; first?: readonly KeyContext[]; filter?: string; typing?: boolean; scrollMax?: {current: number}; width: number; height: number};

export function HelpOverlay({scroll, first = [], filter = '', typing = false, scrollMax = {current: 0}, width, height}: Props) {
	// Descriptions wrap beside the keys: the border and padding take 4 columns.
	const lines = useMemo(() => helpLines(first, filter, width - 4 - KEYS_WIDTH), [first, filter, width]);
	const rows = Math.max(1, height - 3);
	scrollMax.current = Math.max(0, lines.length - rows);
	const top = Math.min(scroll, scrollMax.current);
	const range = lines.length === 0 ? 'none' : `${top + 1}-${Math.min(lines.length, top + rows)} of ${lines.length}`;
	const title =
		filter || typing
			? `Keys matching /${filter}${typing ? '▏' : ''} (${range}; ${typing ? 'Enter keeps, Esc clears' : 'Esc clears the filter'})`
			: `Keys (${range}; j/k scroll, / filters, Esc closes)`;
	return (
		<Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor={tint('cyan')} paddingX={1} overflow="hidden">
			<Text bold color="cyan" wrap="truncate">
				{title}
			</Text>
			{lines.length === 0 ? (
				<Text dimColor wrap="truncate">
					{`no key or description holds "${filter}"`}
				</Text>
			) : null}
			{lines.slice(top, top + rows).map((line, i) => {
				if (line.kind === 'gap') return <Text key={i}> </Text>;
				if (line.kind === 'title') {
					return (
						<Text key={i} bold underline wrap="truncate">
							{line.text}
						</Text>
					);
				}
				return (
					<Text key={i} wrap="truncate">
						<Text color="cyan">{`  ${line.keys}`.padEnd(KEYS_WIDTH)}</Text>
						{line.description}
					</Text>
				);
			})}
		</Box>
	);
}
