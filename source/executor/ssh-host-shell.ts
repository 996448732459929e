// HostShell over SSH: commands on raw ssh2 channels (streamed, not buffered when a callback takes
// the output; node-ssh would keep all of it), files over the connection's shared SFTP session.
import {randomBytes} from 'node:crypto';
import {rename as renameLocal, rm} from 'node:fs/promises';
import path from 'node:path';
import {StringDecoder} from 'node:string_decoder';
import type {ClientChannel, SFTPWrapper, Stats} from 'ssh2';
import {HostError} from '../domain/errors.js';
import {
	ConnectionLostError,
	type ExecOptions,
	type ExecResult,
	type HostShell,
	type RemoteEntry,
	type RemoteFileType,
	type RemoteStat,
	abortReason,
	hostIoError,
} from './host-shell.js';
import {buildCommand} from './shell-quote.js';
import type {SshConnection} from './ssh-connection.js';

/** SFTP status code for "no such file". */
const NO_SUCH_FILE = 2;

const isMissing = (error: unknown): boolean => (error as {code?: unknown} | null)?.code === NO_SUCH_FILE;

function typeOf(stats: Stats): RemoteFileType {
	if (stats.isFile()) return 'file';
	if (stats.isDirectory()) return 'directory';
	if (stats.isSymbolicLink()) return 'symlink';
	return 'other';
}

/** Calls an SFTP method in callback style as a promise. */
function call<T>(start: (done: (error: Error | undefined | null, value?: T) => void) => void): Promise<T> {
	return new Promise((resolve, reject) => start((error, value) => (error ? reject(error) : resolve(value as T))));
}

export class SshHostShell implements HostShell {
	private homeDir: Promise<string> | null = null;

	constructor(
		readonly connection: SshConnection,
		readonly description: string,
	) {}

	exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
		const command = buildCommand(argv);
		return this.connection.withChannel(
			client =>
				new Promise<ExecResult>((resolve, reject) => {
					client.exec(command, (error, channel) => {
						// e.g. "Channel open failure" when sshd's MaxSessions is below [remote] max_channels.
						if (error) return reject(new HostError(`cannot run ${argv[0]} on ${this.description}: ${error.message}`));
						this.collect(channel, options, argv.slice(0, 2).join(' '), resolve, reject);
					});
				}),
			options.signal,
		);
	}

	private collect(channel: ClientChannel, options: ExecOptions, label: string, resolve: (result: ExecResult) => void, reject: (error: Error) => void): void {
		const {signal} = options;
		const out = new StringDecoder('utf8');
		const err = new StringDecoder('utf8');
		let stdout = '';
		let stderr = '';
		let exit: {code: number | null} | null = null;
		const onStdout = options.onStdout ?? ((text: string) => void (stdout += text));
		const onStderr = options.onStderr ?? ((text: string) => void (stderr += text));
		const onAbort = () => {
			// OpenSSH >= 7.9 delivers the signal; closing the channel also ends a program that writes.
			try {
				channel.signal('TERM');
			} catch {}
			channel.close();
			reject(abortReason(signal!));
		};
		if (signal?.aborted) return onAbort();
		signal?.addEventListener('abort', onAbort, {once: true});
		channel.on('data', (chunk: Buffer) => onStdout(out.write(chunk)));
		channel.stderr.on('data', (chunk: Buffer) => onStderr(err.write(chunk)));
		channel.on('exit', (code: number | null) => {
			exit = {code: typeof code === 'number' ? code : null};
		});
		channel.on('close', () => {
			signal?.removeEventListener('abort', onAbort);
			if (signal?.aborted) return;
			const restOut = out.end();
			const restErr = err.end();
			if (restOut) onStdout(restOut);
			if (restErr) onStderr(restErr);
			// No exit status means the channel died with the connection, not that the program ended.
			if (!exit) return reject(new ConnectionLostError(`lost the connection to ${this.description} while running ${label}`));
			resolve({code: exit.code, stdout, stderr});
		});
	}

	private async sftp<T>(what: string, target: string, work: (sftp: SFTPWrapper) => Promise<T>): Promise<T> {
		try {
			return await this.connection.withSftp(work);
		} catch (error) {
			throw hostIoError(what, target, this.description, error);
		}
	}

	home(): Promise<string> {
		this.homeDir ??= this.sftp('finding the home folder', '', sftp => call<string>(done => sftp.realpath('.', done))).catch((error: unknown) => {
			this.homeDir = null;
			throw error;
		});
		return this.homeDir;
	}

	stat(target: string): Promise<RemoteStat | null> {
		return this.sftp('stat', target, sftp =>
			call<Stats>(done => sftp.stat(target, done)).then(
				stats => ({size: stats.size, type: typeOf(stats)}),
				(error: unknown) => {
					if (isMissing(error)) return null;
					throw error;
				},
			),
		);
	}

	readdir(target: string): Promise<RemoteEntry[]> {
		return this.sftp('listing', target, sftp =>
			call<Array<{filename: string; attrs: Stats}>>(done => sftp.readdir(target, done)).then(
				list => list.map(entry => ({name: entry.filename, size: entry.attrs.size, type: typeOf(entry.attrs)})),
				(error: unknown) => {
					if (isMissing(error)) return [];
					throw error;
				},
			),
		);
	}

	async mkdirp(target: string): Promise<void> {
		await this.sftp('creating folder', target, async sftp => {
			const parts = path.posix.resolve(target).split('/').filter(Boolean);
			let current = '';
			for (const part of parts) {
				current += `/${part}`;
				const stats = await call<Stats>(done => sftp.stat(current, done)).catch(() => null);
				if (stats?.isDirectory()) continue;
				if (stats) throw new HostError(`${current} on ${this.description} exists and is not a folder`);
				await call<void>(done => sftp.mkdir(current, done)).catch(async (error: unknown) => {
					// Another process may have made it meanwhile.
					const again = await call<Stats>(done => sftp.stat(current, done)).catch(() => null);
					if (!again?.isDirectory()) throw error;
				});
			}
		});
	}

	putFile(localPath: string, remotePath: string, onBytes?: (sent: number) => void): Promise<void> {
		return this.sftp('uploading to', remotePath, sftp =>
			call<void>(done => sftp.fastPut(localPath, remotePath, {step: sent => onBytes?.(sent), concurrency: 64, chunkSize: 32_768}, done)),
		);
	}

	writeFile(remotePath: string, content: string): Promise<void> {
		return this.sftp('writing', remotePath, sftp => call<void>(done => sftp.writeFile(remotePath, content, {encoding: 'utf8', mode: 0o644}, done)));
	}

	readFile(remotePath: string): Promise<string | null> {
		return this.sftp('reading', remotePath, sftp =>
			call<Buffer>(done => sftp.readFile(remotePath, {}, done)).then(
				data => data.toString('utf8'),
				(error: unknown) => {
					if (isMissing(error)) return null;
					throw error;
				},
			),
		);
	}

	/** Downloads to a temporary name beside the target first, so a cut transfer never looks complete. */
	async getFile(remotePath: string, localPath: string): Promise<void> {
		const partial = `${localPath}.part-${randomBytes(4).toString('hex')}`;
		try {
			await this.sftp('downloading', remotePath, sftp => call<void>(done => sftp.fastGet(remotePath, partial, {concurrency: 64, chunkSize: 32_768}, done)));
			await renameLocal(partial, localPath);
		} finally {
			await rm(partial, {force: true});
		}
	}

	rename(from: string, to: string): Promise<void> {
		// Plain SFTP rename refuses an existing target; OpenSSH's posix-rename replaces it atomically.
		return this.sftp('renaming', from, async sftp => {
			try {
				await call<void>(done => sftp.ext_openssh_rename(from, to, done));
			} catch (error) {
				if (!/not supported/i.test((error as Error).message)) throw error;
				await call<void>(done => sftp.unlink(to, done)).catch(() => undefined);
				await call<void>(done => sftp.rename(from, to, done));
			}
		});
	}

	remove(target: string): Promise<void> {
		return this.sftp('removing', target, sftp =>
			call<void>(done => sftp.unlink(target, done)).catch((error: unknown) => {
				if (!isMissing(error)) throw error;
			}),
		);
	}

	close(): Promise<void> {
		return this.connection.close();
	}
}
