/* @jsxRuntime automatic @jsxImportSource react */
// The log of the selected run: following or paused, wrapped or cut, filtered with matches
// highlighted. Rows come ready from the log view model (sanitized: only colours survive).
import {COLORS} from '../text/color-mode.js';
import {dropColors} from '../text/styled.js';
import {Text} from './text.js';
import {memo} from 'react';
import type {LogView} from '../data/log-store.js';
import {describeLogView, type LogViewState, type LogWindow} from '../state/log-view.js';
import {Pane} from './pane.js';
import {filterText} from './prompts-pane.js';

type Props = {
	runId: string | null;
	/** The run is queued, launching or running: its log may still come. */
	active: boolean;
	view: LogView | null;
	state: LogViewState;
	window: LogWindow;
	focused: boolean;
	editingFilter: boolean;
	/** The reopened filter's old text is selected (typing replaces it). */
	filterSelected?: boolean;
	width: number;
	height: number;
};

export const LogsPane = memo(function LogsPane({runId, active, view, state, window, focused, editingFilter, filterSelected = false, width, height}: Props) {
	let status = runId ? `${runId} · ${describeLogView(state, window, active)}` : 'no run selected';
	if (editingFilter) status = `${runId ?? ''} · /${filterText(state.filter, true, filterSelected)}`;
	if (view?.origin === 'saved') status += ' · saved log';
	return (
		<Pane title="3 Logs" status={status} focused={focused} width={width} height={height}>
			<Body runId={runId} active={active} view={view} window={window} filter={state.filter} />
		</Pane>
	);
});

function Body({runId, active, view, window, filter}: {runId: string | null; active: boolean; view: LogView | null; window: LogWindow; filter: string}) {
	const note = (text: string, color?: string) => (
		<Text dimColor={!color} color={color} wrap="truncate">
			{text}
		</Text>
	);
	if (!runId) return note('Select a run to see its log.');
	if (!view || view.state === 'loading') return note('reading the log...');
	if (view.error) return note(`cannot read the log: ${view.error}`, 'red');
	if (window.rows.length === 0) {
		return note(filter ? `no line matches "${filter}"` : view.origin === 'live' || active ? 'waiting for output...' : 'no output saved for this run');
	}
	return (
		<>
			{window.rows.map(row => (
				<Text key={row.key} wrap="truncate" inverse={row.current}>
					{COLORS ? row.text : dropColors(row.text)}
				</Text>
			))}
		</>
	);
}
