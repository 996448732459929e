// Starts `cosmos-tui worker --once` as a detached background process: it dispatches the queue
// with no UI or command open and exits when nothing is queued or running. Its output goes to
// <data>/worker.log. Same Node, same loader flags (tsx in development), same entry point.
import {spawn} from 'node:child_process';
import {closeSync, mkdirSync, openSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export type WorkerSpawn = {
	dataDir: string;
	configFile: string | null;
	acceptNewHostKey: boolean;
	env: NodeJS.ProcessEnv;
	cwd: string;
};

/** main.ts under tsx, main.js when compiled: the entry point beside this file. */
const here = fileURLToPath(import.meta.url);
const MAIN = path.join(path.dirname(here), `main${path.extname(here)}`);

export function workerLogPath(dataDir: string): string {
	return path.join(dataDir, 'worker.log');
}

export function spawnWorker(options: WorkerSpawn): void {
	mkdirSync(options.dataDir, {recursive: true});
	const log = openSync(workerLogPath(options.dataDir), 'a');
	try {
		const args = [
			...process.execArgv,
			MAIN,
			'worker',
			'--once',
			'--data-dir',
			options.dataDir,
			...(options.configFile ? ['--config', options.configFile] : []),
			...(options.acceptNewHostKey ? ['--accept-new-host-key'] : []),
		];
		const child = spawn(process.execPath, args, {cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', log, log]});
		child.unref();
	} finally {
		closeSync(log);
	}
}
