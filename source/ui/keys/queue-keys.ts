// The queue view's keys, as a lazygit-style controller: each binding's key, what it does and why
// it cannot run now live together here. registry.ts lists these bindings with all the others, so
// input handling, the `?` help and the key bar still come from one table.
import type {HostQueueView} from '../../service/queue.js';
import type {Move} from '../../service/scheduler/queue-order.js';
import {pauseTarget, whyNotMove, type QueueItem} from '../state/queue-items.js';
import type {Binding} from './registry.js';

export const QUEUE_BINDINGS = [
	{id: 'queue.details', keys: ['enter'], label: 'details', context: 'queue', description: 'All about the selected run', bar: true},
	{id: 'queue.up', keys: ['K', 'shift+up'], label: 'move up', context: 'queue', description: 'Move the selected queued run one place up', bar: true},
	{id: 'queue.down', keys: ['J', 'shift+down'], label: 'move down', context: 'queue', description: 'Move the selected queued run one place down', bar: true},
	{id: 'queue.top', keys: ['T'], label: 'to top', context: 'queue', description: 'Move the selected queued run to the front of the queue'},
	{id: 'queue.bottom', keys: ['B'], label: 'to bottom', context: 'queue', description: 'Move the selected queued run to the back of the queue'},
	{
		id: 'queue.pause',
		keys: ['p'],
		label: 'pause/resume',
		context: 'queue',
		description: "Pause or resume the selected host, or the selected run's host (its runs go on; nothing new starts there)",
		bar: true,
	},
] as const satisfies readonly Binding[];

export type QueueCommandId = (typeof QUEUE_BINDINGS)[number]['id'];

/** What the queue commands act on: the selected row and the hosts as last read. */
export type QueueTarget = {item: QueueItem | null; hosts: readonly HostQueueView[]};

/** What the queue commands ask for (use-actions.ts carries them out). */
export type QueueHandlers = {
	details(runId: string): void;
	move(runId: string, move: Move): void;
	setPaused(host: string, paused: boolean): void;
};

type QueueCommand = {
	/** Why the key does nothing now (said in the bar when pressed; the bar hides the key), or null. */
	whyNot(target: QueueTarget): string | null;
	run(target: QueueTarget, handlers: QueueHandlers): void;
};

const move = (direction: Move): QueueCommand => ({
	whyNot: ({item}) => whyNotMove(item),
	run: ({item}, handlers) => handlers.move(item!.id, direction),
});

export const QUEUE_COMMANDS: Record<QueueCommandId, QueueCommand> = {
	'queue.details': {
		whyNot: ({item}) => (item?.kind === 'run' ? null : item ? 'a host: p pauses or resumes it' : 'nothing selected'),
		run: ({item}, handlers) => handlers.details(item!.id),
	},
	'queue.up': move('up'),
	'queue.down': move('down'),
	'queue.top': move('top'),
	'queue.bottom': move('bottom'),
	'queue.pause': {
		whyNot: target => {
			const found = pauseTarget(target.item, target.hosts);
			return 'why' in found ? found.why : null;
		},
		run: (target, handlers) => {
			const found = pauseTarget(target.item, target.hosts);
			if (!('why' in found)) handlers.setPaused(found.host, !found.paused);
		},
	},
};

export function isQueueCommand(id: string): id is QueueCommandId {
	return Object.hasOwn(QUEUE_COMMANDS, id);
}

/** Runs a queue command, or says why it cannot run now. */
export function runQueueCommand(id: QueueCommandId, target: QueueTarget, handlers: QueueHandlers, say: (why: string) => void): void {
	const command = QUEUE_COMMANDS[id];
	const why = command.whyNot(target);
	if (why === null) command.run(target, handlers);
	else say(why);
}

/** The queue commands that cannot run on this target: the key bar leaves them out. */
export function disabledQueueCommands(target: QueueTarget): ReadonlySet<string> {
	return new Set(QUEUE_BINDINGS.filter(binding => QUEUE_COMMANDS[binding.id].whyNot(target) !== null).map(binding => binding.id));
}
