// A counting semaphore for SSH channels: OpenSSH allows MaxSessions (10) sessions per connection
// and refuses the rest, so every exec and SFTP session takes a slot first. Waiters are served in
// order; an aborted waiter leaves the queue.
import {abortReason} from './host-shell.js';

export class ChannelLimiter {
	private free: number;
	private readonly waiters: Array<{grant: () => void}> = [];

	constructor(readonly size: number) {
		if (!Number.isInteger(size) || size < 1) throw new RangeError('the channel limit must be a positive integer');
		this.free = size;
	}

	get available(): number {
		return this.free;
	}

	get waiting(): number {
		return this.waiters.length;
	}

	/** Resolves with a release function once a slot is free. */
	acquire(signal?: AbortSignal): Promise<() => void> {
		if (signal?.aborted) return Promise.reject(abortReason(signal));
		let released = false;
		const release = () => {
			if (released) return;
			released = true;
			const next = this.waiters.shift();
			if (next) next.grant();
			else this.free++;
		};
		if (this.free > 0) {
			this.free--;
			return Promise.resolve(release);
		}
		return new Promise((resolve, reject) => {
			const waiter = {
				grant: () => {
					signal?.removeEventListener('abort', onAbort);
					resolve(release);
				},
			};
			const onAbort = () => {
				const index = this.waiters.indexOf(waiter);
				if (index !== -1) this.waiters.splice(index, 1);
				reject(abortReason(signal!));
			};
			signal?.addEventListener('abort', onAbort, {once: true});
			this.waiters.push(waiter);
		});
	}

	async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
		const release = await this.acquire(signal);
		try {
			return await work();
		} finally {
			release();
		}
	}
}
