// Reading a run's saved log in bounded slices: the last N lines from the end, or every line in
// order, never the whole file as one string (a log can be gigabytes: 5M lines of tqdm and loguru).
import {open} from 'node:fs/promises';

const CHUNK = 64 * 1024;
const BLOCK = 1024 * 1024;

/** The last `count` complete lines (text after the last newline is not a line yet); [] without a file. */
export async function lastLines(file: string, count: number): Promise<string[]> {
	if (count <= 0) return [];
	const handle = await open(file, 'r').catch(() => null);
	if (!handle) return [];
	try {
		const {size} = await handle.stat();
		// Back from the end in chunks until count + 1 newlines are held (the extra one closes the first line).
		const chunks: Buffer[] = [];
		let newlines = 0;
		let position = size;
		while (position > 0 && newlines <= count) {
			const length = Math.min(CHUNK, position);
			position -= length;
			const chunk = Buffer.alloc(length);
			await handle.read(chunk, 0, length, position);
			chunks.unshift(chunk);
			for (const byte of chunk) if (byte === 0x0a) newlines++;
		}
		const lines = Buffer.concat(chunks).toString('utf8').split('\n');
		lines.pop(); // after the last newline
		if (position > 0) lines.shift(); // cut at the chunk's start
		return lines.slice(-count);
	} finally {
		await handle.close();
	}
}

/**
 * Calls onBlock with the log's complete lines in order, many at a time (a block of lines joined by
 * newlines, without the last newline, and how many lines it holds), reading 1 MiB at a time:
 * printing a block per call is what keeps `logs` of a million lines close to `cat`. Returns the
 * number of lines.
 */
export async function eachBlock(file: string, onBlock: (text: string, lines: number) => void): Promise<number> {
	const handle = await open(file, 'r').catch(() => null);
	if (!handle) return 0;
	let count = 0;
	try {
		let rest = Buffer.alloc(0);
		const chunk = Buffer.alloc(BLOCK);
		for (;;) {
			const {bytesRead} = await handle.read(chunk, 0, BLOCK, null);
			if (bytesRead === 0) break;
			// Cut at the last newline byte, so a character split between reads is decoded whole.
			const data = rest.length > 0 ? Buffer.concat([rest, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
			const end = data.lastIndexOf(0x0a);
			if (end >= 0) {
				let lines = 0;
				for (let at = data.indexOf(0x0a); at >= 0 && at <= end; at = data.indexOf(0x0a, at + 1)) lines++;
				count += lines;
				onBlock(data.toString('utf8', 0, end), lines);
			}
			rest = Buffer.from(data.subarray(end + 1));
		}
		return count;
	} finally {
		await handle.close();
	}
}
