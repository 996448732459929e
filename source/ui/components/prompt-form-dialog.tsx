/* @jsxRuntime automatic @jsxImportSource react */
// The "new prompt" form: text, name, negative prompt and video folder; Tab completes the folder.
// An empty name or negative prompt shows what will be used instead.
import {Box} from 'ink';
import {Text} from './text.js';
import type {PromptFormField, PromptFormState} from '../state/prompt-form.js';
import {Dialog, dialogInnerWidth} from './dialog.js';

const LABELS: Record<PromptFormField, string> = {text: 'Text', name: 'Name', negative: 'Negative', folder: 'Folder'};
/** Shown in an empty optional field: what the service uses instead. */
const EMPTY_HINTS: Partial<Record<PromptFormField, string>> = {name: 'made from the text', negative: "the config's negative prompt"};

export function PromptFormDialog({form, width, height}: {form: PromptFormState; width: number; height: number}) {
	const room = dialogInnerWidth(width) - 12;
	const field = (name: PromptFormField) => {
		const focused = form.field === name;
		const value = form[name] + (focused ? '▏' : '');
		// Long text shows its end, where the typing happens.
		const shown = [...value].length > room ? `…${[...value].slice(-(room - 1)).join('')}` : value;
		const hint = form[name] === '' ? EMPTY_HINTS[name] : undefined;
		return (
			<Box key={name}>
				<Text bold={focused} color={focused ? 'cyan' : undefined}>{`${focused ? '›' : ' '} ${LABELS[name].padEnd(9)}`}</Text>
				<Text>{shown}</Text>
				{hint ? <Text dimColor wrap="truncate">{`${focused ? ' ' : ''}(empty: ${hint})`}</Text> : null}
			</Box>
		);
	};
	return (
		<Dialog title="New prompt" width={width} height={height}>
			{field('text')}
			{field('name')}
			{field('negative')}
			{field('folder')}
			<Text dimColor wrap="truncate">
				{form.candidates.length > 0 ? `  ${form.candidates.map(name => `${name}/`).join('  ')}` : '  the folder holds color.mp4 (and depth.mp4, segmentation.mp4...)'}
			</Text>
			<Text color={form.submitting ? 'cyan' : 'red'} wrap="truncate">
				{form.submitting ? 'reading the videos...' : (form.error ?? ' ')}
			</Text>
			<Text dimColor wrap="truncate">
				{`${form.field === 'folder' ? 'Tab complete folder' : 'Tab next'} · ↑/↓ field · Enter ${form.field === 'folder' ? 'create' : 'next'} · ctrl-u clear · Esc cancel`}
			</Text>
		</Dialog>
	);
}
