/* @jsxRuntime automatic @jsxImportSource react */
// A bordered dialog centred in the area it is given.
import {Box} from 'ink';
import {Text, tint} from './text.js';
import type {ReactNode} from 'react';

type Props = {title: string; width: number; height: number; tone?: 'normal' | 'danger' | 'error'; children?: ReactNode};

export function Dialog({title, width, height, tone = 'normal', children}: Props) {
	const color = tone === 'normal' ? 'cyan' : 'red';
	const boxWidth = Math.min(width, 80);
	return (
		<Box width={width} height={height} alignItems="center" justifyContent="center" flexShrink={0}>
			<Box flexDirection="column" width={boxWidth} borderStyle="round" borderColor={tint(color)} paddingX={1} overflow="hidden">
				<Text bold color={color} wrap="truncate">
					{title}
				</Text>
				{children}
			</Box>
		</Box>
	);
}

/** The dialog's inner width for a given area width. */
export function dialogInnerWidth(width: number): number {
	return Math.min(width, 80) - 4;
}
