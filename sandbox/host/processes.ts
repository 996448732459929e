// Process-tree helpers over /proc: find an sshd's per-connection children and end them by pid.
import {readFileSync, readdirSync} from 'node:fs';

/** Parent pid of every live process, read from /proc/<pid>/stat. */
function parentTable(): Map<number, number> {
	const table = new Map<number, number>();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			// The command name is in parentheses and may hold spaces; fields after it are fixed.
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			table.set(Number(entry), Number(fields[1]));
		} catch {
			// The process ended while we looked.
		}
	}
	return table;
}

export function childrenOf(pid: number): number[] {
	return [...parentTable()].filter(([, parent]) => parent === pid).map(([child]) => child);
}

/** All descendants of pid (not pid itself), parents before children. */
export function descendantsOf(pid: number): number[] {
	const table = parentTable();
	const found: number[] = [];
	const queue = [pid];
	while (queue.length > 0) {
		const current = queue.shift()!;
		for (const [child, parent] of table) {
			if (parent === current) {
				found.push(child);
				queue.push(child);
			}
		}
	}
	return found;
}

export function isAlive(pid: number): boolean {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
	} catch {
		return false;
	}
}

export function signalAll(pids: number[], signal: NodeJS.Signals): void {
	for (const pid of pids) {
		try {
			process.kill(pid, signal);
		} catch {
			// Already gone.
		}
	}
}

/** Resolves once none of pids is alive (zombies count as gone), or throws after timeoutMs. */
export async function waitUntilGone(pids: number[], timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (pids.some(isAlive)) {
		if (Date.now() > deadline) throw new Error(`processes still alive after ${timeoutMs} ms: ${pids.filter(isAlive).join(', ')}`);
		await new Promise(resolve => setTimeout(resolve, 10));
	}
}
