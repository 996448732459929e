// HostShell on this machine ([remote] host = "local"): programs through execa (argv, no shell),
// files through fs. Uploads are copies; the "remote" paths are local paths.
import {randomBytes} from 'node:crypto';
import {createReadStream} from 'node:fs';
import {copyFile, lstat, mkdir, readFile, readdir, rename, rm, stat, writeFile} from 'node:fs/promises';
import {homedir} from 'node:os';
import type {Stats} from 'node:fs';
import {StringDecoder} from 'node:string_decoder';
import {type ExecOptions, type ExecResult, type HostShell, type RemoteEntry, type RemoteFileType, type RemoteStat, abortReason, hostIoError} from './host-shell.js';

function typeOf(stats: Stats): RemoteFileType {
	if (stats.isFile()) return 'file';
	if (stats.isDirectory()) return 'directory';
	if (stats.isSymbolicLink()) return 'symlink';
	return 'other';
}

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';

async function io<T>(what: string, target: string, work: () => Promise<T>): Promise<T> {
	try {
		return await work();
	} catch (error) {
		throw hostIoError(what, target, 'this machine', error);
	}
}

export class LocalHostShell implements HostShell {
	readonly description = 'local';

	constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

	async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
		const [file, ...args] = argv;
		if (!file) throw new Error('cannot run an empty command');
		const {signal} = options;
		if (signal?.aborted) throw abortReason(signal);
		// Loaded on first use: execa costs ~100 ms of start-up that commands reading the store never need.
		const {execa} = await import('execa');
		const child = execa(file, args, {reject: false, buffer: false, env: this.env, extendEnv: false, stdin: 'ignore', cancelSignal: signal});
		let stdout = '';
		let stderr = '';
		const out = new StringDecoder('utf8');
		const err = new StringDecoder('utf8');
		const onStdout = options.onStdout ?? ((text: string) => void (stdout += text));
		const onStderr = options.onStderr ?? ((text: string) => void (stderr += text));
		child.stdout?.on('data', (chunk: Buffer) => onStdout(out.write(chunk)));
		child.stderr?.on('data', (chunk: Buffer) => onStderr(err.write(chunk)));
		const result = await child;
		if (signal?.aborted) throw abortReason(signal);
		const restOut = out.end();
		const restErr = err.end();
		if (restOut) onStdout(restOut);
		if (restErr) onStderr(restErr);
		if (result.failed && result.exitCode === undefined && !result.isTerminated) {
			// The program could not be started at all (ENOENT): report it like a shell would.
			return {code: 127, stdout, stderr: stderr + (result.originalMessage ?? result.shortMessage)};
		}
		return {code: result.exitCode ?? null, stdout, stderr};
	}

	async home(): Promise<string> {
		return this.env['HOME'] ?? homedir();
	}

	async stat(target: string): Promise<RemoteStat | null> {
		try {
			const stats = await stat(target);
			return {size: stats.size, type: typeOf(stats)};
		} catch (error) {
			if (isMissing(error)) return null;
			throw error;
		}
	}

	async readdir(target: string): Promise<RemoteEntry[]> {
		let names: string[];
		try {
			names = await readdir(target);
		} catch (error) {
			if (isMissing(error)) return [];
			throw error;
		}
		const entries: RemoteEntry[] = [];
		for (const name of names) {
			const stats = await lstat(`${target}/${name}`).catch(() => null);
			if (stats) entries.push({name, size: stats.size, type: typeOf(stats)});
		}
		return entries;
	}

	mkdirp(target: string): Promise<void> {
		return io('creating folder', target, async () => {
			await mkdir(target, {recursive: true});
		});
	}

	putFile(localPath: string, remotePath: string, onBytes?: (sent: number) => void): Promise<void> {
		return io('copying to', remotePath, async () => {
			await copyFile(localPath, remotePath);
			onBytes?.((await stat(remotePath)).size);
		});
	}

	writeFile(remotePath: string, content: string): Promise<void> {
		return io('writing', remotePath, () => writeFile(remotePath, content, {mode: 0o644}));
	}

	async readFile(remotePath: string): Promise<string | null> {
		try {
			return await readFile(remotePath, 'utf8');
		} catch (error) {
			if (isMissing(error)) return null;
			throw error;
		}
	}

	getFile(remotePath: string, localPath: string): Promise<void> {
		return io('copying', remotePath, async () => {
			const partial = `${localPath}.part-${randomBytes(4).toString('hex')}`;
			try {
				// Read through a stream rather than copyFile, so a root-owned source only needs read access.
				await writeFile(partial, createReadStream(remotePath));
				await rename(partial, localPath);
			} finally {
				await rm(partial, {force: true});
			}
		});
	}

	rename(from: string, to: string): Promise<void> {
		return io('renaming', from, () => rename(from, to));
	}

	async remove(target: string): Promise<void> {
		await rm(target, {force: true});
	}

	async close(): Promise<void> {}
}
