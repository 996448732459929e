/* @jsxRuntime automatic @jsxImportSource react */
// The launch / rerun form: one row per field, the focused one between ◀ ▶, changed values marked.
import {Box, Text} from 'ink';
import {progressBar} from '../state/run-summary.js';
import {fieldText, fieldValue, visibleFields, type WeightsFormState} from '../state/weights-form.js';
import {Dialog} from './dialog.js';

export function WeightsEditor({form, width, height}: {form: WeightsFormState; width: number; height: number}) {
	const title = form.mode === 'rerun' ? `Rerun ${form.parentRunId} (${form.promptName})` : `Run ${form.promptName}`;
	const fields = visibleFields(form);
	return (
		<Dialog title={title} width={width} height={height}>
			<Text dimColor wrap="truncate">
				{form.mode === 'rerun' ? 'Prefilled from the run; changed values are marked *.' : 'The defaults; changed values are marked *.'}
			</Text>
			{fields.map(field => {
				const focused = field.id === form.field;
				const value = fieldValue(form.values, field.id);
				const changed = value !== fieldValue(form.initial, field.id);
				const text = fieldText(form, field.id) + (focused && form.typing !== null ? '▏' : '');
				return (
					<Box key={field.id}>
						<Text bold={focused} color={focused ? 'cyan' : undefined}>{`${focused ? '›' : ' '} ${field.label.padEnd(10)}`}</Text>
						<Text inverse={focused}>{` ${focused ? '◀' : ' '} ${text.padStart(10)} ${focused ? '▶' : ' '} `}</Text>
						<Text color="yellow">{changed ? ' *' : '  '}</Text>
						{field.kind === 'number' && field.max === 1 ? <Text color="cyan">{` ${progressBar(Number(value), 20)}`}</Text> : null}
					</Box>
				);
			})}
			{form.advanced ? null : (
				<Text dimColor wrap="truncate">
					{`  advanced (a): steps ${form.values.parameters.num_steps} · guidance ${form.values.parameters.guidance} · seed ${form.values.parameters.seed} · gpus ${form.values.parameters.num_gpus} ...`}
				</Text>
			)}
			<Text color={form.submitting ? 'cyan' : 'yellow'} wrap="truncate">
				{form.submitting ? 'creating the run...' : (form.notice ?? ' ')}
			</Text>
			<Text dimColor wrap="truncate">
				←/→ ±step · 0-9 type · Tab/↓ next · a advanced · Enter launch · Esc cancel
			</Text>
		</Dialog>
	);
}
