// The command a user types to start cosmos-tui again, for hints such as "follow it with: … logs <id>".
// `cosmos-tui` only works after a global install (or with the bin on PATH); started another way,
// a hint names the way it was started. invocationFor is pure; processInvocation gathers the facts.
import {realpathSync} from 'node:fs';
import path from 'node:path';

export type ProcessFacts = {
	/** process.argv[1]: the script node runs (absolute). */
	script: string | undefined;
	cwd: string;
	/** npm's variables: npm_command (exec for npx), npm_lifecycle_event (start for npm start). */
	env: Readonly<Record<string, string | undefined>>;
	/** A `cosmos-tui` found on PATH resolves to the same file as script. */
	onPath: boolean;
};

export const DEFAULT_INVOCATION = 'cosmos-tui';

/**
 * The TypeScript source runs only under tsx (npx tsx sets npm_command too). Then npm: npm start
 * and npx put node_modules/.bin on PATH, so `cosmos-tui` resolves there for this process but not
 * in the user's shell.
 */
export function invocationFor(facts: ProcessFacts): string {
	const {env, script} = facts;
	const shown = script === undefined ? '' : shellWord(shorterPath(script, facts.cwd));
	if (script !== undefined && /\.[cm]?tsx?$/.test(script)) return `npx tsx ${shown}`;
	if (env['npm_lifecycle_event'] === 'start') return 'npm start --';
	if (env['npm_command'] === 'exec') return 'npx cosmos-tui';
	if (facts.onPath || script === undefined) return DEFAULT_INVOCATION;
	if (/\.[cm]?js$/.test(script)) return `node ${shown}`;
	return DEFAULT_INVOCATION;
}

/** The path relative to cwd when that is shorter, else as given. */
function shorterPath(file: string, cwd: string): string {
	const relative = path.relative(cwd, file);
	return relative !== '' && relative.length < file.length ? relative : file;
}

/** Single-quoted when it holds anything a shell would read specially, so the hint can be pasted. */
function shellWord(text: string): string {
	return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", String.raw`'\''`)}'`;
}

/** The facts of this process; a PATH entry or script that cannot be resolved simply does not match. */
export function processInvocation(script: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
	return invocationFor({script, cwd, env, onPath: script !== undefined && onPath(script, env['PATH'] ?? '')});
}

function onPath(script: string, searchPath: string): boolean {
	const target = realpathOrNull(script);
	if (target === null) return false;
	for (const dir of searchPath.split(path.delimiter)) {
		if (dir === '') continue;
		const found = realpathOrNull(path.join(dir, 'cosmos-tui'));
		if (found !== null) return found === target;
	}
	return false;
}

function realpathOrNull(file: string): string | null {
	try {
		return realpathSync(file);
	} catch {
		return null;
	}
}
