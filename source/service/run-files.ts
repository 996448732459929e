// Files a run keeps beside the store: data/runs/<id>/{run.log, progress.jsonl, outputs/}.
// Large and append-heavy data lives here, never inside the store's JSON.
import {createReadStream, existsSync} from 'node:fs';
import {appendFile, mkdir, open, readFile, readdir, rm, stat} from 'node:fs/promises';
import path from 'node:path';
import type {Progress} from '../domain/model.js';

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

	/** Number of complete lines in the local log: where a reattached follower continues. */
	async countLogLines(runId: string): Promise<number> {
		const file = this.logPath(runId);
		if (!existsSync(file)) return 0;
		let count = 0;
		for await (const chunk of createReadStream(file)) {
			const buffer = chunk as Buffer;
			for (let i = buffer.indexOf(10); i !== -1; i = buffer.indexOf(10, i + 1)) count++;
		}
		return count;
	}

	/** The last `count` lines of the saved log. */
	async tailLog(runId: string, count: number): Promise<string[]> {
		const file = this.logPath(runId);
		const info = await stat(file).catch(() => null);
		if (!info) return [];
		const want = Math.min(info.size, Math.max(64 * 1024, count * 400));
		const handle = await open(file, 'r');
		try {
			const buffer = Buffer.alloc(want);
			await handle.read(buffer, 0, want, info.size - want);
			const lines = buffer.toString('utf8').split('\n');
			lines.pop(); // text after the last newline is not a complete line yet
			if (want < info.size) lines.shift(); // the first line may be cut
			return lines.slice(-count);
		} finally {
			await handle.close();
		}
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
