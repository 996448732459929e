/* @jsxRuntime automatic @jsxImportSource react */
// Asks before a kill or a delete. No is highlighted until moved; y says yes.
import {Box} from 'ink';
import {Text} from './text.js';
import type {ConfirmState} from '../state/confirm.js';
import {Dialog} from './dialog.js';

export function ConfirmDialog({confirm, width, height}: {confirm: ConfirmState; width: number; height: number}) {
	return (
		<Dialog title={confirm.title} width={width} height={height} tone="danger">
			{confirm.lines.map((line, i) => (
				<Text key={i} wrap="wrap">
					{line}
				</Text>
			))}
			<Box marginTop={1} gap={3}>
				<Text inverse={confirm.focus === 'no'} bold>
					{' No '}
				</Text>
				<Text inverse={confirm.focus === 'yes'} bold color="red">
					{` ${confirm.yesLabel} `}
				</Text>
			</Box>
			<Text dimColor wrap="truncate">
				y {confirm.yesLabel.toLowerCase()} · n/Esc no · Enter takes the highlighted answer
			</Text>
		</Dialog>
	);
}
