/* @jsxRuntime automatic @jsxImportSource react */
// The full screen for a given layout: header, panes (or the queue view, or the open dialog),
// details, key bar. The root is exactly layout.rootHeight rows, one less than the terminal.
import {Box} from 'ink';
import {useMemo} from 'react';
import {isActive} from '../../domain/model.js';
import type {HostQueueView} from '../../service/queue.js';
import type {LiveSnapshot, RunRow} from '../data/live-data.js';
import type {QueueSnapshot} from '../data/queue-watch.js';
import type {LogViewModel} from '../hooks/use-log-view.js';
import type {ScreenModel} from '../hooks/use-screen-model.js';
import {disabledPromptCommands} from '../keys/prompt-keys.js';
import {disabledQueueCommands} from '../keys/queue-keys.js';
import {disabledRunCommands, runTarget} from '../keys/run-keys.js';
import type {KeyContext} from '../keys/registry.js';
import type {PaneLayout} from '../layout/layout.js';
import type {AppState} from '../state/app-state.js';
import {ConfirmDialog} from './confirm-dialog.js';
import {DetailsStrip} from './details-strip.js';
import {Header} from './header.js';
import {HelpOverlay} from './help-overlay.js';
import {KeyBar} from './key-bar.js';
import {LogsPane} from './logs-pane.js';
import {HostKeyDialog} from './host-key-dialog.js';
import {NoteDialog} from './note-dialog.js';
import {SetupGuideView} from './setup-guide-view.js';
import type {SetupInfo} from '../state/setup-guide.js';
import {MessageDialog} from './message-dialog.js';
import {PromptFormDialog} from './prompt-form-dialog.js';
import {PromptsPane} from './prompts-pane.js';
import {QueueView} from './queue-view.js';
import {RunDetails} from './run-details.js';
import {RunsPane} from './runs-pane.js';
import {WeightsEditor} from './weights-editor.js';

export type ScreenProps = {
	layout: PaneLayout;
	state: AppState;
	model: ScreenModel;
	live: LiveSnapshot;
	queue: QueueSnapshot;
	logView: LogViewModel;
	contexts: readonly KeyContext[];
	/** Set by the details or message dialog when drawn: how far it can scroll. */
	scrollMax: {current: number};
	now: number;
	logPath: (runId: string) => string;
	promptText: (promptId: string) => string | null;
	/** Where the config was looked for: the body's guide when there is no GPU host and no prompt. */
	setup: SetupInfo;
};

export function Screen(props: ScreenProps) {
	const {layout, state, model, live, queue, contexts, now, logPath} = props;
	const selectedRun = model.selectedRun;
	const entry = queue.view?.queued.find(candidate => candidate.run.id === selectedRun?.id) ?? null;
	const inQueue = state.focus === 'queue' && !state.modal;
	const item = model.selectedQueueItem;
	// The bar shows only the keys that apply to the selection (each controller says which do not).
	const hidden = useMemo(
		() =>
			new Set([
				...(inQueue ? disabledQueueCommands({item, hosts: queue.view?.hosts ?? []}) : []),
				...disabledRunCommands(runTarget(state.focus, model)),
				...disabledPromptCommands(model.selectedPrompt),
				// An empty runs pane: nothing to show details of or run again.
				...(model.selectedRunItem ? [] : ['run.details', 'run.run-prompt']),
			]),
		[inQueue, item, queue.view, state.focus, model],
	);
	return (
		<Box flexDirection="column" width={layout.columns} height={layout.rootHeight}>
			<Box height={layout.header} flexShrink={0}>
				<Header queue={queue} counts={live.counts} width={layout.columns} />
			</Box>
			<Box height={layout.body.height} flexShrink={0}>
				{state.modal ? (
					<ModalBody {...props} />
				) : queue.noHost && live.prompts.length === 0 && !inQueue ? (
					<SetupGuideView setup={props.setup} width={layout.body.width} height={layout.body.height} />
				) : inQueue ? (
					<QueueView
						sections={model.queueSections}
						selectedId={item?.id ?? null}
						queue={queue}
						width={layout.body.width}
						height={layout.body.height}
						now={now}
						durations={live.durations}
					/>
				) : (
					<Panes {...props} />
				)}
			</Box>
			<DetailsStrip
				run={selectedRun}
				sweep={state.focus === 'queue' ? null : model.selectedRunItem}
				note={inQueue && item?.kind === 'host' ? hostNote(item.host) : null}
				logPath={selectedRun ? logPath(selectedRun.id) : null}
				width={layout.columns}
				height={layout.details}
				now={now}
				entry={entry}
			/>
			<KeyBar contexts={contexts} hidden={hidden} flash={state.flash} width={layout.columns} height={layout.bar} />
		</Box>
	);
}

