// The cross-process write lock, in <store>/lock/. One O_EXCL "lock" file plus "remove it if its pid
// is dead" has a race nobody can fix with plain files: two processes both see the dead holder, one
// removes the stale file and takes the lock, then the other removes the *new* file. So this is
// Lamport's bakery algorithm over files instead. Every file has a unique name, holds nothing, and
// is removed only by its owner or by someone who saw that owner dead, so removal is never
// conditional and kill -9 cannot wedge the store.
//   c.<owner>        "choosing": present while a process picks its ticket
//   t.<n>.<owner>    ticket n; the lowest (n, owner) among live processes holds the lock
// owner = <pid>.<start>.<nonce>, where start is the process start time from /proc (0 where there is
// no /proc), so a pid reused by an unrelated process does not keep a dead owner's files alive.
// Assumes every user of the store shares one pid namespace (one machine, no separate containers).
import fs from 'node:fs';
import {randomBytes} from 'node:crypto';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {StoreError, describeError, errorCode} from './errors.js';

export type Release = () => void;

// Ticket numbers are BigInts: a Number would print 1e21 as "1e+21", which the pattern would not
// read back, and two writers would then both hold the lock.
type Ticket = {readonly number: bigint; readonly owner: string};

let ownStart: number | undefined;

export async function acquireLock(lockDir: string, timeoutMs: number): Promise<Release> {
	ownStart ??= startTime(process.pid) ?? 0;
	const owner = `${process.pid}.${ownStart}.${randomBytes(6).toString('hex')}`;
	const choosing = path.join(lockDir, `c.${owner}`);
	let ticketFile: string;
	let mine: Ticket;
	try {
		fs.mkdirSync(lockDir, {recursive: true});
		touch(choosing);
		try {
			mine = {number: nextTicket(fs.readdirSync(lockDir)), owner};
			ticketFile = path.join(lockDir, `t.${mine.number}.${owner}`);
			touch(ticketFile);
		} finally {
			fs.rmSync(choosing, {force: true});
		}
	} catch (error) {
		throw new StoreError(`store folder ${path.dirname(lockDir)} is not writable: ${describeError(error)}`, {cause: error});
	}

	const release = () => fs.rmSync(ticketFile, {force: true});
	const deadline = Date.now() + timeoutMs;
	for (let wait = 0; ; wait = Math.min(wait + 1, 10)) {
		let holder: string | undefined;
		try {
			holder = blocker(lockDir, mine);
		} catch (error) {
			release();
			throw new StoreError(`cannot read store lock folder ${lockDir}: ${describeError(error)}`, {cause: error});
		}

		if (holder === undefined) {
			return release;
		}

		if (Date.now() > deadline) {
			release();
			throw new StoreError(
				`store ${path.dirname(lockDir)} is still locked by process ${holder.split('.')[0]} after ${(timeoutMs / 1000).toFixed(1)} s`,
			);
		}

		await sleep(wait);
	}
}

/** The owner of a live choosing file or of a live lower ticket, if any; removes those of dead processes. */
function blocker(lockDir: string, mine: Ticket): string | undefined {
	// Two listings: all "choosing" must be seen gone before tickets are compared (the bakery's order).
	for (const name of fs.readdirSync(lockDir)) {
		const owner = name.startsWith('c.') ? name.slice(2) : undefined;
		if (owner !== undefined && owner !== mine.owner) {
			if (alive(owner)) {
				return owner;
			}

			fs.rmSync(path.join(lockDir, name), {force: true});
		}
	}

	for (const ticket of tickets(fs.readdirSync(lockDir))) {
		const before = ticket.number < mine.number || (ticket.number === mine.number && ticket.owner < mine.owner);
		if (ticket.owner !== mine.owner && before) {
			if (alive(ticket.owner)) {
				return ticket.owner;
			}

			fs.rmSync(path.join(lockDir, `t.${ticket.number}.${ticket.owner}`), {force: true});
		}
	}

	return undefined;
}

/** One above the highest ticket among these lock-folder names (1 when there is none). */
export function nextTicket(names: string[]): bigint {
	return tickets(names).reduce((max, ticket) => (ticket.number > max ? ticket.number : max), 0n) + 1n;
}

function tickets(names: string[]): Ticket[] {
	const found: Ticket[] = [];
	for (const name of names) {
		const match = /^t\.(\d+|\d+(?:\.\d+)?e\+\d+)\.(\d+\.\d+\.[\da-f]+)$/.exec(name);
		if (match) {
			// "1e+21" is how an older version wrote a huge ticket: read it, so it still counts.
			const text = match[1]!;
			found.push({number: text.includes('e') ? BigInt(Number(text)) : BigInt(text), owner: match[2]!});
		}
	}

	return found;
}

function touch(file: string): void {
	fs.closeSync(fs.openSync(file, 'wx'));
}

/** Whether the process that owns a lock file still runs: same pid, same start time, not a zombie. */
function alive(owner: string): boolean {
	const [pid, start] = owner.split('.').map(Number) as [number, number];
	return processAlive(pid, start);
}

/** Whether process pid runs (and is not a zombie); with start (0: any), only if it started then. */
export function processAlive(pid: number, start = 0): boolean {
	if (pid === process.pid) {
		return true;
	}

	try {
		process.kill(pid, 0);
	} catch (error) {
		return errorCode(error) === 'EPERM';
	}

	const stat = procStat(pid);
	if (stat === undefined) {
		return true; // No /proc: trust the pid.
	}

	return stat.state !== 'Z' && (start === 0 || stat.start === start);
}

function startTime(pid: number): number | undefined {
	return procStat(pid)?.start;
}

/** State and start time (clock ticks after boot) from /proc/<pid>/stat, on Linux. */
function procStat(pid: number): {state: string; start: number} | undefined {
	try {
		const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		// The command name (field 2) may hold spaces; fields after it start at field 3.
		const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
		return {state: fields[0]!, start: Number(fields[19])};
	} catch {
		return undefined;
	}
}
