/* @jsxRuntime automatic @jsxImportSource react */
// The launch / rerun form: one row per field, the focused one between ◀ ▶, changed values marked.
// A field holding a list or range shows its values (or why it does not parse) beside it, and the
// form says how many runs the sweep makes. A value the CLI would refuse shows as typed, with the
// rule's message under it. The enhance toggle shows off / on with what it does beside it.
import {Box} from 'ink';
import {Text} from './text.js';
import {formLists, gridLabel} from '../state/form-lists.js';
import {progressBar} from '../state/run-summary.js';
import {fieldProblem, fieldText, fieldValue, visibleFields, type WeightsFormState} from '../state/weights-form.js';
import {truncate} from '../../format/format.js';
import {Dialog, dialogInnerWidth} from './dialog.js';

/** A field's row before what follows its value: "› label      ◀ value ▶  *". */
const ROW_WIDTH = 30;

export function WeightsEditor({form, width, height}: {form: WeightsFormState; width: number; height: number}) {
	const title = form.mode === 'rerun' ? `Rerun ${form.parentRunId} (${form.promptName})` : `Run ${form.promptName}`;
	const fields = visibleFields(form);
	const lists = formLists(form);
	const grid = gridLabel(form);
	const hiddenLists = lists.filter(list => !fields.some(field => field.id === list.id));
	const hiddenProblems = form.advanced ? [] : visibleFields({advanced: true}).filter(field => field.advanced).flatMap(field => fieldProblem(form, field.id) ?? []);
	return (
		<Dialog title={title} width={width} height={height}>
			<Text dimColor wrap="truncate">
				{form.mode === 'rerun' ? 'Prefilled from the run; changed values are marked *.' : 'The defaults; changed values are marked *.'}
			</Text>
			{fields.map(field => {
				const focused = field.id === form.field;
				const value = field.kind === 'toggle' ? form.enhance : fieldValue(form.values, field.id);
				const initial = field.kind === 'toggle' ? form.initialEnhance : fieldValue(form.initial, field.id);
				const list = lists.find(candidate => candidate.id === field.id);
				const problem = fieldProblem(form, field.id);
				const changed = list !== undefined || form.invalid[field.id] !== undefined || value !== initial;
				const text = fieldText(form, field.id) + (focused && form.typing !== null ? '▏' : '');
				return (
					<Box key={field.id} flexDirection="column">
						<Box>
							<Text bold={focused} color={focused ? 'cyan' : undefined}>{`${focused ? '›' : ' '} ${field.label.padEnd(10)}`}</Text>
							<Text inverse={focused}>{` ${focused ? '◀' : ' '} ${text.padStart(10)} ${focused ? '▶' : ' '} `}</Text>
							<Text color="yellow">{changed ? ' *' : '  '}</Text>
							{problem ? (
								<Text color="red">{' ✗'}</Text>
							) : list ? (
								<Text color={list.error ? 'red' : 'cyan'}>{list.error ? ' ✗' : ` ${list.values!.length} values`}</Text>
							) : field.kind === 'number' && field.max === 1 ? (
								<Text color="cyan">{` ${progressBar(Number(value), 20)}`}</Text>
							) : field.kind === 'toggle' ? (
								// Cut to the row's room: a hint Ink had to shrink would squeeze the value instead.
								<Text dimColor>{` ${truncate(field.hint, Math.max(0, dialogInnerWidth(width) - ROW_WIDTH - 1))}`}</Text>
							) : null}
						</Box>
						{(problem ?? list?.error) ? (
							<Text color="red" wrap="truncate">
								{`    ${problem ?? list?.error}`}
							</Text>
						) : null}
					</Box>
				);
			})}
			{form.advanced ? null : (
				<Text dimColor wrap="truncate">
					{`  advanced (a): steps ${fieldText(form, 'num_steps')} · guidance ${fieldText(form, 'guidance')} · seed ${fieldText(form, 'seed')} · gpus ${fieldText(form, 'num_gpus')} · enhance ${fieldText(form, 'enhance')} ...`}
				</Text>
			)}
			{hiddenLists.some(list => list.error) || hiddenProblems.length > 0 ? (
				<Text color="red" wrap="truncate">
					{`  ${[...hiddenProblems, ...hiddenLists.filter(list => list.error).map(list => `${list.label}: ${list.error}`)].join(' · ')}`}
				</Text>
			) : null}
			<Text color={grid ? 'cyan' : undefined} bold={Boolean(grid)} dimColor={!grid} wrap="truncate">
				{grid ? `sweep: ${grid} (${lists.map(list => `${list.label} ${list.values?.length ?? '?'}`).join(' × ')})` : 'one run · a list (0.2,0.6) or range (0.1:0.5:0.2) in a field makes a sweep'}
			</Text>
			<Text color={form.submitting ? 'cyan' : 'yellow'} wrap="truncate">
				{form.submitting ? (grid ? 'queueing the sweep...' : 'queueing the run...') : (form.notice ?? ' ')}
			</Text>
			<Text dimColor wrap="truncate">
				{`←/→ ±step · 0-9 . , : type · Tab/↓ next · a advanced · Enter ${grid ? `queue ${grid}` : 'queue'} · Esc close`}
			</Text>
		</Dialog>
	);
}
