// One SSH connection per host, reused by every command and transfer: keepalive to notice a dead
// peer, reconnection with backoff once a connection that worked is lost, a limit on concurrent
// channels (sshd MaxSessions), and one shared SFTP session that closes itself when idle.
import type {Client, SFTPWrapper} from 'ssh2';
import {HostError} from '../domain/errors.js';
import {ChannelLimiter} from './channel-limiter.js';
import {ConnectionLostError, abortReason, sleep} from './host-shell.js';
import {HostRefusedError} from './ssh-connect.js';

export type ReconnectPolicy = {initialDelayMs: number; maxDelayMs: number; giveUpAfterMs: number};

export const DEFAULT_RECONNECT: ReconnectPolicy = {initialDelayMs: 200, maxDelayMs: 5000, giveUpAfterMs: 120_000};

export type SshConnectionOptions = {
	/** Opens a verified, authenticated client. */
	open: () => Promise<Client>;
	/** For messages: "gpu-1". */
	label: string;
	maxChannels: number;
	reconnect?: ReconnectPolicy;
	/** How long an unused SFTP session stays open. */
	sftpIdleMs?: number;
};

/** Tries at a first connection that sshd drops before the handshake. */
const FIRST_CONNECT_ATTEMPTS = 3;

/** sshd closed the connection before its banner: busy (MaxStartups), not a refusal of us. */
export function isShedBeforeHandshake(error: unknown): boolean {
	return error instanceof Error && /Connection lost before handshake|ECONNRESET/.test(error.message);
}

type SftpSession = {sftp: SFTPWrapper; client: Client; users: number; idle?: NodeJS.Timeout};

/** Resolves like `promise` unless the signal aborts first. */
export function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
	if (!signal) return promise;
	if (signal.aborted) return Promise.reject(abortReason(signal));
	return new Promise((resolve, reject) => {
		const onAbort = () => reject(abortReason(signal));
		signal.addEventListener('abort', onAbort, {once: true});
		promise.then(
			value => {
				signal.removeEventListener('abort', onAbort);
				resolve(value);
			},
			(error: unknown) => {
				signal.removeEventListener('abort', onAbort);
				reject(error);
			},
		);
	});
}

export class SshConnection {
	readonly limiter: ChannelLimiter;
	private client: Client | null = null;
	private connecting: Promise<Client> | null = null;
	private everConnected = false;
	private closed = false;
	private sftpSession: SftpSession | null = null;
	private sftpOpening: Promise<SftpSession> | null = null;
	/** Connections made so far (1 = never reconnected); tests and the bench read it. */
	connects = 0;

	constructor(private readonly options: SshConnectionOptions) {
		this.limiter = new ChannelLimiter(options.maxChannels);
	}

	isAlive(client: Client): boolean {
		return this.client === client;
	}

	/** The live client, connecting (or reconnecting with backoff) when there is none. */
	get(signal?: AbortSignal): Promise<Client> {
		if (this.closed) return Promise.reject(new HostError(`the connection to ${this.options.label} is closed`));
		if (this.client) return Promise.resolve(this.client);
		this.connecting ??= this.connect().finally(() => {
			this.connecting = null;
		});
		return abortable(this.connecting, signal);
	}

	private async connect(): Promise<Client> {
		const policy = this.options.reconnect ?? DEFAULT_RECONNECT;
		const started = Date.now();
		let delay = policy.initialDelayMs;
		for (let attempt = 1; ; attempt++) {
			try {
				return this.adopt(await this.options.open());
			} catch (error) {
				// A first connection fails fast with its own message, except when sshd dropped it before
				// the handshake (MaxStartups sheds simultaneous logins): that is tried twice more. A lost
				// connection is retried unless the host refused us.
				const shed = !this.everConnected && attempt < FIRST_CONNECT_ATTEMPTS && isShedBeforeHandshake(error);
				const retry = !this.closed && !(error instanceof HostRefusedError) && (shed || (this.everConnected && Date.now() - started < policy.giveUpAfterMs));
				if (!retry) throw this.asHostError(error, this.everConnected ? started : null);
				await sleep(delay);
				delay = Math.min(policy.maxDelayMs, delay * 2);
			}
		}
	}

