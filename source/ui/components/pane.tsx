/* @jsxRuntime automatic @jsxImportSource react */
// A bordered pane with its title in the top border: "╭─ 2 Runs · all (12) ────╮", marked
// "╭─ ▶ 2 Runs ..." while focused (not by colour alone).
// Children must fit (rows cut to the width, no more rows than the height): the pane does not clip,
// because Ink re-slices every line of a clipped box on every frame, which costs more than the rest.
import {Box} from 'ink';
import {Text, tint} from './text.js';
import type {ReactNode} from 'react';
import {truncate} from '../../format/format.js';

type Props = {title: string; status?: string; focused: boolean; width: number; height: number; children?: ReactNode};

export function Pane({title, status, focused, width, height, children}: Props) {
	const color = focused ? 'cyan' : 'gray';
	const room = Math.max(0, width - 4);
	const label = truncate(` ${focused ? '▶ ' : ''}${title}${status ? ` · ${status}` : ''} `, room);
	const fill = '─'.repeat(Math.max(0, room - [...label].length));
	return (
		<Box flexDirection="column" width={width} height={height} flexShrink={0}>
			<Text color={color} wrap="truncate">
				{'╭─'}
				<Text bold={focused} color={focused ? 'cyanBright' : 'white'}>
					{label}
				</Text>
				{`${fill}─╮`}
			</Text>
			<Box
				borderStyle="round"
				borderTop={false}
				borderColor={tint(color)}
				flexDirection="column"
				width={width}
				height={Math.max(0, height - 1)}
			>
				{children}
			</Box>
		</Box>
	);
}
