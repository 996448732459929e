// The bench's output: one markdown table of all rows, then each target, met or not, per size.
import type {Cell, Row} from './measure.js';

type Target = {
	key: string;
	what: string;
	ok(ours: number, sqlite: number): boolean;
	show(ours: number, sqlite: number): string;
};

const ms = (value: number) => `${value < 10 ? value.toFixed(2) : value.toFixed(0)} ms`;
const times = (ours: number, sqlite: number) => `${(ours / sqlite).toFixed(2)}×`;

const TARGETS: Target[] = [
	{key: 'open', what: 'open (fresh process) ≤ 150 ms and within 5× of SQLite', ok: (o, s) => o <= 150 && o <= 5 * s, show: (o, s) => `${ms(o)}, ${times(o, s)} SQLite`},
	{key: 'rss', what: 'RSS after open + newest 50 ≤ 150 MB', ok: o => o <= 150, show: (o, s) => `${o.toFixed(0)} MB (SQLite ${s.toFixed(0)} MB)`},
	{key: 'rss-cold', what: 'RSS after open + newest 50, warmUp: false ≤ 150 MB', ok: o => o <= 150, show: (o, s) => `${o.toFixed(0)} MB (SQLite ${s.toFixed(0)} MB)`},
	{key: 'newest', what: 'newest 50 runs + prompt names ≤ 5 ms and no slower than SQLite', ok: (o, s) => o <= 5 && o <= s, show: (o, s) => `${ms(o)} vs ${ms(s)}`},
	{key: 'prompt', what: 'one prompt with its runs ≤ 5 ms and no slower than SQLite', ok: (o, s) => o <= 5 && o <= s, show: (o, s) => `${ms(o)} vs ${ms(s)}`},
	{key: 'search', what: 'search ≤ 20 ms and no slower than SQLite LIKE', ok: (o, s) => o <= 20 && o <= s, show: (o, s) => `${ms(o)} vs ${ms(s)}`},
	{key: 'update-p50', what: 'durable status update p50 ≤ 5 ms (another process writing)', ok: o => o <= 5, show: (o, s) => `${ms(o)} (SQLite ${ms(s)})`},
	{key: 'update-p99', what: 'durable status update p99 ≤ 50 ms (another process writing)', ok: o => o <= 50, show: (o, s) => `${ms(o)} (SQLite ${ms(s)})`},
	{key: 'cli-list', what: 'CLI list runs --limit 50 within 1.5× of a one-shot better-sqlite3 script', ok: (o, s) => o <= 1.5 * s, show: (o, s) => `${ms(o)} vs ${ms(s)} (${times(o, s)})`},
	{key: 'cli-search', what: 'CLI search within 1.5× of a one-shot better-sqlite3 script', ok: (o, s) => o <= 1.5 * s, show: (o, s) => `${ms(o)} vs ${ms(s)} (${times(o, s)})`},
	{key: 'logs-tail', what: 'logs --tail 100 on a 5M-line log ≤ 50 ms (wall, fresh process)', ok: o => o <= 50, show: (o, s) => `${ms(o)} (tail -n 100: ${ms(s)})`},
	{key: 'logs-tail-read', what: 'logs --tail 100 on a 5M-line log ≤ 50 ms (the read, in process)', ok: o => o <= 50, show: (o, s) => `${ms(o)} (tail -n 100, whole process: ${ms(s)})`},
	{key: 'logs-full', what: 'logs <id> of a 1M-line log within 3× of cat log > file', ok: (o, s) => o <= 3 * s, show: (o, s) => `${ms(o)} vs ${ms(s)} (${times(o, s)})`},
];

function cell(value: Cell, unit: string): string {
	if (typeof value === 'string') {
		return value;
	}

	return unit === 'ms' ? value.toFixed(value < 100 ? 3 : 1) : value.toFixed(1);
}

export function printReport(rows: readonly Row[]): void {
	console.log('| size | operation | this store | SQLite | ratio |');
	console.log('|---:|---|---:|---:|---:|');
	for (const row of rows) {
		const ratio = typeof row.ours === 'number' && typeof row.sqlite === 'number' && row.sqlite > 0 ? (row.ours / row.sqlite).toFixed(2) : '';
		const unit = row.unit ? ` (${row.unit})` : '';
		console.log(`| ${row.size} | ${row.operation}${unit} | ${cell(row.ours, row.unit)} | ${cell(row.sqlite, row.unit)} | ${ratio} |`);
	}

	console.log('\nTargets:');
	const sizes = [...new Set(rows.map(row => row.size))];
	for (const target of TARGETS) {
		const results = sizes.map(size => {
			const row = rows.find(candidate => candidate.size === size && candidate.key === target.key);
			const failed = rows.find(candidate => candidate.size === size && candidate.key === 'all');
			if (!row) {
				return `${size}: NOT MET (${failed ? String(failed.ours) : 'not measured'})`;
			}

			if (typeof row.ours !== 'number' || typeof row.sqlite !== 'number') {
				return `${size}: NOT MET (${String(row.ours)})`;
			}

			return `${size}: ${target.ok(row.ours, row.sqlite) ? 'met' : 'NOT MET'} (${target.show(row.ours, row.sqlite)})`;
		});
		console.log(`- ${target.what}: ${results.join('; ')}`);
	}
}
