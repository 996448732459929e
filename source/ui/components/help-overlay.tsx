/* @jsxRuntime automatic @jsxImportSource react */
// "?": every key of the registry, grouped by where it applies, scrollable.
import {Box, Text} from 'ink';
import {helpLines} from '../keys/help.js';

const LINES = helpLines();
const KEYS_WIDTH = 26;

export function HelpOverlay({scroll, width, height}: {scroll: number; width: number; height: number}) {
	const rows = Math.max(1, height - 3);
	const top = Math.min(scroll, Math.max(0, LINES.length - rows));
	return (
		<Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor="cyan" paddingX={1} overflow="hidden">
			<Text bold color="cyan" wrap="truncate">
				{`Keys (${top + 1}-${Math.min(LINES.length, top + rows)} of ${LINES.length}; j/k scroll, Esc closes)`}
			</Text>
			{LINES.slice(top, top + rows).map((line, i) => {
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
