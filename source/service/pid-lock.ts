// A lock file holding the owner's pid. A lock whose owner is dead (kill -9) is taken over.
import {readFileSync, unlinkSync, writeFileSync} from 'node:fs';

export type PidLock = {release: () => void};

/** Takes the lock, or returns the live owner's pid. */
export function tryLock(file: string): PidLock | {ownerPid: number} {
	for (let attempt = 0; attempt < 3; attempt++) {
		try {
			writeFileSync(file, String(process.pid), {flag: 'wx'});
			return {release: () => releaseIfOurs(file)};
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
		const owner = readOwner(file);
		if (owner !== null && owner !== process.pid && isAlive(owner)) return {ownerPid: owner};
		if (owner === process.pid) return {ownerPid: owner};
		// Stale: the owner died without releasing. Remove and try again.
		try {
			unlinkSync(file);
		} catch {}
	}
	const owner = readOwner(file);
	return {ownerPid: owner ?? -1};
}

function readOwner(file: string): number | null {
	try {
		const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
		return Number.isInteger(pid) && pid > 0 ? pid : null;
	} catch {
		return null;
	}
}

function releaseIfOurs(file: string): void {
	if (readOwner(file) === process.pid) {
		try {
			unlinkSync(file);
		} catch {}
	}
}

export function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}
