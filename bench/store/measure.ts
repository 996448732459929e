// Timing helpers, child processes, and the rows the bench reports.
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export type Cell = number | string;
/** key names the measure for the targets; unit is printed after the operation. */
export type Row = {size: number; key: string; operation: string; unit: string; ours: Cell; sqlite: Cell};

export function median(samples: readonly number[]): number {
	return percentile(samples, 50);
}

/** Nearest-rank percentile. */
export function percentile(samples: readonly number[], p: number): number {
	if (samples.length === 0) {
		return Number.NaN;
	}

	const sorted = [...samples].sort((a, b) => a - b);
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Median of `iterations` timed calls after 3 warm-up calls. */
export async function time(iterations: number, fn: (i: number) => unknown): Promise<number> {
	for (let i = 0; i < 3; i++) {
		await fn(i);
	}

	const samples: number[] = [];
	for (let i = 0; i < iterations; i++) {
		const start = performance.now();
		await fn(i + 3);
		samples.push(performance.now() - start);
	}

	return median(samples);
}

export function message(error: unknown): string {
	const text = error instanceof Error ? error.message : String(error);
	return text.replaceAll(/\s+/g, ' ').replaceAll('|', '\\|').slice(0, 200);
}

export const log = (text: string) => process.stderr.write(`${text}\n`);

export type ChildCommand = {file: string; args: readonly string[]; env?: NodeJS.ProcessEnv; cwd?: string};

/** Runs a child to its end and parses the last line of its stdout as JSON. */
export function childJson<T>(command: ChildCommand, timeoutMs = 15 * 60_000): T {
	const result = spawnSync(command.file, command.args, {encoding: 'utf8', env: command.env, cwd: command.cwd, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024});
	if (result.error) {
		throw result.error;
	}

	if (result.status !== 0) {
		throw new Error(`child exited with ${result.status ?? result.signal}: ${lastLine(result.stderr)}`);
	}

	return JSON.parse(lastLine(result.stdout)) as T;
}

/** Wall time of a fresh process whose stdout goes to a file; returns ms (throws on a non-zero exit). */
export function wall(command: ChildCommand, outFile: string, timeoutMs = 15 * 60_000): number {
	const fd = fs.openSync(outFile, 'w');
	try {
		const start = performance.now();
		const result = spawnSync(command.file, command.args, {stdio: ['ignore', fd, 'pipe'], env: command.env, cwd: command.cwd, timeout: timeoutMs, encoding: 'utf8'});
		const ms = performance.now() - start;
		if (result.error) {
			throw result.error;
		}

		if (result.status !== 0) {
			throw new Error(`${path.basename(command.args[0] ?? command.file)} exited with ${result.status ?? result.signal}: ${lastLine(result.stderr)}`);
		}

		return ms;
	} finally {
		fs.closeSync(fd);
	}
}

export function lastLine(text: string): string {
	return text.trim().split('\n').at(-1) ?? '';
}

/** A long-running child (the second writer): resolves once it printed "ready"; stop() ends it and returns its JSON. */
export async function startWriter<T>(command: ChildCommand, stopFile: string, timeoutMs = 15 * 60_000): Promise<{stop(): Promise<T>}> {
	const child = spawn(command.file, command.args, {stdio: ['ignore', 'pipe', 'pipe'], env: command.env});
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8');
	child.stderr.setEncoding('utf8');
	child.stderr.on('data', (chunk: string) => {
		stderr = (stderr + chunk).slice(-4000);
	});
	const exited = new Promise<number | null>(resolve => {
		child.on('exit', code => {
			resolve(code);
		});
	});
	const kill = () => {
		if (child.exitCode === null && child.pid !== undefined) {
			child.kill('SIGKILL');
		}
	};

	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => {
			kill();
			reject(new Error('second writer: not ready in time'));
		}, timeoutMs);
		child.stdout.on('data', (chunk: string) => {
			stdout += chunk;
			if (stdout.includes('ready\n')) {
				clearTimeout(timer);
				resolve();
			}
		});
		void exited.then(code => {
			clearTimeout(timer);
			reject(new Error(`second writer exited with ${code} before it was ready: ${lastLine(stderr)}`));
		});
	});

	return {
		async stop() {
			fs.writeFileSync(stopFile, 'stop');
			const timer = setTimeout(kill, timeoutMs);
			const code = await exited;
			clearTimeout(timer);
			if (code !== 0) {
				throw new Error(`second writer exited with ${code}: ${lastLine(stderr)}`);
			}

			return JSON.parse(lastLine(stdout)) as T;
		},
	};
}

export function folderBytes(dir: string): number {
	let total = 0;
	for (const entry of fs.readdirSync(dir, {withFileTypes: true})) {
		const file = path.join(dir, entry.name);
		total += entry.isDirectory() ? folderBytes(file) : entry.isFile() ? fs.statSync(file).size : 0;
	}

	return total;
}
