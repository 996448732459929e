// Store benchmark: this store against better-sqlite3 with the seed's design (scalar + JSON columns,
// indexes on created_at and prompt_id, WAL, synchronous=FULL), in the same run, at 1k, 50k, 200k and
// 1M runs (10 runs per prompt). Measures open, RSS, reads, search, durable writes with a second
// writing process, CLI wall time against a one-shot better-sqlite3 script, and `logs` on large logs.
// Prints a markdown table of medians and the targets, met or not, to stdout; progress to stderr.
//
// Run: npm run bench:store
// Environment:
//   BENCH_SIZES=1000,50000          sizes in runs (default 1000,50000,200000,1000000)
//   BENCH_REPEAT=5                  fresh-process repetitions per measure (medians)
//   BENCH_DIR=/big/disk             where the data goes (default the OS temp folder)
//   BENCH_UPDATES=3000              durable status updates per engine and size (≥ 3000 crosses the
//                                   2000-entry compaction threshold with the second writer's entries)
//   BENCH_WRITER_PAUSE_MS=0         pause between the second writer's updates (0: a tight loop)
//   BENCH_HEAP_MB=8192              heap of each per-size process
//   BENCH_LOG_LINES=5000000,1000000 lines of the logs for `logs --tail 100` and `logs <id>`
//   BENCH_BUILD=0                   skip `npm run build` (dist/ must be current)
//
// Each size runs in its own process (a crash or an out-of-memory at one size is reported as
// "failed: …" and the next size still runs); its rows are saved after each measure.
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {benchSize, type SizeSetup} from './store/size.js';
import {type Row, log, message} from './store/measure.js';
import {ROOT, buildProject, bundleChildren} from './store/processes.js';
import {writeLog} from './store/logs.js';
import {printReport} from './store/report.js';

const SELF = fileURLToPath(import.meta.url);
const numbers = (text: string | undefined, fallback: number[]) =>
	text ? text.split(',').map(part => Number(part.trim().replaceAll('_', ''))).filter(value => Number.isFinite(value) && value > 0) : fallback;

const SIZES = numbers(process.env['BENCH_SIZES'], [1000, 50_000, 200_000, 1_000_000]);
const HEAP_MB = Number(process.env['BENCH_HEAP_MB'] ?? 8192);
const [TAIL_LINES = 5_000_000, FULL_LINES = 1_000_000] = numbers(process.env['BENCH_LOG_LINES'], [5_000_000, 1_000_000]);
const BENCH_DIR = process.env['BENCH_DIR'] ?? os.tmpdir();
/** Rough disk use per run: the store's snapshot and journal, the SQLite file and its WAL, with slack. */
const BYTES_PER_RUN = 8000;

if (process.argv[2] === '--size') {
	const setup = JSON.parse(fs.readFileSync(process.argv[3]!, 'utf8')) as SizeSetup;
	await benchSize(setup);
	process.exit(0);
}

const started = performance.now();
const work = fs.mkdtempSync(path.join(BENCH_DIR, 'store-bench-'));
const rows: Row[] = [];
const durations: string[] = [];
try {
	log(`bench folder ${work}`);
	log(process.env['BENCH_BUILD'] === '0' ? 'BENCH_BUILD=0: using dist/ as it is' : 'npm run build …');
	const buildError = process.env['BENCH_BUILD'] === '0' ? undefined : buildProject();
	if (buildError) {
		log(buildError);
	}

	const children = await bundleChildren(path.join(work, 'children'));
	const logs = {tail: path.join(work, `tail-${TAIL_LINES}.log`), full: path.join(work, `full-${FULL_LINES}.log`)};
	const logStart = performance.now();
	writeLog(logs.tail, TAIL_LINES);
	writeLog(logs.full, FULL_LINES);
	log(`logs written in ${((performance.now() - logStart) / 1000).toFixed(1)} s: ${TAIL_LINES} lines (${(fs.statSync(logs.tail).size / 1e6).toFixed(0)} MB), ${FULL_LINES} lines (${(fs.statSync(logs.full).size / 1e6).toFixed(0)} MB)`);

	for (const size of SIZES) {
		const sizeStart = performance.now();
		const resultFile = path.join(work, `rows-${size}.json`);
		const free = fs.statfsSync(work);
		const needed = size * BYTES_PER_RUN;
		if (free.bavail * free.bsize < needed) {
			rows.push({size, key: 'all', operation: 'everything', unit: '', ours: `failed: ${(needed / 1e9).toFixed(1)} GB needed, ${(free.bavail * free.bsize / 1e9).toFixed(1)} GB free in ${BENCH_DIR} (set BENCH_DIR)`, sqlite: ''});
			continue;
		}

		const setup: SizeSetup = {size, work, resultFile, children, logs, buildError};
		const setupFile = path.join(work, `setup-${size}.json`);
		fs.writeFileSync(setupFile, JSON.stringify(setup));
		log(`\n== ${size} runs ==`);
		const result = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, '--import', 'tsx', SELF, '--size', setupFile], {stdio: ['ignore', 'inherit', 'inherit'], cwd: ROOT});
		const saved = fs.existsSync(resultFile) ? (JSON.parse(fs.readFileSync(resultFile, 'utf8')) as Row[]) : [];
		rows.push(...saved);
		if (result.status !== 0) {
			const why = result.error ? message(result.error) : `the ${size}-run process exited with ${result.status ?? result.signal}${result.signal === 'SIGABRT' || result.status === 134 ? ' (out of memory?)' : ''}`;
			rows.push({size, key: 'all', operation: `everything after "${saved.at(-1)?.operation ?? 'start'}"`, unit: '', ours: `failed: ${why}`, sqlite: ''});
		}

		const seconds = (performance.now() - sizeStart) / 1000;
		durations.push(`${size} runs: ${seconds.toFixed(0)} s`);
		log(`== ${size} runs took ${seconds.toFixed(0)} s ==`);
	}
} finally {
	fs.rmSync(work, {recursive: true, force: true});
}

printReport(rows);
console.log(`\nTime per size: ${durations.join(', ')}; total ${((performance.now() - started) / 1000).toFixed(0)} s.`);
