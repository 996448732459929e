// Files a run keeps beside the store: data/runs/<id>/{run.log, progress.jsonl, outputs/}.
// Large and append-heavy data lives here, never inside the store's JSON.
import {createReadStream, existsSync} from 'node:fs';
import {appendFile, mkdir, readFile, readdir, rename, rm, stat} from 'node:fs/promises';
import path from 'node:path';
import type {Progress} from '../domain/model.js';
import {eachBlock, lastLines} from './log-read.js';

export class RunFiles {
	constructor(readonly root: string) {}

	dir(runId: string): string {
		return path.join(this.root, runId);
	}

	logPath(runId: string): string {
		return path.join(this.dir(runId), 'run.log');
	}

	progressPath(runId: string): string {
		return path.join(this.dir(runId), 'progress.jsonl');
	}

	outputsDir(runId: string): string {
		return path.join(this.dir(runId), 'outputs');
	}

	async ensure(runId: string): Promise<void> {
		await mkdir(this.outputsDir(runId), {recursive: true});
	}

	/** The whole log of the batch named after this run (its samples interleaved); each run's own log has its share. */
	batchLogPath(batchId: string): string {
		return path.join(this.dir(batchId), 'batch.log');
	}

	/**
	 * Sets the log of an attempt that was cut short aside (a run of a stopped batch, queued again),
	 * so that the next attempt's follower starts at line 0; the last such log is kept.
	 */
	async setAsideLog(file: string): Promise<void> {
		await rename(file, `${file}.previous`).catch(() => undefined);
	}

	/** Number of complete lines in the local log: where a reattached follower continues. */
	async countLogLines(runId: string): Promise<number> {
		return this.countLines(this.logPath(runId));
	}

	async countLines(file: string): Promise<number> {
		if (!existsSync(file)) return 0;
		let count = 0;
		for await (const chunk of createReadStream(file)) {
			const buffer = chunk as Buffer;
			for (let i = buffer.indexOf(10); i !== -1; i = buffer.indexOf(10, i + 1)) count++;
		}
		return count;
	}

	/** The last `count` complete lines of the run's log, read from the end in bounded slices. */
	tailLog(runId: string, count: number): Promise<string[]> {
		return lastLines(this.logPath(runId), count);
	}

	/** Every complete line of the run's log, in order, in bounded slices; returns how many. */
	eachLogBlock(runId: string, onBlock: (text: string, lines: number) => void): Promise<number> {
		return eachBlock(this.logPath(runId), onBlock);
	}

	async appendProgress(progress: Progress): Promise<void> {
		await mkdir(this.dir(progress.run_id), {recursive: true});
		await appendFile(this.progressPath(progress.run_id), `${JSON.stringify(progress)}\n`);
	}

	async readProgress(runId: string): Promise<Progress[]> {
		const text = await readFile(this.progressPath(runId), 'utf8').catch(() => '');
		return text
			.split('\n')
			.filter(Boolean)
			.flatMap(line => {
				try {
					return [JSON.parse(line) as Progress];
				} catch {
					return []; // a torn last line after a crash
				}
			});
	}

	async exists(runId: string): Promise<boolean> {
		return existsSync(this.dir(runId));
	}

	async remove(runId: string): Promise<void> {
		// A worker may still be writing into it (a forced delete of an active run): retry ENOTEMPTY.
		await rm(this.dir(runId), {recursive: true, force: true, maxRetries: 5});
	}

	async listRunDirs(): Promise<string[]> {
		const entries = await readdir(this.root, {withFileTypes: true}).catch(() => []);
		return entries.filter(entry => entry.isDirectory()).map(entry => entry.name);
	}

	/** Files and bytes under a run's folder, for deletion previews. */
	async usage(runId: string): Promise<{files: number; bytes: number}> {
		const dir = this.dir(runId);
		const entries = await readdir(dir, {recursive: true, withFileTypes: true}).catch(() => []);
		let files = 0;
		let bytes = 0;
		for (const entry of entries) {
			if (!entry.isFile()) continue;
			files++;
			bytes += (await stat(path.join(entry.parentPath, entry.name)).catch(() => ({size: 0}))).size;
		}
		return {files, bytes};
	}
}
