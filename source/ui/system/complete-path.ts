// Folder-path completion for the "new prompt" form. Not UI code: it reads the file system, and
// the UI gets it injected (launchUi options) so components never do I/O themselves.
import {readdir, stat} from 'node:fs/promises';
import {homedir} from 'node:os';
import path from 'node:path';
import {commonPrefix} from '../state/prompt-form.js';

export type PathCompletion = {completed: string; candidates: string[]};
export type CompletePath = (typed: string) => Promise<PathCompletion>;

const MAX_CANDIDATES = 20;

/** Completes the last segment of `typed` among the folders that start with it. */
export async function completeFolderPath(typed: string, cwd = process.cwd()): Promise<PathCompletion> {
	const slash = typed.lastIndexOf('/');
	const folderPart = slash === -1 ? '' : typed.slice(0, slash + 1);
	const start = typed.slice(slash + 1);
	const expanded = folderPart.startsWith('~/') || folderPart === '~' ? path.join(homedir(), folderPart.slice(1)) : folderPart;
	const folder = path.resolve(cwd, expanded === '' ? '.' : expanded);
	const entries = await readdir(folder, {withFileTypes: true}).catch(() => []);
	const names: string[] = [];
	for (const entry of entries) {
		if (!entry.name.startsWith(start) || (entry.name.startsWith('.') && !start.startsWith('.'))) continue;
		const isFolder = entry.isDirectory() || (entry.isSymbolicLink() && (await stat(path.join(folder, entry.name)).catch(() => null))?.isDirectory());
		if (isFolder) names.push(entry.name);
	}
	names.sort();
	if (names.length === 0) return {completed: typed, candidates: []};
	if (names.length === 1) return {completed: `${folderPart}${names[0]}/`, candidates: []};
	return {completed: `${folderPart}${commonPrefix(names)}`, candidates: names.slice(0, MAX_CANDIDATES)};
}
