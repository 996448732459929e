// What the Docker executor needs from the machine that runs Docker: run a program (argv, never a
// shell string built from user text), stream its output, and move files. SshHostShell does it over
// one reused SSH connection, LocalHostShell on this machine; the executor cannot tell them apart.
import {types} from 'node:util';
import {HostError, UserError} from '../domain/errors.js';

export type RemoteFileType = 'file' | 'directory' | 'symlink' | 'other';
export type RemoteStat = {size: number; type: RemoteFileType};
export type RemoteEntry = RemoteStat & {name: string};

export type ExecOptions = {
	/** Aborting ends the program (SIGTERM, then the channel closes) and rejects with the signal's reason. */
	signal?: AbortSignal;
	/** Given: stdout is streamed here (decoded UTF-8) and not buffered in the result. */
	onStdout?: (text: string) => void;
	onStderr?: (text: string) => void;
};

export type ExecResult = {
	/** Exit code; null when the program was ended by a signal. */
	code: number | null;
	stdout: string;
	stderr: string;
};

export interface HostShell {
	/** "ssh gpu-1" or "local". */
	readonly description: string;
	/** Runs argv (the SSH shell quotes every word with buildCommand). Never rejects on a non-zero exit. */
	exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
	/** The login user's home folder (to resolve `~` in configured paths once). */
	home(): Promise<string>;
	/** Follows symlinks; null when nothing is there. */
	stat(path: string): Promise<RemoteStat | null>;
	/** Entries as they are (symlinks not followed); [] when the folder does not exist. */
	readdir(path: string): Promise<RemoteEntry[]>;
	mkdirp(path: string): Promise<void>;
	/** Upload; onBytes gets the bytes sent so far. */
	putFile(localPath: string, remotePath: string, onBytes?: (sent: number) => void): Promise<void>;
	writeFile(remotePath: string, content: string): Promise<void>;
	/** A small text file, or null when it does not exist. */
	readFile(remotePath: string): Promise<string | null>;
	getFile(remotePath: string, localPath: string): Promise<void>;
	/** Replaces `to` if it exists. */
	rename(from: string, to: string): Promise<void>;
	/** Removes one file; a missing file is fine. */
	remove(path: string): Promise<void>;
	close(): Promise<void>;
}

/**
 * The connection to the host went away in the middle of an operation. The host may be fine and
 * the operation may be retried once the shell has reconnected (it does so on the next call).
 */
export class ConnectionLostError extends Error {
	override readonly name = 'ConnectionLostError';
}

/**
 * The reason of an aborted signal as an Error. The default reason is a DOMException, which is not
 * a native Error (util.types.isNativeError), so it is wrapped in one named AbortError.
 */
export function abortReason(signal: AbortSignal): Error {
	const reason: unknown = signal.reason;
	if (reason instanceof Error && types.isNativeError(reason)) return reason;
	const message = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'aborted';
	const error = new Error(message, {cause: reason});
	error.name = 'AbortError';
	return error;
}

/** An I/O failure on the host as one clear line; lost connections, aborts and user errors pass through. */
export function hostIoError(what: string, target: string, where: string, error: unknown): Error {
	if (error instanceof ConnectionLostError || error instanceof UserError) return error;
	if (error instanceof Error && error.name === 'AbortError') return error;
	const message = error instanceof Error ? error.message : String(error);
	return new HostError(`${what}${target ? ` ${target}` : ''} failed on ${where}: ${message}`);
}

/** Waits ms; an abort rejects at once (with the signal's reason). The listener goes with the timer. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal?.aborted) return reject(abortReason(signal));
		const onAbort = () => {
			clearTimeout(timer);
			reject(abortReason(signal!));
		};
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		signal?.addEventListener('abort', onAbort, {once: true});
	});
}
