// One size of the store bench, run in its own process (see store-bench.ts): builds both databases
// in batches, then measures; each measure that fails is reported as "failed: …" and the rest go on.
import fs from 'node:fs';
import path from 'node:path';
import {contains, openStore, or, type Store} from '../../source/store/index.js';
import {DataGenerator, SEARCH} from './data.js';
import {type Cell, type Row, childJson, folderBytes, log, median, message, percentile, startWriter, time, wall} from './measure.js';
import {type Children, child, cli, cliEnvironment} from './processes.js';
import {attachLog} from './logs.js';
import {lastLines} from '../../source/service/log-read.js';
import {SQL, type SqlRow, openSqlite, promptFromRow, runFromRow, sqliteBuilder} from './sqlite.js';

export type SizeSetup = {
	size: number;
	work: string;
	resultFile: string;
	children: Children;
	logs: {tail: string; full: string};
	/** Why dist/ could not be built, if it could not (the CLI rows then fail). */
	buildError: string | undefined;
};

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const REPEAT = Math.max(1, env('BENCH_REPEAT', 5));
const UPDATES = env('BENCH_UPDATES', 3000);
const WRITER_PAUSE_MS = env('BENCH_WRITER_PAUSE_MS', 0);
const READS = 50;
const BATCH_RUNS = 10_000;
/** While building, compact rarely (every compaction rewrites the whole snapshot); one forced compaction ends the build. */
const BUILD_COMPACT_BYTES = 256 * 1024 * 1024;

type Stat = {rss: number; ms: number; rows: number; warm: boolean};

