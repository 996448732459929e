// Store benchmark: this store (lowdb snapshot + journal) against better-sqlite3 with the seed's
// design (scalar columns + JSON columns, indexes on created_at and prompt_id, WAL, synchronous=FULL),
// at 1k, 10k and 50k runs (10 runs per prompt). Prints a markdown table of medians.
// Run: npm run bench:store
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {randomBytes} from 'node:crypto';
import {fileURLToPath} from 'node:url';
import Database from 'better-sqlite3';
import {DEFAULT_NEGATIVE_PROMPT, type Prompt, type Run, RUN_STATUSES, STAGES, type FailureKind} from '../source/domain/model.js';
import {type Store, openStore} from '../source/store/index.js';

const SIZES = [1000, 10_000, 50_000];
const READS = 50;
const UPDATES = 30;
const OPENS = 5;
const SEARCH = 'LightHouse'; // mixed case on purpose: the search must ignore case

type Row = {size: number; operation: string; ours: number; sqlite: number};

// ---------- realistic records ----------

const WORDS = `cinematic drone shot over a foggy harbor at dawn with fishing boats slowly drifting past weathered wooden piers
while seagulls circle overhead golden light spills across calm water reflections shimmer volumetric mist rolls in from the sea
a lone figure walks along the breakwater camera tracks left revealing cranes and shipping containers stacked high neon signs flicker
rain slick streets city at night reflections of traffic lights tall glass towers pedestrians with umbrellas steam rising from vents
forest trail autumn leaves sunlight through canopy deer crossing slow motion shallow depth of field warm tones snowy mountain pass
desert highway heat haze vintage car dust cloud wide angle lens dramatic clouds storm approaching lightning in the distance`.split(/\s+/);