function hostNote(host: HostQueueView): string {
	const gpus = host.gpus === null ? 'GPUs unknown' : `${host.free} of ${host.gpus.length} GPUs free`;
	return `host ${host.name} · ${host.paused ? 'paused: p resumes it' : 'takes runs: p pauses it (its runs go on; nothing new starts)'} · ${gpus}`;
}

function Panes({layout, state, model, live, logView, now}: ScreenProps) {
	const promptName = state.runScope === 'prompt' ? (model.selectedPrompt?.name ?? '-') : null;
	// An enhanced prompt names its original: looked up among all prompts, not only those shown.
	const nameOf = useMemo(() => {
		const names = new Map(live.prompts.map(prompt => [prompt.id, prompt.name]));
		return (id: string) => names.get(id) ?? null;
	}, [live.prompts]);
	const prompts = (
		<PromptsPane
			prompts={model.prompts}
			selected={model.promptIndex}
			focused={state.focus === 'prompts'}
			width={layout.prompts.width}
			height={layout.prompts.height}
			filter={state.filters.prompts}
			editingFilter={state.editingFilter === 'prompts'}
			filterSelected={state.filterSelected}
			total={live.prompts.length}
			nameOf={nameOf}
		/>
	);
	const runs = (
		<RunsPane
			items={model.runItems}
			shown={model.runs.length}
			selected={model.runIndex}
			focused={state.focus === 'runs'}
			width={layout.runs.width}
			height={layout.runs.height}
			filter={state.filters.runs}
			editingFilter={state.editingFilter === 'runs'}
			filterSelected={state.filterSelected}
			total={live.runs.length}
			promptName={promptName}
			now={now}
			durations={live.durations}
		/>
	);
	const logs = (
		<LogsPane
			runId={logView.runId}
			active={model.selectedRun ? isActive(model.selectedRun.status) : false}
			view={logView.view}
			state={logView.state}
			window={logView.window}
			focused={state.focus === 'logs'}
			editingFilter={state.editingFilter === 'logs'}
			filterSelected={state.filterSelected}
			width={layout.logs.width}
			height={layout.logs.height}
		/>
	);
	if (layout.zoomed) return logs;
	if (layout.kind === 'wide') {
		return (
			<Box flexDirection="row">
				<Box flexDirection="column" width={layout.prompts.width} flexShrink={0}>
					{prompts}
					{runs}
				</Box>
				{logs}
			</Box>
		);
	}
	return (
		<Box flexDirection="column">
			{prompts}
			{runs}
			{logs}
		</Box>
	);
}

function ModalBody({layout, state, model, live, queue, logPath, promptText, scrollMax}: ScreenProps) {
	const {width, height} = layout.body;
	const modal = state.modal;
	switch (modal?.kind) {
		case 'help':
			return (
				<HelpOverlay scroll={modal.scroll} first={modal.first} filter={modal.filter ?? ''} typing={modal.typing ?? false} scrollMax={scrollMax} width={width} height={height} />
			);
		case 'confirm':
			return <ConfirmDialog confirm={modal.confirm} width={width} height={height} />;
		case 'editor':
			return <WeightsEditor form={modal.form} width={width} height={height} />;
		case 'prompt-form':
			return <PromptFormDialog form={modal.form} width={width} height={height} />;
		case 'host-key':
			return <HostKeyDialog host={modal.host} hostKey={modal.key} busy={modal.busy} error={modal.error} width={width} height={height} />;
		case 'note':
			return <NoteDialog runId={modal.runId} text={modal.text} error={modal.error} width={width} height={height} />;
		case 'message':
			return <MessageDialog title={modal.title} text={modal.text} scroll={modal.scroll ?? 0} scrollMax={scrollMax} width={width} height={height} />;
		case 'details': {
			const run: RunRow | null = live.runs.find(candidate => candidate.id === modal.runId) ?? model.selectedRun;
			const entry = queue.view?.queued.find(candidate => candidate.run.id === modal.runId) ?? null;
			const sweep = run?.sweep_id ? (live.sweeps[run.sweep_id] ?? null) : null;
			return (
				<RunDetails
					run={run}
					promptText={run ? promptText(run.prompt_id) : null}
					logPath={logPath(modal.runId)}
					entry={entry}
					sweep={sweep}
					scroll={modal.scroll ?? 0}
					scrollMax={scrollMax}
					width={width}
					height={height}
				/>
			);
		}
		default:
			return null;
	}
}