	private asHostError(error: unknown, lostSince: number | null): Error {
		if (error instanceof HostError) return error;
		const message = error instanceof Error ? error.message : String(error);
		if (lostSince !== null) {
			const seconds = Math.round((Date.now() - lostSince) / 1000);
			return new HostError(`lost the connection to ${this.options.label} and could not reconnect for ${seconds} s (${message})`);
		}
		return new HostError(`cannot connect to ${this.options.label}: ${message}`);
	}

	private adopt(client: Client): Client {
		if (this.closed) {
			client.end();
			throw new HostError(`the connection to ${this.options.label} is closed`);
		}
		this.connects++;
		this.everConnected = true;
		this.client = client;
		client.setMaxListeners(0);
		client.once('close', () => {
			if (this.client === client) this.client = null;
			if (this.sftpSession?.client === client) this.sftpSession = null;
		});
		return client;
	}

	/**
	 * Runs work on the client while holding one channel slot. Errors after the connection went
	 * away become ConnectionLostError, so callers know a retry may work.
	 */
	async withChannel<T>(work: (client: Client) => Promise<T>, signal?: AbortSignal): Promise<T> {
		return this.limiter.run(async () => {
			const client = await this.get(signal);
			return this.mapLoss(client, () => work(client));
		}, signal);
	}

	async withSftp<T>(work: (sftp: SFTPWrapper) => Promise<T>, signal?: AbortSignal): Promise<T> {
		const session = await this.leaseSftp(signal);
		try {
			return await this.mapLoss(session.client, () => work(session.sftp));
		} finally {
			this.returnSftp(session);
		}
	}

	private async mapLoss<T>(client: Client, work: () => Promise<T>): Promise<T> {
		try {
			return await work();
		} catch (error) {
			if (error instanceof ConnectionLostError || (error instanceof Error && error.name === 'AbortError')) throw error;
			// Let the client's own 'close' land first: the channel often fails a moment before it.
			await new Promise(resolve => setImmediate(resolve));
			if (!this.isAlive(client)) throw new ConnectionLostError(`lost the connection to ${this.options.label}`);
			throw error;
		}
	}

	private async leaseSftp(signal?: AbortSignal): Promise<SftpSession> {
		for (;;) {
			const current = this.sftpSession;
			if (current && this.isAlive(current.client)) {
				current.users++;
				clearTimeout(current.idle);
				return current;
			}
			this.sftpOpening ??= this.openSftp(signal).finally(() => {
				this.sftpOpening = null;
			});
			await abortable(this.sftpOpening, signal);
		}
	}

	private async openSftp(signal?: AbortSignal): Promise<SftpSession> {
		const release = await this.limiter.acquire(signal);
		try {
			const client = await this.get(signal);
			const sftp = await this.mapLoss(
				client,
				() => new Promise<SFTPWrapper>((resolve, reject) => client.sftp((error, session) => (error ? reject(error) : resolve(session)))),
			);
			const session: SftpSession = {sftp, client, users: 0};
			sftp.once('close', () => {
				if (this.sftpSession === session) this.sftpSession = null;
				clearTimeout(session.idle);
				release();
			});
			this.sftpSession = session;
			return session;
		} catch (error) {
			release();
			throw error;
		}
	}

	private returnSftp(session: SftpSession): void {
		session.users--;
		if (session.users > 0) return;
		clearTimeout(session.idle);
		session.idle = setTimeout(() => {
			if (session.users === 0) session.sftp.end();
		}, this.options.sftpIdleMs ?? 1000);
		session.idle.unref();
	}

	async close(): Promise<void> {
		this.closed = true;
		const client = this.client ?? (await this.connecting?.catch(() => null)) ?? null;
		this.client = null;
		this.sftpSession = null;
		if (!client) return;
		await new Promise<void>(resolve => {
			client.once('close', () => resolve());
			client.end();
			setTimeout(resolve, 1000).unref();
		});
	}
}
