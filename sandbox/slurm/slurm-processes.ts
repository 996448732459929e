// The processes of one sandbox Slurm cluster, found through /proc: its two daemons (by pid file,
// checked against their command line) and its step daemons with the jobs under them.
import {readFileSync, readdirSync, readlinkSync} from 'node:fs';
import {descendantsOf, signalAll} from '../host/processes.js';

/** The pid in pidPath while that process is alive and was started with this conf (guards against pid reuse). */
export function daemonPid(pidPath: string, confPath: string): number | undefined {
	try {
		const pid = Number(readFileSync(pidPath, 'utf8').trim());
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return undefined;
		return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(confPath) ? pid : undefined;
	} catch {
		return undefined;
	}
}

/** SIGKILL for the daemons named by these pid files, if they are still the ones started with confPath. */
export function killDaemonsSync(pidPaths: readonly string[], confPath: string): void {
	for (const pidPath of pidPaths) {
		const pid = daemonPid(pidPath, confPath);
		if (pid !== undefined) process.kill(pid, 'SIGKILL');
	}
}

/**
 * This cluster's slurmstepd processes: they outlive slurmd (re-parented to PID 1) and are named
 * only `slurmstepd: [<job>.batch]`, but each keeps slurmd's log (inside dir) open.
 */
function stepDaemons(dir: string): number[] {
	const found: number[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').startsWith('slurmstepd')) continue;
			const files = readdirSync(`/proc/${entry}/fd`).map(fd => {
				try {
					return readlinkSync(`/proc/${entry}/fd/${fd}`);
				} catch {
					return '';
				}
			});
			if (files.some(file => file.startsWith(`${dir}/`))) found.push(Number(entry));
		} catch {
			// The process ended while we looked.
		}
	}
	return found;
}

/** SIGKILL for this cluster's step daemons and the job processes under them (a job that outlived stop's grace). */
export function killJobsSync(dir: string): void {
	const steps = stepDaemons(dir);
	signalAll([...steps.flatMap(descendantsOf), ...steps], 'SIGKILL');
}
