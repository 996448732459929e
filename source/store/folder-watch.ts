// fs.watch on the store folder, so subscribers hear of other processes' writes without reading.
// Best effort (reads still check for themselves): events are coalesced, errors stop the watch,
// and neither the watcher nor its timer keeps the process alive.
import fs from 'node:fs';

export class FolderWatch {
	private watcher: fs.FSWatcher | undefined;
	private timer: NodeJS.Timeout | undefined;

	constructor(
		private readonly folder: string,
		private readonly onChange: () => void,
	) {}

	start(): void {
		if (this.watcher !== undefined) {
			return;
		}

		try {
			this.watcher = fs.watch(this.folder, {persistent: false}, () => {
				this.timer ??= setTimeout(() => {
					this.timer = undefined;
					try {
						this.onChange();
					} catch {
						// A broken store shows up on the next explicit read.
					}
				}, 10).unref();
			});
			this.watcher.on('error', () => this.stop());
		} catch {
			this.watcher = undefined;
		}
	}

	stop(): void {
		this.watcher?.close();
		this.watcher = undefined;
		clearTimeout(this.timer);
		this.timer = undefined;
	}
}
