// Runs the real command line in a child process, as a user or a script would.
import {execFile} from 'node:child_process';
import {readdirSync, readlinkSync} from 'node:fs';
import path from 'node:path';
import {signalAll, waitUntilGone} from '../../sandbox/host/processes.js';
import {REPO_ROOT} from './temp.js';

export type CliResult = {code: number; stdout: string; stderr: string};

export function cosmos(args: string[], options: {cwd: string; env?: Record<string, string>}): Promise<CliResult> {
	return new Promise(resolve => {
		execFile(
			process.execPath,
			['--import', import.meta.resolve('tsx'), path.join(REPO_ROOT, 'source/cli/main.ts'), ...args],
			{
				cwd: options.cwd,
				env: {PATH: process.env['PATH'] ?? '', HOME: options.cwd, NO_COLOR: '1', ...options.env},
				maxBuffer: 64 * 1024 * 1024,
			},
			(error, stdout, stderr) => {
				const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
				resolve({code, stdout, stderr});
			},
		);
	});
}

/**
 * Stops the background workers a test's commands started (they outlive the commands by design):
 * every process whose working folder is inside dir. SIGTERM, then SIGKILL after 5 s.
 */
export async function stopWorkersIn(dir: string): Promise<void> {
	const pids = readdirSync('/proc')
		.filter(name => /^\d+$/.test(name) && Number(name) !== process.pid)
		.filter(name => {
			try {
				const cwd = readlinkSync(`/proc/${name}/cwd`);
				return cwd === dir || cwd.startsWith(`${dir}/`);
			} catch {
				return false;
			}
		})
		.map(Number);
	signalAll(pids, 'SIGTERM');
	await waitUntilGone(pids, 5000).catch(() => signalAll(pids, 'SIGKILL'));
}
