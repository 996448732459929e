// The queue's order: higher priority first, then queue_order (the submission time unless the run
// was moved). Moving a run changes only its own priority and queue_order, so reordering is one
// small write; when halving gaps runs out of precision, the whole queue is renumbered.
import type {Run} from '../../domain/model.js';

export type QueueKey = Pick<Run, 'id' | 'priority' | 'queue_order'>;
export type Move = 'top' | 'up' | 'down' | 'bottom';
export const MOVES: readonly Move[] = ['top', 'up', 'down', 'bottom'];

export function compareQueue(a: QueueKey, b: QueueKey): number {
	if (a.priority !== b.priority) return b.priority - a.priority;
	if (a.queue_order !== b.queue_order) return a.queue_order - b.queue_order;
	return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function sortQueue<T extends QueueKey>(runs: readonly T[]): T[] {
	return [...runs].sort(compareQueue);
}

export type QueuePatch = {id: string; priority: number; queue_order: number};

/**
 * The patches that move `id` within `queue` (sorted, queued runs only). Up and down swap it with
 * its neighbour, taking the neighbour's priority (so a move is never undone by priority); top
 * and bottom put it before the first or after the last. Empty when it is already there.
 */
export function moveInQueue(queue: readonly QueueKey[], id: string, move: Move): QueuePatch[] {
	const index = queue.findIndex(run => run.id === id);
	if (index === -1) return [];
	const target = move === 'top' ? 0 : move === 'bottom' ? queue.length - 1 : move === 'up' ? index - 1 : index + 1;
	if (target < 0 || target >= queue.length || target === index) return [];
	const rest = queue.filter(run => run.id !== id);
	// In `rest`, the moved run goes between before and after.
	const slot = target;
	const before = rest[slot - 1];
	const after = rest[slot];
	// Take the priority of the run jumped over, so the move reads as a swap with it.
	const priority = move === 'up' || move === 'top' ? after!.priority : before!.priority;
	const low = before?.priority === priority ? before.queue_order : undefined;
	const high = after?.priority === priority ? after.queue_order : undefined;
	const order = low === undefined ? high! - 1 : high === undefined ? low + 1 : (low + high) / 2;
	if (low !== undefined && high !== undefined && !(order > low && order < high)) {
		return renumber([...rest.slice(0, slot), {...queue[index]!, priority}, ...rest.slice(slot)]);
	}
	return [{id, priority, queue_order: order}];
}

/** Gives every run of the queue, in this order, a fresh whole-number queue_order. */
function renumber(queue: readonly QueueKey[]): QueuePatch[] {
	return queue.map((run, index) => ({id: run.id, priority: run.priority, queue_order: index + 1}));
}