let seed = 42;
function random(): number {
	seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
	return seed / 2_147_483_648;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

function sentence(words: number): string {
	const out: string[] = [];
	for (let i = 0; i < words; i++) {
		out.push(pick(WORDS));
	}

	const text = out.join(' ');
	return text[0]!.toUpperCase() + text.slice(1);
}

function makeData(runCount: number): {prompts: Prompt[]; runs: Run[]} {
	const prompts: Prompt[] = [];
	const runs: Run[] = [];
	const start = Date.parse('2025-01-01T00:00:00Z');
	let clock = start;
	const failureKinds: FailureKind[] = ['oom', 'guardrail', 'killed', 'nccl_timeout', 'other'];
	for (let p = 0; p < runCount / 10; p++) {
		clock += 60_000;
		const dir = `/home/ana/cosmos/inputs/videos/scene_${p}`;
		// About 2% of prompts mention the lighthouse.
		const text = `${sentence(40 + Math.floor(random() * 60))}${random() < 0.02 ? ' past the old Lighthouse' : ''}.`;
		const file = (name: string) => ({path: `${dir}/${name}`, sha256: hex(32), size: 20_000_000 + Math.floor(random() * 1e7), mtime_ms: clock});
		const prompt: Prompt = {
			id: `ps_${hex(16)}`,
			name: `${pick(WORDS)} ${pick(WORDS)} ${p}`,
			prompt_text: text,
			negative_prompt: DEFAULT_NEGATIVE_PROMPT,
			video_dir: dir,
			inputs: {video: file('color.mp4'), depth: file('depth.mp4'), seg: file('segmentation.mp4')},
			created_at: new Date(clock).toISOString(),
		};
		prompts.push(prompt);
		for (let r = 0; r < 10; r++) {
			clock += 1000 + Math.floor(random() * 5000);
			const id = `rs_${hex(16)}`;
			const status = random() < 0.8 ? 'success' : pick(RUN_STATUSES);
			const created = new Date(clock).toISOString();
			const done = status === 'success' || status === 'failed' || status === 'cancelled';
			const weight = Math.round(random() * 100) / 100;
			runs.push({
				id,
				prompt_id: prompt.id,
				status,
				stage: done ? 'done' : pick(STAGES),
				progress: {stage: done ? 'done' : 'diffusion', fraction: done ? 1 : random(), message: 'step 21/35', at: created},
				control_weights: {vis: weight, edge: 1 - weight, depth: 0.25, seg: 0.25},
				parameters: {num_steps: 35, guidance: 7, seed: Math.floor(random() * 1000), fps: 24, sigma_max: 70, blur_strength: 'medium', canny_threshold: 'medium', num_gpus: pick([1, 2, 4, 8])},
				parent_run_id: r > 0 && random() < 0.2 ? runs.at(-1)!.id : null,
				outputs: done
					? {dir: `/home/ana/cosmos/data/runs/${id}`, video: `/home/ana/cosmos/data/runs/${id}/output.mp4`, prompt_text: `/home/ana/cosmos/data/runs/${id}/prompt.txt`, log: `/home/ana/cosmos/data/runs/${id}/run.log`}
					: {},
				error_message: status === 'failed' ? 'CUDA out of memory. Tried to allocate 2.00 GiB' : null,
				failure_kind: status === 'failed' ? pick(failureKinds) : null,
				stalled: false,
				remote: {backend: 'docker', host: 'gpu-box-1', job: `cosmos-${id}`, run_dir: `/workspace/cosmos/runs/${id}`},
				metrics: done ? {duration_s: Math.round(random() * 900), peak_vram_gb: Math.round(random() * 800) / 10} : {},
				created_at: created,
				started_at: new Date(clock + 2000).toISOString(),
				completed_at: done ? new Date(clock + 600_000).toISOString() : null,
				priority: 0,
				queue_order: clock,
				host: null,
				placement: {host: 'gpu-box-1', gpus: [0]},
				sweep_id: null,
				cancel_requested_at: null,
			});
		}
	}

	return {prompts, runs};
}

// ---------- SQLite, the seed's way ----------

const RUN_JSON = ['progress', 'control_weights', 'parameters', 'outputs', 'remote', 'metrics'] as const;
const RUN_SCALARS = ['id', 'prompt_id', 'status', 'stage', 'parent_run_id', 'error_message', 'failure_kind', 'stalled', 'created_at', 'started_at', 'completed_at'] as const;

function openSqlite(file: string): Database.Database {
	const db = new Database(file);
	db.pragma('journal_mode = WAL');
	db.pragma('synchronous = FULL');
	return db;
}

function buildSqlite(file: string, data: {prompts: Prompt[]; runs: Run[]}): void {
	const db = openSqlite(file);
	db.exec(`CREATE TABLE prompts (id TEXT PRIMARY KEY, name TEXT NOT NULL, prompt_text TEXT NOT NULL, negative_prompt TEXT NOT NULL,
		video_dir TEXT NOT NULL, inputs JSON NOT NULL, created_at TEXT NOT NULL);
	CREATE TABLE runs (id TEXT PRIMARY KEY, prompt_id TEXT NOT NULL REFERENCES prompts(id), status TEXT NOT NULL, stage TEXT,
		parent_run_id TEXT, error_message TEXT, failure_kind TEXT, stalled INTEGER NOT NULL, created_at TEXT NOT NULL,
		started_at TEXT, completed_at TEXT, ${RUN_JSON.map(column => `${column} JSON`).join(', ')});
	CREATE INDEX prompts_created_at ON prompts(created_at);
	CREATE INDEX runs_created_at ON runs(created_at);
	CREATE INDEX runs_prompt_id ON runs(prompt_id);`);
	const insertPrompt = db.prepare('INSERT INTO prompts VALUES (@id, @name, @prompt_text, @negative_prompt, @video_dir, @inputs, @created_at)');
	const columns = [...RUN_SCALARS, ...RUN_JSON];
	const insertRun = db.prepare(`INSERT INTO runs (${columns.join(', ')}) VALUES (${columns.map(column => `@${column}`).join(', ')})`);
	db.transaction(() => {
		for (const prompt of data.prompts) {
			insertPrompt.run({...prompt, inputs: JSON.stringify(prompt.inputs)});
		}

		for (const run of data.runs) {
			const row: Record<string, unknown> = {...run, stalled: run.stalled ? 1 : 0};
			for (const column of RUN_JSON) {
				row[column] = JSON.stringify(run[column]);
			}

			insertRun.run(row);
		}
	})();
	db.close();
}

type SqlRow = Record<string, unknown>;

function runFromRow(row: SqlRow): Run {
	const run: SqlRow = {...row, stalled: row.stalled === 1};
	for (const column of RUN_JSON) {
		run[column] = JSON.parse(row[column] as string);
	}

	return run as unknown as Run;
}

function promptFromRow(row: SqlRow): Prompt {
	return {...row, inputs: JSON.parse(row.inputs as string)} as unknown as Prompt;
}

// ---------- measuring ----------

function median(samples: number[]): number {
	const sorted = [...samples].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)]!;
}

async function time(iterations: number, fn: (i: number) => unknown): Promise<number> {
	for (let i = 0; i < 3; i++) {
		await fn(i); // warm up
	}

	const samples: number[] = [];
	for (let i = 0; i < iterations; i++) {
		const start = performance.now();
		await fn(i + 3);
		samples.push(performance.now() - start);
	}

	return median(samples);
}

