// Starts the full-screen UI. (A placeholder screen until the TUI lands.)
import React from 'react';
import {Box, Text, render, useApp, useInput} from 'ink';
import type {WorkflowService} from '../service/workflow-service.js';

function Placeholder({hostLabel}: {hostLabel: string}) {
	const {exit} = useApp();
	useInput(input => {
		if (input === 'q') exit();
	});
	return (
		<Box flexDirection="column" padding={1}>
			<Text bold>cosmos-tui · {hostLabel}</Text>
			<Text>The full-screen session is on its way. Meanwhile: cosmos-tui --help</Text>
			<Text dimColor>q quits</Text>
		</Box>
	);
}

export async function launchUi(options: {service: WorkflowService; hostLabel: string}): Promise<number> {
	const app = render(<Placeholder hostLabel={options.hostLabel} />);
	await app.waitUntilExit();
	return 0;
}
