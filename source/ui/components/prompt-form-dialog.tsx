/* @jsxRuntime automatic @jsxImportSource react */
// The "new prompt" form: text, name, negative prompt and video folder; Tab completes the folder.
// An empty name or negative prompt shows what will be used instead. A folder of rendered frames
// shows prepare's offer (what it makes, its warnings), then ffmpeg's wait, in place of the hints.
import {Box} from 'ink';
import {Text} from './text.js';
import {MODALITY_FILES} from '../../service/prepare-plan.js';
import {useNow} from '../hooks/use-now.js';
import {offerQuestion, type PrepareOffer, type PromptFormField, type PromptFormState} from '../state/prompt-form.js';
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
			{form.prepare ? (
				<PrepareLines offer={form.prepare} />
			) : (
				<>
					<Text dimColor wrap="truncate">
						{form.candidates.length > 0 ? `  ${form.candidates.map(name => `${name}/`).join('  ')}` : '  the folder holds color.mp4 (+ depth.mp4...) or rendered color.0001.png...'}
					</Text>
					<Text color={form.submitting ? 'cyan' : 'red'} wrap="wrap">
						{form.submitting ? 'reading the videos...' : (form.error ?? ' ')}
					</Text>
					<Text dimColor wrap="truncate">
						{`${form.field === 'folder' ? 'Tab complete folder' : 'Tab next'} · ↑/↓ field · Enter ${form.field === 'folder' ? 'create' : 'next'} · ctrl-u clear · Esc cancel`}
					</Text>
				</>
			)}
		</Dialog>
	);
}

/** prepare's question and warnings, then (Enter) the wait while ffmpeg makes the videos. */
function PrepareLines({offer}: {offer: PrepareOffer}) {
	const {startedAt} = offer;
	const running = startedAt !== null;
	const now = useNow(running);
	const files = offer.modalities.map(modality => MODALITY_FILES[modality]).join(', ');
	const seconds = running ? Math.max(0, Math.floor((now - startedAt) / 1000)) : 0;
	return (
		<>
			<Text color="cyan" wrap="wrap">
				{running ? `preparing ${offer.output}: ffmpeg is making ${files} from ${offer.frames} frames... ${seconds}s` : offerQuestion(offer)}
			</Text>
			{offer.warnings.map(warning => (
				<Text key={warning} color="yellow" wrap="wrap">{`warning: ${warning}`}</Text>
			))}
			<Text dimColor wrap="truncate">
				{running ? 'wait: the folder is moved into place once every video is made' : 'Enter prepare, then create the prompt · Esc back to the form'}
			</Text>
		</>
	);
}
