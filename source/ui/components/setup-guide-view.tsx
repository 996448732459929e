/* @jsxRuntime automatic @jsxImportSource react */
// The start screen's body when there is no GPU host and no prompt yet: where the config is looked
// for, `init`, and the sandbox (state/setup-guide.ts says what).
import {Box} from 'ink';
import {Text, tint} from './text.js';
import {plain} from '../state/run-summary.js';
import {setupGuide, type SetupInfo} from '../state/setup-guide.js';

export function SetupGuideView({setup, width, height}: {setup: SetupInfo; width: number; height: number}) {
	const lines = setupGuide(setup);
	return (
		<Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor={tint('yellow')} paddingX={1} overflow="hidden">
			{lines.map((line, index) => (
				<Text
					key={index}
					wrap="wrap"
					bold={line.tone === 'title'}
					color={line.tone === 'title' ? 'yellow' : line.tone === 'command' ? 'cyan' : undefined}
					dimColor={line.tone === 'dim'}
				>
					{plain(line.text) || ' '}
				</Text>
			))}
		</Box>
	);
}
