// The runs pane's rows: runs newest first, the runs of a sweep gathered under one row for their
// sweep (where its newest run would be), unless the sweep is folded. Pure.
import {RUN_STATUSES, type Sweep} from '../../domain/model.js';
import {SWEEP_AXES, formatAxis} from '../../domain/sweep.js';
import {STATUS_COLORS} from '../../format/format.js';
import type {RunRow} from '../data/live-data.js';
import {STATUS_ICONS, type Segment} from './run-summary.js';

export type RunItem =
	| {kind: 'sweep'; id: string; sweep: Sweep | null; runs: readonly RunRow[]; folded: boolean}
	| {kind: 'run'; id: string; run: RunRow; inSweep: boolean};

export function runItems(runs: readonly RunRow[], sweeps: Readonly<Record<string, Sweep>>, folded: readonly string[]): RunItem[] {
	const bySweep = new Map<string, RunRow[]>();
	for (const run of runs) {
		if (run.sweep_id === null) continue;
		const members = bySweep.get(run.sweep_id);
		if (members) members.push(run);
		else bySweep.set(run.sweep_id, [run]);
	}
	const items: RunItem[] = [];
	for (const run of runs) {
		const sweepId = run.sweep_id;
		if (sweepId === null) {
			items.push({kind: 'run', id: run.id, run, inSweep: false});
			continue;
		}
		const members = bySweep.get(sweepId);
		if (!members) continue; // its row is out already
		bySweep.delete(sweepId);
		const isFolded = folded.includes(sweepId);
		items.push({kind: 'sweep', id: sweepId, sweep: sweeps[sweepId] ?? null, runs: members, folded: isFolded});
		if (!isFolded) for (const member of members) items.push({kind: 'run', id: member.id, run: member, inSweep: true});
	}
	return items;
}

/** "vis 0.1,0.3,0.5 × edge 0.2,0.6" (axes in the CLI's order). */
export function axesText(sweep: Pick<Sweep, 'axes'>): string {
	return SWEEP_AXES.flatMap(axis => {
		const values = sweep.axes[axis];
		return values ? [`${axis} ${formatAxis(values)}`] : [];
	}).join(' × ');
}

/** "▾ sw_1a2b3c4d5e6f · 6 runs · vis 0.1,0.3,0.5 × edge 0.2,0.6  ○4 ●2". */
export function sweepRow(item: Extract<RunItem, {kind: 'sweep'}>): Segment[] {
	const count = item.sweep?.run_ids.length ?? item.runs.length;
	const segments: Segment[] = [
		{text: `${item.folded ? '▸' : '▾'} `, bold: true},
		{text: item.id, bold: true},
		{text: ` · ${count} run${count === 1 ? '' : 's'}`},
	];
	if (item.sweep) segments.push({text: ` · ${axesText(item.sweep)}`, color: 'cyan'});
	const tally = RUN_STATUSES.flatMap(status => {
		const n = item.runs.filter(run => run.status === status).length;
		return n === 0 ? [] : [{text: ` ${STATUS_ICONS[status]}${n}`, color: STATUS_COLORS[status]} satisfies Segment];
	});
	if (tally.length > 0) segments.push({text: ' ', dim: true}, ...tally);
	return segments;
}