export async function benchSize(setup: SizeSetup): Promise<void> {
	const {size} = setup;
	const rows: Row[] = [];
	const add = (key: string, operation: string, unit: string, ours: Cell, sqlite: Cell) => {
		rows.push({size, key, operation, unit, ours, sqlite});
		fs.writeFileSync(setup.resultFile, JSON.stringify(rows));
		const show = (cell: Cell) => (typeof cell === 'number' ? cell.toFixed(unit === 'ms' ? 2 : 1) : cell);
		log(`${size} runs: ${operation}: ${show(ours)} ${unit} (this store), ${show(sqlite)} ${unit} (SQLite)`);
	};

	/** Runs one measure; a failure becomes a row and the bench goes on. */
	const step = async (key: string, operation: string, fn: () => Promise<void> | void) => {
		try {
			await fn();
		} catch (error) {
			log(`${size} runs: ${operation} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
			add(key, operation, '', `failed: ${message(error)}`, '');
		}
	};

	// Whatever no step caught (opening the store for the in-process reads, say) ends this size with its message.
	await step('all', 'everything after the last row', () => measureAll(setup, step, add));
}

type Step = (key: string, operation: string, fn: () => Promise<void> | void) => Promise<void>;
type Add = (key: string, operation: string, unit: string, ours: Cell, sqlite: Cell) => void;

async function measureAll(setup: SizeSetup, step: Step, add: Add): Promise<void> {
	const {size, children} = setup;
	const dir = fs.mkdtempSync(path.join(setup.work, `size-${size}-`));
	const sqliteFile = path.join(dir, 'cosmos.db');
	const promptIds: string[] = [];
	const runIds: string[] = [];
	try {
		// ---------- build ----------
		let built = false;
		await step('build', 'build: insert all in batches of 10k runs', async () => {
			let ours = 0;
			let sqlite = 0;
			const store = await openStore(dir, {compactAfterBytes: BUILD_COMPACT_BYTES, compactAfterEntries: 1_000_000_000});
			const db = openSqlite(sqliteFile);
			const insert = sqliteBuilder(db);
			let done = 0;
			let reported = 0;
			for (const batch of new DataGenerator().batches(size, BATCH_RUNS)) {
				for (const prompt of batch.prompts) {
					promptIds.push(prompt.id);
				}

				for (const run of batch.runs) {
					runIds.push(run.id);
				}

				let start = performance.now();
				await store.write(tx => {
					for (const prompt of batch.prompts) {
						tx.insert('prompts', prompt);
					}

					for (const run of batch.runs) {
						tx.insert('runs', run);
					}
				});
				ours += performance.now() - start;
				start = performance.now();
				insert(batch);
				sqlite += performance.now() - start;
				done += batch.runs.length;
				if (done - reported >= size / 10 || done === size) {
					reported = done;
					log(`${size} runs: built ${done} (${(ours / 1000).toFixed(1)} s this store, ${(sqlite / 1000).toFixed(1)} s SQLite, heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB)`);
				}
			}

			let start = performance.now();
			await store.close();
			ours += performance.now() - start;
			db.close();
			// One compaction of everything, so that the store opens from a snapshot, as it would after days of use.
			start = performance.now();
			const compacted = await openStore(dir, {compactAfterEntries: 1});
			await compacted.write(tx => tx.update('runs', runIds[0]!, {priority: 0}));
			const opened = performance.now();
			await compacted.close();
			const compaction = performance.now() - opened;
			ours += performance.now() - start;
			add('build', 'build: insert all in batches of 10k runs (incl. final compaction)', 's', ours / 1000, sqlite / 1000);
			add('compaction', 'one compaction of the whole store (not a target)', 'ms', compaction, '–');
			add('disk', 'size on disk', 'MB', folderBytes(path.join(dir, 'store')) / 1e6, fs.statSync(sqliteFile).size / 1e6);
			built = true;
		});
		if (!built) {
			return;
		}

		// ---------- fresh processes: open and RSS ----------
		await step('open', 'open (fresh process)', () => {
			const ours = repeat(() => childJson<{ms: number}>(child(children.store, ['open', dir])).ms);
			const sqlite = repeat(() => childJson<{ms: number}>(child(children.sqlite, ['open', sqliteFile])).ms);
			add('open', 'open (fresh process)', 'ms', median(ours), median(sqlite));
		});
		await step('rss', 'RSS after open + newest 50 runs with prompt names', () => {
			let warm = true;
			const ours = repeat(() => {
				const stat = childJson<Stat>(child(children.store, ['rss', dir, 'warm']));
				warm &&= stat.warm;
				return stat.rss / 1e6;
			});
			const sqlite = repeat(() => childJson<Stat>(child(children.sqlite, ['rss', sqliteFile])).rss / 1e6);
			add('rss', `RSS after open + newest 50 runs with prompt names, default options, after warm-up${warm ? '' : ' (warm-up not finished in 120 s)'}`, 'MB', median(ours), median(sqlite));
			const cold = repeat(() => childJson<Stat>(child(children.store, ['rss', dir, 'cold'])).rss / 1e6);
			add('rss-cold', 'RSS after open + newest 50 runs with prompt names, warmUp: false (as the CLI)', 'MB', median(cold), median(sqlite));
		});

		// ---------- in-process reads ----------
		const store: Store = await openStore(dir);
		const db = openSqlite(sqliteFile);
		try {
			await step('open-again', 'open again (same process)', async () => {
				const ours = await time(REPEAT, async () => (await openStore(dir)).close());
				const sqlite = await time(REPEAT, () => {
					const again = openSqlite(sqliteFile);
					again.prepare(SQL.newestRuns).get(1);
					again.close();
				});
				add('open-again', 'open again (same process)', 'ms', ours, sqlite);
			});

			const warmStart = performance.now();
			while (!store.info().warm && performance.now() - warmStart < 300_000) {
				await new Promise(resolve => setTimeout(resolve, 5));
			}

			log(`${size} runs: background parse of lazy documents finished ${(performance.now() - warmStart).toFixed(0)} ms after open`);
			await step('newest', 'newest 50 runs + prompt names', async () => {
				const newest = db.prepare(SQL.newest);
				const ourNewest = () => store.select('runs').orderBy('created_at', 'desc').limit(50).join('prompts', 'prompt_id', 'prompt').all();
				const sqlNewest = () => (newest.all(50) as SqlRow[]).map(row => ({...runFromRow(row), prompt_name: row['prompt_name']}));
				check(ourNewest().map(run => `${run.id}/${run.prompt.name}`), sqlNewest().map(run => `${run.id}/${String(run.prompt_name)}`), 'newest 50');
				add('newest', 'newest 50 runs + prompt names', 'ms', await time(READS, ourNewest), await time(READS, sqlNewest));
			});
			await step('prompt', 'one prompt with its runs', async () => {
				const onePrompt = db.prepare(SQL.onePrompt);
				const promptRuns = db.prepare(SQL.promptRuns);
				const idAt = (i: number) => promptIds[(i * 7919) % promptIds.length]!;
				const ours = (i: number) => ({
					prompt: store.get('prompts', idAt(i)),
					runs: store.select('runs').where('prompt_id', '=', idAt(i)).orderBy('created_at', 'desc').all(),
				});
				const sqlite = (i: number) => ({
					prompt: promptFromRow(onePrompt.get(idAt(i)) as SqlRow),
					runs: (promptRuns.all(idAt(i)) as SqlRow[]).map(row => runFromRow(row)),
				});
				check(ours(5).runs.map(run => run.id), sqlite(5).runs.map(run => run.id), 'prompt with runs');
				add('prompt', 'one prompt with its runs', 'ms', await time(READS, ours), await time(READS, sqlite));
			});
			await step('search', 'search prompt text or name', async () => {
				const search = db.prepare(SQL.search);
				// As WorkflowService.searchPrompts does it.
				const ours = () => store.select('prompts').where(or(contains('prompt_text', SEARCH), contains('name', SEARCH))).orderBy('created_at', 'desc').limit(50).all();
				const sqlite = () => (search.all(`%${SEARCH}%`, `%${SEARCH}%`, 50) as SqlRow[]).map(row => promptFromRow(row));
				const hits = ours();
				check(hits.map(prompt => prompt.id), sqlite().map(prompt => prompt.id), 'search');
				add('search', `search prompt text or name ("${SEARCH}", limit 50: ${hits.length} hits)`, 'ms', await time(READS, ours), await time(READS, sqlite));
			});

			// ---------- the CLI, as fresh processes ----------
			const home = path.join(dir, 'home');
			const environment = cliEnvironment(home);
			const out = path.join(dir, 'out.txt');
			const sqlOut = path.join(dir, 'sql-out.txt');
			const cliStep = async (key: string, operation: string, args: string[], sqliteArgs: string[], pattern: RegExp) =>
				step(key, operation, () => {
					if (setup.buildError) {
						throw new Error(setup.buildError);
					}

					const ours = repeat(() => wall(cli([...args, '--data-dir', dir], environment), out));
					const sqlite = repeat(() => wall(child(children.sqlite, sqliteArgs), sqlOut));
					const ourIds = fs.readFileSync(out, 'utf8').match(pattern) ?? [];
					const sqlIds = fs.readFileSync(sqlOut, 'utf8').match(pattern) ?? [];
					if (ourIds.length === 0) {
						throw new Error(`no rows in the CLI's output: ${fs.readFileSync(out, 'utf8').slice(0, 200)}`);
					}

					check(ourIds, sqlIds, operation);
					add(key, operation, 'ms', median(ours), median(sqlite));
				});
			await step('node', 'node start-up: cosmos-tui --version vs node -e 0 (context)', () => {
				if (setup.buildError) {
					throw new Error(setup.buildError);
				}

				const ours = repeat(() => wall(cli(['--version'], environment), out));
				const bare = repeat(() => wall({file: process.execPath, args: ['-e', '0']}, sqlOut));
				add('node', 'node start-up: cosmos-tui --version vs node -e 0 (context)', 'ms', median(ours), median(bare));
			});
			await cliStep('cli-list', 'CLI wall: list runs --limit 50 vs one-shot better-sqlite3 script', ['list', 'runs', '--limit', '50'], ['list', sqliteFile, '50'], /\brs_[0-9a-f]+/g);
			const word = SEARCH.toLowerCase();
			await cliStep('cli-search', `CLI wall: search ${word} vs one-shot better-sqlite3 script`, ['search', word], ['search', sqliteFile, word, '50'], /\bps_[0-9a-f]+/g);

			// ---------- logs ----------
			const tailRun = runIds.at(-1)!;
			const fullRun = runIds.at(-2)!;
			await step('logs-tail', 'CLI wall: logs --tail 100 on a 5M-line log vs tail -n 100', async () => {
				if (setup.buildError) {
					throw new Error(setup.buildError);
				}

				// The read itself, as the CLI and the UI do it once started (process start-up is the row below).
				const read = await time(20, async () => lastLines(setup.logs.tail, 100));
				const tailOnce = median(repeat(() => wall({file: 'tail', args: ['-n', '100', setup.logs.tail]}, sqlOut)));
				add('logs-tail-read', `logs --tail 100 on a ${lineCount(setup.logs.tail)}-line log: the read in process (service) vs tail -n 100 (whole process)`, 'ms', read, tailOnce);

				attachLog(dir, tailRun, setup.logs.tail);
				const ours = repeat(() => wall(cli(['logs', tailRun, '--tail', '100', '--data-dir', dir], environment), out));
				const lines = fs.readFileSync(out, 'utf8').split('\n').length - 1;
				if (lines !== 100) {
					throw new Error(`logs --tail 100 printed ${lines} lines`);
				}

				const tail = repeat(() => wall({file: 'tail', args: ['-n', '100', setup.logs.tail]}, sqlOut));
				add('logs-tail', `CLI wall: logs --tail 100 on a ${lineCount(setup.logs.tail)}-line log vs tail -n 100`, 'ms', median(ours), median(tail));
			});
			await step('logs-full', 'CLI wall: logs <id> of a 1M-line log vs cat log > file', () => {
				if (setup.buildError) {
					throw new Error(setup.buildError);
				}

				attachLog(dir, fullRun, setup.logs.full);
				const ours = repeat(() => wall(cli(['logs', fullRun, '--data-dir', dir], environment), out));
				if (fs.statSync(out).size < fs.statSync(setup.logs.full).size * 0.9) {
					throw new Error(`logs printed ${fs.statSync(out).size} bytes of a ${fs.statSync(setup.logs.full).size}-byte log`);
				}

				const cat = repeat(() => wall({file: 'cat', args: [setup.logs.full]}, sqlOut));
				add('logs-full', `CLI wall: logs <id> of a ${lineCount(setup.logs.full)}-line log vs cat log > file`, 'ms', median(ours), median(cat));
			});
			fs.rmSync(out, {force: true});
			fs.rmSync(sqlOut, {force: true});

			// ---------- durable writes, with a second process writing ----------
			const sample = Array.from({length: Math.min(2000, runIds.length)}, (_, i) => runIds[Math.floor((i * runIds.length) / Math.min(2000, runIds.length))]!);
			const theirs = sample.filter((_, i) => i % 2 === 0);
			const mine = sample.filter((_, i) => i % 2 === 1);
			const idsFile = path.join(dir, 'writer-ids.json');
			fs.writeFileSync(idsFile, JSON.stringify(theirs));
			await step('update', 'durable status update, another process writing', async () => {
				const at = () => new Date().toISOString();
				const generation = store.info().generation;
				const ourStop = path.join(dir, 'stop-store');
				const ourWriter = await startWriter<{count: number}>(child(children.store, ['writer', dir, idsFile, ourStop, String(WRITER_PAUSE_MS)]), ourStop);
				const ours = await samples(UPDATES, async i => store.write(tx => tx.update('runs', mine[i % mine.length]!, {status: 'running', started_at: at()})));
				const ourOther = await ourWriter.stop();
				const compactions = store.info().generation - generation;
				const sqlStop = path.join(dir, 'stop-sqlite');
				const sqlWriter = await startWriter<{count: number}>(child(children.sqlite, ['writer', sqliteFile, idsFile, sqlStop, String(WRITER_PAUSE_MS)]), sqlStop);
				const setStatus = db.prepare(SQL.setStatus);
				const sqlite = await samples(UPDATES, i => setStatus.run('running', at(), mine[i % mine.length]!));
				const sqlOther = await sqlWriter.stop();
				const note = `${UPDATES} updates; the other process wrote ${ourOther.count} (this store) / ${sqlOther.count} (SQLite); ${compactions} compaction(s)`;
				log(`${size} runs: ${note}; max ${Math.max(...ours).toFixed(1)} ms (this store), ${Math.max(...sqlite).toFixed(1)} ms (SQLite)`);
				add('update-p50', `durable status update p50, another process writing (${note})`, 'ms', percentile(ours, 50), percentile(sqlite, 50));
				add('update-p99', 'durable status update p99, another process writing', 'ms', percentile(ours, 99), percentile(sqlite, 99));
				add('update-max', 'durable status update max, another process writing (not a target)', 'ms', Math.max(...ours), Math.max(...sqlite));
			});
		} finally {
			await store.close().catch(() => undefined);
			db.close();
		}
	} finally {
		fs.rmSync(dir, {recursive: true, force: true});
	}

	/** REPEAT results of fn (each a fresh process). */
	function repeat(fn: () => number): number[] {
		return Array.from({length: REPEAT}, () => fn());
	}
}

/** Every call's time (no warm-up: the first writes after the other process started count too). */
async function samples(count: number, fn: (i: number) => unknown): Promise<number[]> {
	const times: number[] = [];
	for (let i = 0; i < count; i++) {
		const start = performance.now();
		await fn(i);
		times.push(performance.now() - start);
	}

	return times;
}

function lineCount(file: string): string {
	const lines = Number(path.basename(file).match(/(\d+)\.log$/)?.[1] ?? 0);
	return lines >= 1e6 && lines % 1e6 === 0 ? `${lines / 1e6}M` : lines >= 1e3 && lines % 1e3 === 0 ? `${lines / 1e3}k` : String(lines);
}

function check(ours: readonly string[], sqlite: readonly string[], what: string): void {
	if (JSON.stringify(ours) !== JSON.stringify(sqlite)) {
		throw new Error(`${what}: this store and SQLite disagree (${ours.length} vs ${sqlite.length} rows)`);
	}
}
