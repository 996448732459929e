// Reading a run's saved log in bounded slices: the last N lines from the end, or every line in
// order, never the whole file as one string (a log can be gigabytes: 5M lines of tqdm and loguru).
import {open} from 'node:fs/promises';

const CHUNK = 64 * 1024;

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

/** Calls onLine for every complete line, in order, reading in chunks; returns how many there were. */
export async function eachLine(file: string, onLine: (line: string) => void): Promise<number> {
	const handle = await open(file, 'r').catch(() => null);
	if (!handle) return 0;
	let count = 0;
	try {
		let rest = Buffer.alloc(0);
		const chunk = Buffer.alloc(CHUNK);
		for (;;) {
			const {bytesRead} = await handle.read(chunk, 0, CHUNK, null);
			if (bytesRead === 0) break;
			// Split on newline bytes, so a character cut between chunks is decoded whole.
			let data = Buffer.concat([rest, chunk.subarray(0, bytesRead)]);
			let newline = data.indexOf(0x0a);
			while (newline >= 0) {
				onLine(data.subarray(0, newline).toString('utf8'));
				count++;
				data = data.subarray(newline + 1);
				newline = data.indexOf(0x0a);
			}
			rest = Buffer.from(data);
		}
		return count;
	} finally {
		await handle.close();
	}
}

