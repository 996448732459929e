// Everything the bench runs as a fresh process: the project build (dist/ for the CLI), the child
// bundles (child-store.ts, child-sqlite.ts bundled by esbuild so they run on plain node: no tsx
// loader in their start-up time or RSS), and the environment the CLI runs in (no config file, no host).
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';
import type {ChildCommand} from './measure.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(ROOT, 'dist/cli/main.js');

/** npm run build, so dist/ matches source/; returns an error message instead of throwing. */
export function buildProject(): string | undefined {
	try {
		execFileSync('npm', ['run', 'build'], {cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8'});
		return undefined;
	} catch (error) {
		const stderr = (error as {stderr?: string}).stderr ?? '';
		const stdout = (error as {stdout?: string}).stdout ?? '';
		return `npm run build failed: ${(stderr + stdout).trim().split('\n').slice(0, 3).join(' ')}`;
	}
}

export type Children = {store: string; sqlite: string};

/** Bundles the child programs into dir. */
export async function bundleChildren(dir: string): Promise<Children> {
	fs.mkdirSync(dir, {recursive: true});
	const children = {store: path.join(dir, 'child-store.mjs'), sqlite: path.join(dir, 'child-sqlite.mjs')};
	for (const [name, outfile] of Object.entries(children)) {
		await build({
			entryPoints: [path.join(ROOT, `bench/store/child-${name}.ts`)],
			outfile,
			bundle: true,
			platform: 'node',
			format: 'esm',
			target: 'node20',
			external: ['better-sqlite3'],
			logLevel: 'error',
			// Bundled CommonJS dependencies call require().
			banner: {js: "import {createRequire as __createRequire} from 'node:module'; const require = __createRequire(import.meta.url);"},
		});
	}

	return children;
}

/** Where child-sqlite resolves better-sqlite3 from (the bundle lives outside the checkout). */
export const RESOLVE_FROM = createRequire(import.meta.url).resolve('better-sqlite3');

export function child(file: string, args: readonly string[]): ChildCommand {
	return {file: process.execPath, args: [file, ...args], env: {...process.env, BENCH_RESOLVE_FROM: RESOLVE_FROM}};
}

/** A home without config files, so the CLI runs on its defaults and never reaches a GPU host. */
export function cliEnvironment(home: string): {env: NodeJS.ProcessEnv; cwd: string} {
	fs.mkdirSync(path.join(home, '.config'), {recursive: true});
	const env: NodeJS.ProcessEnv = {PATH: process.env['PATH'], HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), NO_COLOR: '1', TERM: 'dumb'};
	return {env, cwd: home};
}

export function cli(args: readonly string[], environment: {env: NodeJS.ProcessEnv; cwd: string}): ChildCommand {
	return {file: process.execPath, args: [CLI, ...args], ...environment};
}
