// Child process modes that use better-sqlite3 (the same measures as child-store.ts), plus the
// one-shot scripts the CLI is compared with:
//   open <file> | rss <file> | writer <file> <ids.json> <stopFile> <pauseMs>
//   list <file> <limit>              like `cosmos-tui list runs --limit N`: newest runs with prompt names, as a table
//   search <file> <query> <limit>    like `cosmos-tui search <query>`: prompts whose text or name contains it
import {createRequire} from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import {elapsedSeconds, formatDate, formatDuration, truncate} from '../../source/format/format.js';
import {print, writeUntilStopped, writerArgs} from './child-common.js';
import {SQL, type SqlRow} from './sql.js';

// The bundle lives outside the checkout: better-sqlite3 is resolved from where the bench says.
const Database = createRequire(process.env['BENCH_RESOLVE_FROM'] ?? import.meta.url)('better-sqlite3') as typeof BetterSqlite3;

function openDb(file: string): BetterSqlite3.Database {
	const db = new Database(file);
	db.pragma('journal_mode = WAL');
	db.pragma('synchronous = FULL');
	db.pragma('busy_timeout = 30000');
	return db;
}

const [mode, ...args] = process.argv.slice(2);

function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): void {
	const all = [headers, ...rows];
	const widths = headers.map((_, i) => Math.max(...all.map(row => row[i]!.length)));
	const lines = all.map(row => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
	process.stdout.write(`${lines.join('\n')}\n`);
}

function open(file: string): void {
	const start = performance.now();
	const db = openDb(file);
	db.prepare(SQL.newestRuns).get(1);
	print({ms: performance.now() - start});
	db.close();
}

function rss(file: string): void {
	const start = performance.now();
	const db = openDb(file);
	const rows = db.prepare(SQL.newest).all(50) as SqlRow[];
	const names = rows.map(row => ({...row, progress: JSON.parse(row['progress'] as string) as unknown, name: row['prompt_name']}));
	print({rss: process.memoryUsage().rss, ms: performance.now() - start, rows: names.length, warm: true});
	db.close();
}

async function writer(): Promise<void> {
	const writer = writerArgs(args);
	const db = openDb(writer.target);
	const update = db.prepare(SQL.setStatus);
	const count = await writeUntilStopped(writer, id => update.run('running', new Date().toISOString(), id));
	db.close();
	print({count});
}

function list(file: string, limit: number): void {
	const db = openDb(file);
	const rows = db.prepare(SQL.newest).all(limit) as SqlRow[];
	table(
		['ID', 'STATUS', 'PROMPT', 'WEIGHTS', 'CREATED', 'DURATION'],
		rows.map(row => {
			const weights = JSON.parse(row['control_weights'] as string) as Record<string, number>;
			return [
				row['id'] as string,
				(row['status'] as string) + (row['failure_kind'] ? ` (${String(row['failure_kind'])})` : '') + (row['stalled'] === 1 ? ' (stalled)' : ''),
				truncate(row['prompt_name'] as string, 30),
				['vis', 'edge', 'depth', 'seg'].map(name => String(weights[name])).join('/'),
				formatDate(row['created_at'] as string),
				formatDuration(elapsedSeconds(row['started_at'] as string | null, row['completed_at'] as string | null)),
			];
		}),
	);
	db.close();
}

function search(file: string, query: string, limit: number): void {
	const db = openDb(file);
	const pattern = `%${query}%`;
	const rows = db.prepare(SQL.search).all(pattern, pattern, limit) as SqlRow[];
	table(
		['ID', 'NAME', 'TEXT', 'CREATED'],
		rows.map(row => {
			const text = row['prompt_text'] as string;
			const at = text.toLowerCase().indexOf(query.toLowerCase());
			const start = Math.max(0, at - 30);
			const end = Math.min(text.length, at + query.length + 40);
			return [row['id'] as string, truncate(row['name'] as string, 30), (start > 0 ? '…' : '') + text.slice(start, end) + (end < text.length ? '…' : ''), formatDate(row['created_at'] as string)];
		}),
	);
	db.close();
}

if (mode === 'open') {
	open(args[0]!);
} else if (mode === 'rss') {
	rss(args[0]!);
} else if (mode === 'writer') {
	await writer();
} else if (mode === 'list') {
	list(args[0]!, Number(args[1]));
} else if (mode === 'search') {
	search(args[0]!, args[1]!, Number(args[2]));
} else {
	throw new Error(`child-sqlite: unknown mode ${String(mode)}`);
}
