/* @jsxRuntime automatic @jsxImportSource react */
// The runs pane: all runs or the selected prompt's, with live status, progress and ETA; the runs
// of a sweep under one row for the sweep (Enter folds or unfolds it).
import {Box} from 'ink';
import {memo} from 'react';
import type {DurationSample} from '../state/eta.js';
import {sweepRow, type RunItem} from '../state/run-items.js';
import {fitSegments, runRow} from '../state/run-summary.js';
import {ListRows} from './list-rows.js';
import {Pane} from './pane.js';
import {filterStatus} from './prompts-pane.js';
import {Segments} from './segments.js';

type Props = {
	items: readonly RunItem[];
	/** Runs shown (sweep rows not counted), for the title. */
	shown: number;
	selected: number;
	focused: boolean;
	width: number;
	height: number;
	filter: string;
	editingFilter: boolean;
	/** The reopened filter's old text is selected (typing replaces it). */
	filterSelected?: boolean;
	total: number;
	/** null: all runs; else the name of the prompt whose runs are shown. */
	promptName: string | null;
	now: number;
	durations: readonly DurationSample[];
};

export const RunsPane = memo(function RunsPane(props: Props) {
	const {items, shown, selected, focused, width, height, filter, editingFilter, filterSelected, total, promptName, now, durations} = props;
	const scope = promptName === null ? 'all' : `of ${promptName}`;
	// An upscale shows its parent's rating while it has none of its own (the parent is usually in view).
	const ratings = new Map(items.flatMap(item => (item.kind === 'sweep' ? [] : [[item.run.id, item.run.rating ?? null] as const])));
	return (
		<Pane title="2 Runs" status={`${scope} · ${filterStatus(filter, editingFilter, shown, total, filterSelected)}`} focused={focused} width={width} height={height}>
			<ListRows
				items={items}
				selected={selected}
				height={height - 2}
				empty={filter ? 'no run matches the filter' : promptName === null ? 'no runs yet: select a prompt and press r' : 'no runs of this prompt yet: r runs it'}
				row={(item, isSelected) => (
					<Box key={item.id}>
						<Segments
							inverse={isSelected && focused}
							bold={isSelected && !focused}
							segments={
								item.kind === 'sweep'
									? fitSegments(sweepRow(item), width - 2, isSelected)
									: runRow(item.run, {now, durations, width: width - 2, showPrompt: promptName === null, pad: isSelected, indent: item.inSweep, parentRating: item.run.upscale && item.run.parent_run_id ? ratings.get(item.run.parent_run_id) : null})
							}
						/>
					</Box>
				)}
			/>
		</Pane>
	);
});
