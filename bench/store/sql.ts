// The SQL the bench runs, apart from better-sqlite3 itself (child-sqlite.ts is bundled without it).
export type SqlRow = Record<string, unknown>;

export const RUN_JSON = ['progress', 'control_weights', 'parameters', 'outputs', 'remote', 'metrics'] as const;
export const RUN_SCALARS = ['id', 'prompt_id', 'status', 'stage', 'parent_run_id', 'error_message', 'failure_kind', 'stalled', 'created_at', 'started_at', 'completed_at'] as const;

export const SQL = {
	newest: `SELECT r.*, p.name AS prompt_name FROM runs r JOIN prompts p ON p.id = r.prompt_id ORDER BY r.created_at DESC LIMIT ?`,
	newestRuns: 'SELECT * FROM runs ORDER BY created_at DESC LIMIT ?',
	search: `SELECT * FROM prompts WHERE prompt_text LIKE ? OR name LIKE ? ORDER BY created_at DESC LIMIT ?`,
	onePrompt: 'SELECT * FROM prompts WHERE id = ?',
	promptRuns: 'SELECT * FROM runs WHERE prompt_id = ? ORDER BY created_at DESC',
	setStatus: 'UPDATE runs SET status = ?, started_at = ? WHERE id = ?',
} as const;
