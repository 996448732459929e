/* @jsxRuntime automatic @jsxImportSource react */
// Shown instead of the panes when the terminal is below the minimum size.
import {Box} from 'ink';
import {Text} from './text.js';

export function TooSmall({columns, rows, minColumns, minRows}: {columns: number; rows: number; minColumns: number; minRows: number}) {
	return (
		<Box width={columns} height={Math.max(1, rows - 1)} alignItems="center" justifyContent="center">
			<Text color="yellow" wrap="truncate">
				{`terminal too small: ${columns}x${rows}, need ${minColumns}x${minRows}`}
			</Text>
		</Box>
	);
}
