// Runs the real command line in a child process, as a user or a script would.
import {execFile} from 'node:child_process';
import path from 'node:path';
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
