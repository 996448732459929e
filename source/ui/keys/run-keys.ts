// The selected run's keys (runs pane, logs pane and queue view), as a lazygit-style controller:
// each binding's key, what it does and why it cannot run now live together here. registry.ts
// lists these bindings with all the others, so input handling, the `?` help and the key bar still
// come from one table; the bar leaves out what does not apply, and the key says why when pressed.
import {isActive, type Run} from '../../domain/model.js';
import {RATING_MAX} from '../../domain/rating.js';
import type {Binding} from './registry.js';

export const RUN_BINDINGS = [
	{id: 'run.rerun', keys: ['e'], label: 'rerun', context: 'run', description: 'Rerun with edited weights (prefilled from this run)', bar: true},
	{id: 'run.cancel', keys: ['x'], label: 'cancel', context: 'run', description: 'Cancel the selected run, queued, launching or running (asks first)', bar: true},
	{id: 'run.delete', keys: ['D'], label: 'delete', context: 'run', description: 'Delete the selected run and its files (asks first)'},
	{id: 'run.open-output', keys: ['o'], label: 'open video', context: 'run', description: 'Open the output video with the system player', bar: true},
	{id: 'run.save-log', keys: ['s'], label: 'save log', context: 'run', description: 'Save the whole log to a file and show where'},
	{id: 'run.open-folder', keys: ['O'], label: 'open folder', context: 'run', description: "Open the run's output folder (no file manager: show and copy its path)"},
	{id: 'run.rate-up', keys: ['+'], label: 'rate +', context: 'run', description: 'Rate the selected run one star higher (none → 1 … 5)'},
	{id: 'run.rate-down', keys: ['-'], label: 'rate -', context: 'run', description: 'Rate the selected run one star lower (1 → none)'},
	{id: 'run.note', keys: ['m'], label: 'note', context: 'run', description: 'Write a note on the selected run (a memo: shown in the details, found by /)'},
	{id: 'run.enhance', keys: ['E'], label: 'rerun enhanced', context: 'run', description: "Rerun with its weights, the prompt upsampler (Pixtral) rewriting the prompt first (as run --enhance); the details show what it wrote"},
	{id: 'run.upscale', keys: ['U'], label: 'upscale 4K', context: 'run', description: "Queue a 4K upscale of the selected run's output (weight 0.5; cosmos-tui upscale takes another)"},
] as const satisfies readonly Binding[];

export type RunCommandId = (typeof RUN_BINDINGS)[number]['id'];

type SelectedRun = Run & {promptName: string};

/**
 * What the run keys act on: the selected run, or what is selected instead (a sweep's row in the
 * runs pane, a host's row in the queue view, nothing).
 */
export type RunTarget = {run: SelectedRun | null; instead: {kind: 'sweep'; id: string} | {kind: 'host'} | null};

/** What the run commands ask for (use-actions.ts carries them out). */
export type RunHandlers = {
	rerun(run: SelectedRun): void;
	cancel(run: SelectedRun): void;
	delete(run: SelectedRun): void;
	openOutput(run: SelectedRun): void;
	saveLog(run: SelectedRun): void;
	openFolder(run: SelectedRun): void;
	rate(run: SelectedRun, delta: 1 | -1): void;
	note(run: SelectedRun): void;
	upscale(run: SelectedRun): void;
	enhance(run: SelectedRun): void;
};

type RunCommand = {
	/** Why the key does nothing now, given a run (said in the bar when pressed; the bar hides the key), or null. */
	whyNot?(run: SelectedRun): string | null;
	run(run: SelectedRun, handlers: RunHandlers): void;
};

