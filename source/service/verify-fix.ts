// `verify --fix`: removes run folders no run owns and marks successful runs whose output video is
// gone (Run.outputs_missing). All or nothing: the plan is checked again under the store's lock,
// folders are first moved aside (a rename, undone if anything fails), the marks are one write,
// and only then are the moved folders deleted.
import {existsSync, mkdirSync, renameSync, rmdirSync} from 'node:fs';
import {rm} from 'node:fs/promises';
import path from 'node:path';
import {ConflictError} from '../domain/errors.js';
import type {Store} from '../store/index.js';
import type {VerifyReport} from './deletion.js';
import type {RunFiles} from './run-files.js';

export type UnownedRun = {runId: string; status: string};

/** The data folder's consistency; marked: `verify --fix` has marked that run already. */
export type FullVerifyReport = Omit<VerifyReport, 'missingOutputs'> & {
	missingOutputs: Array<{runId: string; path: string; marked: boolean}>;
	unownedRuns: UnownedRun[];
};

export type FixPlan = {
	/** Folders under data/runs that no run owns: removed. */
	folders: string[];
	/** Successful runs whose output is gone and that carry no mark yet: marked. */
	runs: Array<{runId: string; path: string}>;
};

export function withMarks(report: VerifyReport, unownedRuns: UnownedRun[], store: Store): FullVerifyReport {
	const missingOutputs = report.missingOutputs.map(item => ({...item, marked: store.get('runs', item.runId)?.outputs_missing === true}));
	return {...report, missingOutputs, unownedRuns};
}

/** What is left to look at: a marked run is known and no longer counts. */
export function problemCount(report: FullVerifyReport): number {
	return report.missingOutputs.filter(item => !item.marked).length
		+ report.missingInputs.length + report.orphanFolders.length + report.unownedRuns.length;
}

export function fixPlan(report: FullVerifyReport): FixPlan {
	return {
		folders: report.orphanFolders,
		runs: report.missingOutputs.filter(item => !item.marked).map(({runId, path}) => ({runId, path})),
	};
}

export const isEmptyPlan = (plan: FixPlan) => plan.folders.length === 0 && plan.runs.length === 0;

/** Carries the plan out, or changes nothing and throws (ConflictError when the data changed since the plan). */
export async function applyFix(store: Store, files: RunFiles, plan: FixPlan): Promise<FixPlan> {
	if (isEmptyPlan(plan)) return plan;
	for (const folder of plan.folders) {
		// Only direct children of data/runs: the plan comes from listRunDirs, but never trust a path blindly.
		if (path.dirname(folder) !== files.root) throw new Error(`not a run folder: ${folder}`);
	}
	const aside = path.join(files.root, `.verify-fix-${process.pid}-${Date.now()}`);
	const moved: Array<{from: string; to: string}> = [];
	try {
		await store.write(tx => {
			for (const folder of plan.folders) {
				if (tx.get('runs', path.basename(folder)) || !existsSync(folder)) throw changed();
			}
			for (const item of plan.runs) {
				const run = tx.get('runs', item.runId);
				const video = run?.outputs.video;
				if (!run || run.status !== 'success' || run.outputs_missing || (video !== undefined && existsSync(video))) throw changed();
			}
			// Synchronous, inside the write, so no run can take one of these names in between.
			if (plan.folders.length > 0) mkdirSync(aside);
			for (const folder of plan.folders) {
				const to = path.join(aside, path.basename(folder));
				renameSync(folder, to);
				moved.push({from: folder, to});
			}
			for (const item of plan.runs) tx.update('runs', item.runId, {outputs_missing: true});
		});
	} catch (error) {
		undo(moved, aside);
		throw error;
	}
	// The store is written; a folder that cannot be deleted now stays aside, and the next verify lists it.
	await rm(aside, {recursive: true, force: true, maxRetries: 5});
	return plan;
}

/** Puts moved folders back. Never deletes: a folder that cannot go back stays aside under data/runs. */
function undo(moved: ReadonlyArray<{from: string; to: string}>, aside: string): void {
	for (const {from, to} of [...moved].reverse()) renameSync(to, from);
	if (existsSync(aside)) rmdirSync(aside);
}

const changed = () => new ConflictError('the data folder changed since the check; nothing was changed (check again)');
