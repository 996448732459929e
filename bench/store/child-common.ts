// Shared by the bench's child processes (bundled by esbuild and run with plain node, so that tsx's
// loader thread, about 45 MB, counts neither in open times nor in RSS).
import fs from 'node:fs';

export const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

export function print(value: unknown): void {
	process.stdout.write(`${JSON.stringify(value)}\n`);
}

export function readIds(file: string): string[] {
	return JSON.parse(fs.readFileSync(file, 'utf8')) as string[];
}

/** The arguments of a writer child: where to write, which run ids, when to stop, how long to pause. */
export type WriterArgs = {target: string; ids: string[]; stopFile: string; pauseMs: number};

const parent = process.ppid;

/** A writer stops when the stop file appears, or when the bench died (its parent changed, or after 30 minutes). */
export function shouldStop(stopFile: string, started: number): boolean {
	return fs.existsSync(stopFile) || process.ppid !== parent || Date.now() - started > 30 * 60_000;
}

export function writerArgs(args: readonly string[]): WriterArgs {
	return {target: args[0]!, ids: readIds(args[1]!), stopFile: args[2]!, pauseMs: Number(args[3] ?? 0)};
}

/** The second writer's loop: update one run after another (saying "ready" after the first) until told to stop; returns how many. */
export async function writeUntilStopped({ids, stopFile, pauseMs}: WriterArgs, update: (id: string, count: number) => unknown): Promise<number> {
	let count = 0;
	const started = Date.now();
	for (;;) {
		await update(ids[(count * 7919) % ids.length]!, count);
		count++;
		if (count === 1) {
			process.stdout.write('ready\n');
		}

		if (shouldStop(stopFile, started)) {
			return count;
		}

		if (pauseMs > 0) {
			await sleep(pauseMs);
		}
	}
}