export const RUN_COMMANDS: Record<RunCommandId, RunCommand> = {
	'run.rerun': {run: (run, handlers) => handlers.rerun(run)},
	'run.cancel': {
		whyNot: run =>
			!isActive(run.status) ? `${run.id} is ${run.status}: nothing to cancel` : run.cancel_requested_at !== null ? `${run.id}: cancel already asked; its worker is stopping it` : null,
		run: (run, handlers) => handlers.cancel(run),
	},
	'run.delete': {
		whyNot: run => (isActive(run.status) ? `${run.id} is ${run.status}: cancel it first (x)` : null),
		run: (run, handlers) => handlers.delete(run),
	},
	'run.open-output': {
		whyNot: run => (run.outputs.video ? null : `${run.id} has no output video (${run.status})`),
		run: (run, handlers) => handlers.openOutput(run),
	},
	'run.save-log': {
		whyNot: run => (run.status === 'queued' && !run.started_at ? `${run.id} is queued: no log yet` : null),
		run: (run, handlers) => handlers.saveLog(run),
	},
	'run.open-folder': {
		whyNot: run => (run.outputs.video || run.outputs.dir ? null : `${run.id} has no outputs yet (${run.status})`),
		run: (run, handlers) => handlers.openFolder(run),
	},
	'run.rate-up': {
		whyNot: run => (run.rating === RATING_MAX ? `${run.id} already has ${RATING_MAX} stars` : null),
		run: (run, handlers) => handlers.rate(run, 1),
	},
	'run.rate-down': {
		whyNot: run => (run.rating == null ? `${run.id} is not rated` : null),
		run: (run, handlers) => handlers.rate(run, -1),
	},
	'run.note': {run: (run, handlers) => handlers.note(run)},
	'run.enhance': {
		whyNot: run => (run.upscale ? `${run.id} is an upscale: there is no prompt to enhance (E on its parent)` : null),
		run: (run, handlers) => handlers.enhance(run),
	},
	'run.upscale': {
		whyNot: run => (run.upscale ? `${run.id} is an upscale already` : run.status !== 'success' || !run.outputs.video ? `${run.id} has no output video to upscale (${run.status})` : null),
		run: (run, handlers) => handlers.upscale(run),
	},
};

/**
 * The target of the run keys on the main screen: the selected run; else, in the queue view, a
 * host's row, or in the runs pane, a sweep's row.
 */
export function runTarget(
	focus: string,
	selection: {selectedRun: SelectedRun | null; selectedRunItem: {kind: string; id: string} | null; selectedQueueItem: {kind: string} | null},
): RunTarget {
	if (selection.selectedRun) return {run: selection.selectedRun, instead: null};
	if (focus === 'queue') return {run: null, instead: selection.selectedQueueItem?.kind === 'host' ? {kind: 'host'} : null};
	const item = selection.selectedRunItem;
	return {run: null, instead: item?.kind === 'sweep' ? {kind: 'sweep', id: item.id} : null};
}

export function isRunCommand(id: string): id is RunCommandId {
	return Object.hasOwn(RUN_COMMANDS, id);
}

/** Why a run command cannot run on this target now, or null when it can. */
export function whyNotRunCommand(id: RunCommandId, target: RunTarget): string | null {
	if (!target.run) {
		if (target.instead?.kind === 'host') return 'a host: select a run';
		if (target.instead?.kind === 'sweep') return `${target.instead.id} is a sweep: select one of its runs (Enter unfolds it)`;
		return 'no run selected';
	}
	return RUN_COMMANDS[id].whyNot?.(target.run) ?? null;
}

/** Runs a run command, or says why it cannot run now. */
export function runRunCommand(id: RunCommandId, target: RunTarget, handlers: RunHandlers, say: (why: string) => void): void {
	const why = whyNotRunCommand(id, target);
	if (why === null) RUN_COMMANDS[id].run(target.run!, handlers);
	else say(why);
}

/** The run commands that cannot run on this target: the key bar leaves them out. */
export function disabledRunCommands(target: RunTarget): ReadonlySet<string> {
	return new Set(RUN_BINDINGS.filter(binding => whyNotRunCommand(binding.id, target) !== null).map(binding => binding.id));
}
