// better-sqlite3 with the seed's design: scalar columns + JSON columns, indexes on created_at and
// prompt_id, WAL, synchronous=FULL (durable commits), busy_timeout for a second writer.
import Database from 'better-sqlite3';
import type {Prompt, Run} from '../../source/domain/model.js';
import type {Batch} from './data.js';
import {RUN_JSON, RUN_SCALARS, type SqlRow} from './sql.js';

export {SQL, type SqlRow} from './sql.js';

export function openSqlite(file: string): Database.Database {
	const db = new Database(file);
	db.pragma('journal_mode = WAL');
	db.pragma('synchronous = FULL');
	db.pragma('busy_timeout = 30000');
	return db;
}

/** Creates the tables and returns a function that inserts one batch in one transaction. */
export function sqliteBuilder(db: Database.Database): (batch: Batch) => void {
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
	return db.transaction((batch: Batch) => {
		for (const prompt of batch.prompts) {
			insertPrompt.run({...prompt, inputs: JSON.stringify(prompt.inputs)});
		}

		for (const run of batch.runs) {
			const row: Record<string, unknown> = {};
			for (const column of RUN_SCALARS) {
				row[column] = run[column];
			}

			row['stalled'] = run.stalled ? 1 : 0;
			for (const column of RUN_JSON) {
				row[column] = JSON.stringify(run[column]);
			}

			insertRun.run(row);
		}
	});
}

export function runFromRow(row: SqlRow): Run {
	const run: SqlRow = {...row, stalled: row['stalled'] === 1};
	for (const column of RUN_JSON) {
		run[column] = JSON.parse(row[column] as string);
	}

	return run as unknown as Run;
}

export function promptFromRow(row: SqlRow): Prompt {
	return {...row, inputs: JSON.parse(row['inputs'] as string)} as unknown as Prompt;
}
