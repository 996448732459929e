// Starts a loopback OpenSSH server for one sandbox and waits until it greets clients.
import {type ChildProcess, spawn} from 'node:child_process';
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {createConnection, createServer} from 'node:net';
import {execa} from 'execa';
import {type SandboxFiles, sshdConfig, writeKnownHosts} from './sandbox-files.js';

export const SSHD = '/usr/sbin/sshd';

export type RunningSshd = {port: number; pid: number; child: ChildProcess; exited: Promise<void>};

/** A TCP port free on 127.0.0.1 now (the caller retries if another process takes it first). */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

/** True once the server on port sends its SSH identification line. */
export function greets(port: number): Promise<boolean> {
	return new Promise(resolve => {
		const socket = createConnection({host: '127.0.0.1', port});
		let text = '';
		const done = (ok: boolean) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(2000, () => done(false));
		socket.on('data', chunk => {
			text += chunk.toString('latin1');
			if (text.includes('\n')) done(text.startsWith('SSH-2.0-'));
		});
		socket.on('error', () => done(false));
		socket.on('close', () => done(false));
	});
}

let disablePenalties: boolean | undefined;

/** OpenSSH >= 9.8 knows PerSourcePenalties; older versions reject the keyword. */
async function checkedConfig(files: SandboxFiles, port: number, user: string, maxSessions: number | undefined): Promise<void> {
	for (const candidate of disablePenalties === undefined ? [true, false] : [disablePenalties]) {
		writeFileSync(files.sshdConfigPath, sshdConfig(files, port, user, {maxSessions, disablePenalties: candidate}), {mode: 0o644});
		const test = await execa(SSHD, ['-t', '-f', files.sshdConfigPath], {reject: false, all: true});
		if (test.exitCode === 0) {
			disablePenalties = candidate;
			return;
		}
		if (!candidate || !/PerSourcePenalties/i.test(test.all ?? '')) {
			throw new Error(`sshd rejected its configuration:\n${test.all}`);
		}
	}
}

function logTail(files: SandboxFiles): string {
	return existsSync(files.sshdLogPath) ? readFileSync(files.sshdLogPath, 'utf8').split('\n').slice(-20).join('\n') : '';
}

export async function startSshd(files: SandboxFiles, user: string, maxSessions?: number): Promise<RunningSshd> {
	mkdirSync('/run/sshd', {recursive: true, mode: 0o755});
	for (let attempt = 1; ; attempt++) {
		const port = await freePort();
		await checkedConfig(files, port, user, maxSessions);
		const child = spawn(SSHD, ['-D', '-E', files.sshdLogPath, '-f', files.sshdConfigPath], {stdio: 'ignore'});
		let running = true;
		const exited = new Promise<void>(resolve => {
			child.once('exit', () => {
				running = false;
				resolve();
			});
			child.once('error', () => {
				running = false;
				resolve();
			});
		});
		const deadline = Date.now() + 10_000;
		while (running && Date.now() < deadline) {
			// The log line proves it is our sshd that bound the port, not another sandbox's.
			if (logTail(files).includes(`Server listening on 127.0.0.1 port ${port}.`) && (await greets(port))) {
				writeKnownHosts(files, port);
				return {port, pid: child.pid!, child, exited};
			}
			await Promise.race([exited, new Promise(resolve => setTimeout(resolve, 20))]);
		}
		child.kill('SIGKILL');
		await exited;
		const log = logTail(files);
		if (attempt < 5 && /Address already in use|Cannot bind/i.test(log)) continue;
		throw new Error(`sshd did not come up on 127.0.0.1:${port}:\n${log}`);
	}
}
