/* @jsxRuntime automatic @jsxImportSource react */
// The "new prompt" form: text and video folder, Tab completes the folder.
import {Box, Text} from 'ink';
import type {PromptFormState} from '../state/prompt-form.js';
import {Dialog, dialogInnerWidth} from './dialog.js';

export function PromptFormDialog({form, width, height}: {form: PromptFormState; width: number; height: number}) {
	const room = dialogInnerWidth(width) - 10;
	const field = (name: 'text' | 'folder', label: string) => {
		const focused = form.field === name;
		const value = form[name] + (focused ? '▏' : '');
		// Long text shows its end, where the typing happens.
		const shown = [...value].length > room ? `…${[...value].slice(-(room - 1)).join('')}` : value;
		return (
			<Box>
				<Text bold={focused} color={focused ? 'cyan' : undefined}>{`${focused ? '›' : ' '} ${label.padEnd(7)}`}</Text>
				<Text>{shown}</Text>
			</Box>
		);
	};
	return (
		<Dialog title="New prompt" width={width} height={height}>
			{field('text', 'Text')}
			{field('folder', 'Folder')}
			<Text dimColor wrap="truncate">
				{form.candidates.length > 0 ? `  ${form.candidates.map(name => `${name}/`).join('  ')}` : '  the folder holds color.mp4 (and depth.mp4, segmentation.mp4...)'}
			</Text>
			<Text color={form.submitting ? 'cyan' : 'red'} wrap="truncate">
				{form.submitting ? 'reading the videos...' : (form.error ?? ' ')}
			</Text>
			<Text dimColor wrap="truncate">
				Tab complete folder · ↑/↓ field · Enter next/create · ctrl-u clear · Esc cancel
			</Text>
		</Dialog>
	);
}
