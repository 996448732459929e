// Appends log lines to a run's local log in batches: one write per burst, not one per line.
import {mkdir, open, type FileHandle} from 'node:fs/promises';
import path from 'node:path';

const FLUSH_DELAY_MS = 50;
const FLUSH_LINES = 2000;

export class LogWriter {
	private pending: string[] = [];
	private handle: Promise<FileHandle> | null = null;
	private chain: Promise<void> = Promise.resolve();
	private timer: NodeJS.Timeout | null = null;

	constructor(private readonly file: string) {}

	write(line: string): void {
		this.pending.push(line);
		if (this.pending.length >= FLUSH_LINES) void this.flush();
		else this.timer ??= setTimeout(() => void this.flush(), FLUSH_DELAY_MS);
	}

	/** Resolves when everything written so far is in the file. */
	flush(): Promise<void> {
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
		const lines = this.pending;
		this.pending = [];
		if (lines.length > 0) {
			this.chain = this.chain.then(async () => {
				const handle = await this.open();
				await handle.write(`${lines.join('\n')}\n`);
			});
		}
		return this.chain;
	}

	/** Drops what is not written yet (the run was deleted: its folder must not come back). */
	discard(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
		this.pending = [];
	}

	async close(): Promise<void> {
		await this.flush();
		if (this.handle) await (await this.handle).close();
		this.handle = null;
	}

	private open(): Promise<FileHandle> {
		this.handle ??= mkdir(path.dirname(this.file), {recursive: true}).then(() => open(this.file, 'a'));
		return this.handle;
	}
}
