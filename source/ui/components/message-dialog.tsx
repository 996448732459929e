/* @jsxRuntime automatic @jsxImportSource react */
// An error or notice that needs reading (a run that could not start, the host refusing us).
import {Text} from 'ink';
import {plain} from '../state/run-summary.js';
import {Dialog} from './dialog.js';

export function MessageDialog({title, text, width, height}: {title: string; text: string; width: number; height: number}) {
	return (
		<Dialog title={title} width={width} height={height} tone="error">
			<Text wrap="wrap">{plain(text)}</Text>
			<Text dimColor>Enter or Esc closes</Text>
		</Dialog>
	);
}
