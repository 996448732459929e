// Tails a run's local log while another process follows the run (and writes the log).
import {open, stat} from 'node:fs/promises';
import {setTimeout as delay} from 'node:timers/promises';

const POLL_MS = 200;

/**
 * Calls onLine for each complete line after the first `fromLine` lines, until `done()` is true
 * and the file has no more complete lines, or the signal aborts.
 */
export async function tailLines(
	file: string,
	fromLine: number,
	onLine: (line: string) => void,
	done: () => boolean,
	signal?: AbortSignal,
): Promise<void> {
	let offset = 0;
	let toSkip = fromLine;
	let partial = '';
	while (!signal?.aborted) {
		const finished = done(); // read before the file, so no line written before the end is missed
		const size = (await stat(file).catch(() => null))?.size ?? 0;
		if (size > offset) {
			const handle = await open(file, 'r');
			try {
				const buffer = Buffer.alloc(size - offset);
				await handle.read(buffer, 0, buffer.length, offset);
				offset = size;
				const lines = (partial + buffer.toString('utf8')).split('\n');
				partial = lines.pop() ?? '';
				for (const line of lines) {
					if (toSkip > 0) toSkip--;
					else onLine(line);
				}
			} finally {
				await handle.close();
			}
		}
		if (finished) return;
		await delay(POLL_MS, undefined, {signal}).catch(() => undefined);
	}
}
