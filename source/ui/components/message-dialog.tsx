/* @jsxRuntime automatic @jsxImportSource react */
// An error or notice that needs reading (a run that could not start, the host refusing us, the
// last message of the bar with `!`): wrapped in full, scrolled when taller than the screen.
import {plain} from '../state/run-summary.js';
import {wrapText} from '../text/wrap.js';
import {dialogInnerWidth, Dialog} from './dialog.js';
import {ScrolledLines} from './scrolled-lines.js';
import {Text} from './text.js';

type Props = {title: string; text: string; scroll?: number; scrollMax?: {current: number}; width: number; height: number};

export function MessageDialog({title, text, scroll = 0, scrollMax = {current: 0}, width, height}: Props) {
	// plain() makes one line of stored text; the message keeps its own line breaks.
	const rows = wrapText(text.split('\n').map(plain).join('\n'), dialogInnerWidth(width)).map((row, i) => (
		<Text key={i} wrap="truncate">
			{row === '' ? ' ' : row}
		</Text>
	));
	return (
		<Dialog title={title} width={width} height={height} tone="error">
			<ScrolledLines rows={rows} scroll={scroll} height={height} close="Enter or Esc closes" scrollMax={scrollMax} />
		</Dialog>
	);
}
