// Which files of a run's remote output folder to download, and where to put them. File names come
// from the host (a container running as root wrote them, and an SFTP server answers readdir as it
// likes), so a name is used only when it is a plain base name from the expected set.
import path from 'node:path';
import {CONTROL_NAMES, type ControlName} from '../domain/model.js';
import type {RemoteEntry} from './host-shell.js';

const CONTROL_FILE = new RegExp(`^(${CONTROL_NAMES.join('|')})_input_control_(\\d{1,4})\\.mp4$`);
// C0, DEL, C1, and Unicode line/paragraph separators.
const CONTROL_CHARS = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;

/** The name when it is a single safe path component, else null. */
export function safeBaseName(name: string): string | null {
	if (name === '' || name === '.' || name === '..' || name.length > 255) return null;
	if (name.includes('/') || name.includes('\\') || name.includes('\0') || CONTROL_CHARS.test(name)) return null;
	if (name.startsWith('.') || name.includes('..')) return null;
	return path.basename(name) === name ? name : null;
}

export type OutputRole = {kind: 'video'} | {kind: 'prompt_text'} | {kind: 'control'; control: ControlName; rank: number};

export function outputRole(name: string): OutputRole | null {
	if (name === 'output.mp4') return {kind: 'video'};
	// A batch's sample writes prompt.txt (upstream transfer.py), a single run output.txt.
	if (name === 'output.txt' || name === 'prompt.txt') return {kind: 'prompt_text'};
	const match = CONTROL_FILE.exec(name);
	return match ? {kind: 'control', control: match[1] as ControlName, rank: Number(match[2])} : null;
}

export type PlannedDownload = {name: string; role: OutputRole; size: number};

/** Regular files with safe, expected names; symlinks and everything else are left on the host. */
export function planDownloads(entries: readonly RemoteEntry[]): PlannedDownload[] {
	const planned: PlannedDownload[] = [];
	for (const entry of entries) {
		if (entry.type !== 'file') continue;
		const name = safeBaseName(entry.name);
		const role = name === null ? null : outputRole(name);
		if (name !== null && role !== null) planned.push({name, role, size: entry.size});
	}
	return planned.sort((a, b) => a.name.localeCompare(b.name));
}

/** The local path for a planned name, checked to be directly inside outputDir. */
export function localTarget(outputDir: string, name: string): string {
	const safe = safeBaseName(name);
	const dir = path.resolve(outputDir);
	const target = safe === null ? null : path.resolve(dir, safe);
	if (target === null || path.dirname(target) !== dir) throw new Error(`refusing to write outside ${dir}: ${JSON.stringify(name)}`);
	return target;
}