async function benchSize(size: number, rows: Row[]): Promise<void> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), `store-bench-${size}-`));
	try {
		const data = makeData(size);
		const promptIds = data.prompts.map(prompt => prompt.id);
		const runIds = data.runs.map(run => run.id);

		let built = performance.now();
		const initial = await openStore(dir);
		await initial.write(tx => {
			for (const prompt of data.prompts) {
				tx.insert('prompts', prompt);
			}

			for (const run of data.runs) {
				tx.insert('runs', run);
			}
		});
		await initial.close(); // waits for the compaction into a snapshot
		const ourBuild = performance.now() - built;
		const sqliteFile = path.join(dir, 'cosmos.db');
		built = performance.now();
		buildSqlite(sqliteFile, data);
		console.error(`${size} runs: built in ${ourBuild.toFixed(0)} ms (this store), ${(performance.now() - built).toFixed(0)} ms (SQLite); snapshot ${(fs.statSync(path.join(dir, 'store/snapshot.json')).size / 1e6).toFixed(1)} MB`);

		const add = (operation: string, ours: number, sqlite: number) => rows.push({size, operation, ours, sqlite});

		add('open (fresh process)', median(await openInChildren(dir, 'store')), median(await openInChildren(sqliteFile, 'sqlite')));
		add(
			'open again (same process)',
			await time(OPENS, async () => (await openStore(dir)).close()),
			await time(OPENS, () => {
				const db = openSqlite(sqliteFile);
				db.prepare('SELECT count(*) FROM runs').get();
				db.close();
			}),
		);

		const store: Store = await openStore(dir);
		const warmStart = performance.now();
		while (!store.info().warm) {
			await new Promise(resolve => setImmediate(resolve));
		}

		console.error(`${size} runs: background parse of lazy documents finished ${(performance.now() - warmStart).toFixed(0)} ms after open`);
		const db = openSqlite(sqliteFile);
		const newest = db.prepare(`SELECT r.*, p.name AS prompt_name FROM runs r JOIN prompts p ON p.id = r.prompt_id
			ORDER BY r.created_at DESC LIMIT 50`);
		const search = db.prepare('SELECT * FROM prompts WHERE prompt_text LIKE ? ORDER BY created_at DESC');
		const onePrompt = db.prepare('SELECT * FROM prompts WHERE id = ?');
		const promptRuns = db.prepare('SELECT * FROM runs WHERE prompt_id = ? ORDER BY created_at DESC');
		const setStatus = db.prepare('UPDATE runs SET status = ?, started_at = ? WHERE id = ?');

		const ourNewest = () => store.select('runs').orderBy('created_at', 'desc').limit(50).join('prompts', 'prompt_id', 'prompt').all();
		const sqlNewest = () => (newest.all() as SqlRow[]).map(row => ({...runFromRow(row), prompt_name: row.prompt_name}));
		check(ourNewest().map(run => `${run.id}/${run.prompt.name}`), sqlNewest().map(run => `${run.id}/${String(run.prompt_name)}`), 'newest 50');
		add('newest 50 runs + prompt names', await time(READS, ourNewest), await time(READS, sqlNewest));

		const ourSearch = () => store.select('prompts').where('prompt_text', 'contains', SEARCH).orderBy('created_at', 'desc').all();
		const sqlSearch = () => (search.all(`%${SEARCH}%`) as SqlRow[]).map(row => promptFromRow(row));
		check(ourSearch().map(prompt => prompt.id), sqlSearch().map(prompt => prompt.id), 'search');
		add(`search prompt text ("${SEARCH}", ${ourSearch().length} hits)`, await time(READS, ourSearch), await time(READS, sqlSearch));

		const ourPrompt = (i: number) => {
			const id = promptIds[(i * 7919) % promptIds.length]!;
			return {prompt: store.get('prompts', id), runs: store.select('runs').where('prompt_id', '=', id).orderBy('created_at', 'desc').all()};
		};

		const sqlPrompt = (i: number) => {
			const id = promptIds[(i * 7919) % promptIds.length]!;
			return {prompt: promptFromRow(onePrompt.get(id) as SqlRow), runs: (promptRuns.all(id) as SqlRow[]).map(row => runFromRow(row))};
		};

		check(ourPrompt(5).runs.map(run => run.id), sqlPrompt(5).runs.map(run => run.id), 'prompt with runs');
		add('one prompt with its runs', await time(READS, ourPrompt), await time(READS, sqlPrompt));
		// The same right after open, before the background parse: each prompt's documents are parsed on first touch.
		const cold = await openStore(dir, {warmUp: false});
		const coldPrompt = (i: number) => {
			const id = promptIds[(i * 7919 + 1) % promptIds.length]!;
			return {prompt: cold.get('prompts', id), runs: cold.select('runs').where('prompt_id', '=', id).orderBy('created_at', 'desc').all()};
		};

		add('one prompt with its runs, before warm-up (not a target)', await time(READS, coldPrompt), await time(READS, i => sqlPrompt(i + 1)));
		await cold.close();

		const at = new Date().toISOString();
		add(
			'durable status update',
			await time(UPDATES, async i => store.write(tx => tx.update('runs', runIds[(i * 104_729) % runIds.length]!, {status: 'running', started_at: at}))),
			await time(UPDATES, i => setStatus.run('running', at, runIds[(i * 104_729) % runIds.length]!)),
		);

		const compactStart = performance.now();
		await store.write(tx => {
			tx.update('runs', runIds[0]!, {status: 'failed'});
		});
		const compacted = await forceCompaction(dir);
		console.error(`${size} runs: a compaction takes ${compacted.toFixed(0)} ms (once per 2000 writes, after the write resolved)${compactStart < 0 ? '' : ''}`);
		await store.close();
		db.close();
	} finally {
		fs.rmSync(dir, {recursive: true, force: true});
	}
}

