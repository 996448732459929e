// Throughput of the log line splitter: `npx tsx bench/line-splitter-bench.ts`.
// Target: at least one million short lines per second.
import {createLineSplitter} from '../source/executor/line-splitter.js';

const LINES = 2_000_000;
const line = '[06-24 20:54:04|INFO|cosmos_transfer1/diffusion/inference/transfer.py:163:main] x';
const text = `${line}\n`.repeat(LINES);
const bar = '\r 33%|███▎      | 1/3 [01:02<02:04, 62.00s/it]'.repeat(10) + '\n';
const barText = bar.repeat(LINES / 10);

function measure(label: string, input: string, chunkSize: number, expected: number): void {
	const chunks: string[] = [];
	for (let i = 0; i < input.length; i += chunkSize) chunks.push(input.slice(i, i + chunkSize));
	let count = 0;
	const splitter = createLineSplitter(() => {
		count++;
	});
	const started = process.hrtime.bigint();
	for (const chunk of chunks) splitter.push(chunk);
	splitter.flush();
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	if (count !== expected) throw new Error(`${label}: expected ${expected} lines, got ${count}`);
	console.log(`${label}: ${count} lines in ${seconds.toFixed(3)} s = ${(count / seconds / 1e6).toFixed(2)} M lines/s`);
}

measure('plain lines, 64 KiB chunks', text, 65_536, LINES);
measure('plain lines, 4 KiB chunks', text, 4096, LINES);
measure('plain lines, 100-char chunks', text, 100, LINES);
measure('tqdm redraws (10 per line), 64 KiB chunks', barText, 65_536, LINES / 10);
