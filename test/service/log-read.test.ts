// A run's saved log read in bounded slices: the last N lines from the end, every line in order.
import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {eachBlock, lastLines} from '../../source/service/log-read.js';
import {tempDir} from '../helpers/temp.js';

async function logFile(t: {teardown(fn: () => Promise<void>): void}, text: string): Promise<string> {
	const {dir, cleanup} = await tempDir();
	t.teardown(cleanup);
	const file = path.join(dir, 'run.log');
	await writeFile(file, text);
	return file;
}

// Lines of every length around the 64 KiB and 1 MiB slices (one longer than a slice), with multi-byte
// characters that a slice may cut.
const LINES = Array.from({length: 3000}, (_, i) => `${i} ${'é€😀x'.repeat(i % 97)}${i % 500 === 0 ? 'y'.repeat(70_000) : ''}${i === 2001 ? 'z'.repeat(1_200_000) : ''}`);

test('lastLines gives exactly the last N complete lines, whatever their length; not the unterminated tail', async t => {
	const file = await logFile(t, `${LINES.join('\n')}\nnot finished`);
	for (const count of [0, 1, 7, 499, 2999, 3000, 5000]) t.deepEqual(await lastLines(file, count), LINES.slice(LINES.length - Math.min(count, LINES.length)), `last ${count}`);
	t.deepEqual(await lastLines(path.join(path.dirname(file), 'missing.log'), 10), []);
});

test('eachBlock gives every complete line in order, in blocks that say how many lines they hold; characters cut between slices decoded whole', async t => {
	const file = await logFile(t, `${LINES.join('\n')}\nnot finished`);
	const seen: string[] = [];
	let blocks = 0;
	t.is(
		await eachBlock(file, (text, lines) => {
			blocks++;
			const split = text.split('\n');
			t.is(split.length, lines);
			seen.push(...split);
		}),
		LINES.length,
	);
	t.true(blocks > 1 && blocks < LINES.length / 10, `${blocks} blocks`);
	t.deepEqual(seen, LINES);
	t.is(await eachBlock(path.join(path.dirname(file), 'missing.log'), () => t.fail()), 0);
});
