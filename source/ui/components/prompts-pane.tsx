/* @jsxRuntime automatic @jsxImportSource react */
// The prompts pane: name, text and date of each prompt, filtered with "/".
import {Box} from 'ink';
import {memo} from 'react';
import type {Prompt} from '../../domain/model.js';
import {formatDate} from '../../format/format.js';
import {fitSegments, plain} from '../state/run-summary.js';
import {ListRows} from './list-rows.js';
import {Pane} from './pane.js';
import {Segments} from './segments.js';

type Props = {
	prompts: readonly Prompt[];
	selected: number;
	focused: boolean;
	width: number;
	height: number;
	filter: string;
	editingFilter: boolean;
	/** The reopened filter's old text is selected (typing replaces it). */
	filterSelected?: boolean;
	total: number;
	/** A prompt's name by id (the original of an enhanced prompt); null: unknown (deleted). */
	nameOf?: (id: string) => string | null;
};

export const PromptsPane = memo(function PromptsPane({prompts, selected, focused, width, height, filter, editingFilter, filterSelected, total, nameOf}: Props) {
	const inner = width - 2;
	const status = filterStatus(filter, editingFilter, prompts.length, total, filterSelected);
	return (
		<Pane title="1 Prompts" status={status} focused={focused} width={width} height={height}>
			<ListRows
				items={prompts}
				selected={selected}
				height={height - 2}
				empty={filter ? 'no prompt matches the filter' : 'no prompts yet: c creates one'}
				row={(prompt, isSelected) => (
					<Box key={prompt.id}>
						<Segments
							inverse={isSelected && focused}
							bold={isSelected && !focused}
							segments={fitSegments(
								[
									{text: isSelected ? '› ' : '  '},
									{text: `${plain(prompt.name).slice(0, 24).padEnd(24)} `, bold: true},
									{text: `${formatDate(prompt.created_at).slice(5)} `, dim: true},
									...(prompt.enhanced_from ? [{text: `${enhancedFromText(prompt.enhanced_from, nameOf)}: `, color: 'cyan' as const}] : []),
									{text: plain(prompt.prompt_text)},
								],
								inner,
								isSelected,
							)}
						/>
					</Box>
				)}
			/>
		</Pane>
	);
});

/** "enhanced from <the original's name>" (its id once it is deleted). */
export function enhancedFromText(link: NonNullable<Prompt['enhanced_from']>, nameOf?: (id: string) => string | null): string {
	return `enhanced from ${plain(nameOf?.(link.prompt_id) ?? link.prompt_id)}`;
}

/** "all (12)", "filter: street▏ (3 of 12)". */
export function filterStatus(filter: string, editing: boolean, shown: number, total: number, selected = false): string {
	if (filter === '' && !editing) return `${total}`;
	return `/${filterText(filter, editing, selected)} (${shown} of ${total})`;
}

/** The filter as typed, with the cursor while editing; a reopened filter's text shows selected: [text]. */
export function filterText(filter: string, editing: boolean, selected: boolean): string {
	if (!editing) return filter;
	return selected ? `[${filter}]▏` : `${filter}▏`;
}
