// Temporary folders and sample inputs for tests.
import {cp, mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SAMPLE_DIR = path.join(REPO_ROOT, 'data', 'samples', 'street');

export async function tempDir(prefix = 'cosmos-test-'): Promise<{dir: string; cleanup: () => Promise<void>}> {
	const dir = await mkdtemp(path.join(tmpdir(), prefix));
	return {dir, cleanup: () => rm(dir, {recursive: true, force: true})};
}

/** A private copy of the sample input folder (tests may change it). */
export async function sampleInputs(into: string, name = 'inputs'): Promise<string> {
	const target = path.join(into, name);
	await cp(SAMPLE_DIR, target, {recursive: true});
	return target;
}
