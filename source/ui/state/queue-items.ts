// The queue view's rows, derived from the service's queue view: hosts (with their GPUs), then the
// runs launching or running, then the queued runs in order. Pure; the component lays them out.
import type {Run} from '../../domain/model.js';
import type {HostQueueView, QueueEntry, QueueView} from '../../service/queue.js';
import type {RunRow} from '../data/live-data.js';

export type QueueItem =
	| {kind: 'host'; id: string; host: HostQueueView}
	/** entry: its place in the queue; null for a run launching or running. */
	| {kind: 'run'; id: string; run: RunRow; entry: QueueEntry | null};

export type QueueSection = {title: string; items: QueueItem[]};

/** Host rows are keyed apart from run ids (which start with rs_). */
export const hostItemId = (name: string): string => `host:${name}`;

/** Rows in sections; `rowOf` gives a run its prompt's name (and the freshest copy the UI has). */
export function queueSections(view: QueueView | null, rowOf: (run: Run) => RunRow): QueueSection[] {
	if (!view) return [];
	return [
		{title: `Hosts (${view.hosts.length})`, items: view.hosts.map(host => ({kind: 'host', id: hostItemId(host.name), host}))},
		{title: `Launching and running (${view.active.length})`, items: view.active.map(run => ({kind: 'run', id: run.id, run: rowOf(run), entry: null}))},
		{title: `Queued (${view.queued.length})`, items: view.queued.map(entry => ({kind: 'run', id: entry.run.id, run: rowOf(entry.run), entry}))},
	];
}

export function queueItems(sections: readonly QueueSection[]): QueueItem[] {
	return sections.flatMap(section => section.items);
}

/** The host p pauses or resumes for this row, or why there is none. */
export function pauseTarget(item: QueueItem | null, hosts: readonly HostQueueView[]): {host: string; paused: boolean} | {why: string} {
	if (!item) return {why: 'nothing selected'};
	const name = item.kind === 'host' ? item.host.name : (item.run.placement?.host ?? item.run.host);
	if (name === null) return {why: `${item.id} may go to any host: select a host row to pause one`};
	const host = hosts.find(candidate => candidate.name === name);
	if (!host) return {why: `host ${name} is not configured`};
	return {host: name, paused: host.paused};
}

/** Why a row cannot move in the queue, or null. */
export function whyNotMove(item: QueueItem | null): string | null {
	if (!item) return 'nothing selected';
	if (item.kind === 'host') return 'a host: only a queued run can move';
	if (item.entry === null) return `${item.id} is ${item.run.status}: only a queued run can move`;
	return null;
}

/** "rs_1a2b3c": enough of a run id to tell runs apart on a crowded line (4+ characters resolve). */
export function shortId(id: string): string {
	return id.slice(0, 9);
}
