// Deleting prompts and runs (always previewable first) and checking the data folder's consistency.
import {existsSync} from 'node:fs';
import {ConflictError, NotFoundError} from '../domain/errors.js';
import {ACTIVE_STATUSES, type Prompt, type Run} from '../domain/model.js';
import type {Store} from '../store/index.js';
import type {RunFiles} from './run-files.js';

export type DeletionPreview = {
	prompt: Prompt | null;
	runs: Run[];
	/** Runs that may still have a container on the host. */
	active: Run[];
	folders: Array<{runId: string; path: string; files: number; bytes: number}>;
};

export type DeleteOptions = {force?: boolean; keepOutputs?: boolean};

export type VerifyReport = {
	missingOutputs: Array<{runId: string; path: string}>;
	missingInputs: Array<{promptId: string; path: string}>;
	/** Folders under data/runs that no run owns. */
	orphanFolders: string[];
};

export class Deletion {
	constructor(
		private readonly store: Store,
		private readonly files: RunFiles,
	) {}

	async previewPrompt(id: string): Promise<DeletionPreview> {
		const prompt = this.store.get('prompts', id);
		if (!prompt) throw new NotFoundError(`no prompt ${id}`);
		const runs = this.store.select('runs').where('prompt_id', '=', id).orderBy('created_at', 'desc').all();
		return this.preview(prompt, runs);
	}

	async previewRun(id: string): Promise<DeletionPreview> {
		const run = this.store.get('runs', id);
		if (!run) throw new NotFoundError(`no run ${id}`);
		return this.preview(null, [run]);
	}

	async deletePrompt(id: string, options: DeleteOptions = {}): Promise<DeletionPreview> {
		const preview = await this.previewPrompt(id);
		refuseActive(preview, options);
		await this.store.write(tx => {
			for (const run of preview.runs) if (tx.get('runs', run.id)) tx.remove('runs', run.id);
			if (tx.get('prompts', id)) tx.remove('prompts', id);
		});
		await this.removeFolders(preview, options);
		return preview;
	}

	async deleteRun(id: string, options: DeleteOptions = {}): Promise<DeletionPreview> {
		const preview = await this.previewRun(id);
		refuseActive(preview, options);
		await this.store.write(tx => {
			if (tx.get('runs', id)) tx.remove('runs', id);
		});
		await this.removeFolders(preview, options);
		return preview;
	}

	async verify(): Promise<VerifyReport> {
		const runs = this.store.select('runs').all();
		const missingOutputs = runs
			.filter(run => run.status === 'success')
			.flatMap(run => {
				const file = run.outputs.video;
				return !file || !existsSync(file) ? [{runId: run.id, path: file ?? this.files.outputsDir(run.id)}] : [];
			});
		const missingInputs = this.store
			.select('prompts')
			.all()
			.flatMap(prompt =>
				Object.values(prompt.inputs)
					.filter(input => !existsSync(input.path))
					.map(input => ({promptId: prompt.id, path: input.path})),
			);
		const known = new Set(runs.map(run => run.id));
		const orphanFolders = (await this.files.listRunDirs())
			.filter(name => !known.has(name))
			.map(name => this.files.dir(name));
		return {missingOutputs, missingInputs, orphanFolders};
	}

	private async preview(prompt: Prompt | null, runs: Run[]): Promise<DeletionPreview> {
		const folders = [];
		for (const run of runs) {
			if (!(await this.files.exists(run.id))) continue;
			folders.push({runId: run.id, path: this.files.dir(run.id), ...(await this.files.usage(run.id))});
		}
		return {prompt, runs, active: runs.filter(run => ACTIVE_STATUSES.includes(run.status)), folders};
	}

	private async removeFolders(preview: DeletionPreview, options: DeleteOptions): Promise<void> {
		if (options.keepOutputs) return;
		for (const folder of preview.folders) await this.files.remove(folder.runId);
	}
}

function refuseActive(preview: DeletionPreview, options: DeleteOptions): void {
	if (preview.active.length === 0 || options.force) return;
	const ids = preview.active.map(run => run.id).join(', ');
	throw new ConflictError(
		`${preview.active.length} active run${preview.active.length > 1 ? 's' : ''} (${ids}); cancel ${preview.active.length > 1 ? 'them' : 'it'} first or use --force`,
	);
}