/** Opens with a 1-entry threshold and times the compaction one write triggers (close waits for it). */
async function forceCompaction(dir: string): Promise<number> {
	const store = await openStore(dir, {compactAfterEntries: 1});
	await store.write(tx => {
		tx.update('runs', store.select('runs').first()!.id, {stalled: true});
	});
	const start = performance.now();
	await store.close();
	return performance.now() - start;
}

/** Times open in fresh processes (how the app opens the store: once, at start), OPENS times. */
async function openInChildren(target: string, engine: 'store' | 'sqlite'): Promise<number[]> {
	const times: number[] = [];
	for (let i = 0; i < OPENS; i++) {
		const output = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--open', engine, target], {encoding: 'utf8'});
		times.push(Number(output.trim()));
	}

	return times;
}

/** Child mode: open once, print the milliseconds it took. */
async function openOnce(engine: string, target: string): Promise<void> {
	const start = performance.now();
	if (engine === 'store') {
		const store = await openStore(target);
		const opened = performance.now() - start;
		await store.close();
		console.log(opened);
	} else {
		const db = openSqlite(target);
		db.prepare('SELECT count(*) FROM runs').get();
		console.log(performance.now() - start);
		db.close();
	}
}

function check(ours: string[], sqlite: string[], what: string): void {
	if (JSON.stringify(ours) !== JSON.stringify(sqlite)) {
		throw new Error(`${what}: this store and SQLite disagree (${ours.length} vs ${sqlite.length} rows)`);
	}
}

if (process.argv[2] === '--open') {
	await openOnce(process.argv[3]!, process.argv[4]!);
	process.exit(0);
}

const rows: Row[] = [];
const started = performance.now();
for (const size of SIZES) {
	await benchSize(size, rows);
}

console.log('| size | operation | this store (ms) | SQLite (ms) | ratio |');
console.log('|---:|---|---:|---:|---:|');
for (const row of rows) {
	console.log(`| ${row.size} | ${row.operation} | ${row.ours.toFixed(3)} | ${row.sqlite.toFixed(3)} | ${(row.ours / row.sqlite).toFixed(2)} |`);
}

const at50k = rows.filter(row => row.size === 50_000);
const find = (prefix: string) => at50k.find(row => row.operation.startsWith(prefix))!;
const targets = [
	{what: 'open ≤ 500 ms (fresh process)', ok: find('open (fresh').ours <= 500},
	{what: 'open ≤ 500 ms (again, in the bench process)', ok: find('open again').ours <= 500},
	...['newest', 'search', 'one prompt with its runs'].map(prefix => {
		const row = at50k.find(candidate => candidate.operation === prefix) ?? find(prefix);
		return {what: `${row.operation} ≤ 5 ms and no slower than SQLite`, ok: row.ours <= 5 && row.ours <= row.sqlite};
	}),
	{what: 'durable status update ≤ 15 ms median', ok: find('durable').ours <= 15},
];
console.log('\n50k targets:');
for (const target of targets) {
	console.log(`- ${target.ok ? 'met' : 'NOT MET'}: ${target.what}`);
}

console.log(`\n(total bench time ${((performance.now() - started) / 1000).toFixed(0)} s)`);
