// Leases in the store: who is the dispatcher, who follows which run. A lease names its holder and
// lapses unless renewed, so a holder killed with -9 (or whose pid was reused) blocks nobody for
// longer than one lease period. Every check and change happens inside a store transaction, so two
// processes can never both believe they hold the same lease.
import {randomBytes} from 'node:crypto';
import {hostname} from 'node:os';
import type {Lease} from '../../domain/model.js';
import type {Store, Transaction} from '../../store/index.js';

export const DISPATCHER_LEASE = 'dispatcher';
export const followLease = (runId: string): string => `follow:${runId}`;

/** A unique name for this process's leases (a pid alone can be reused). */
export function newHolder(): string {
	return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

export function isLive(lease: Lease | undefined, now: Date): lease is Lease {
	return lease !== undefined && Date.parse(lease.expires_at) > now.getTime();
}

export class Leases {
	/** Leases this process holds; renewed together by renew(). */
	private readonly held = new Set<string>();

	constructor(
		private readonly store: Store,
		readonly holder: string,
		private readonly ttlMs: number,
		private readonly now: () => Date,
	) {}

	/** Takes the lease if it is free, lapsed or already ours; false while another holder has it. */
	async acquire(id: string): Promise<boolean> {
		const taken = await this.store.write(tx => {
			const current = tx.get('leases', id);
			if (isLive(current, this.now()) && current.holder !== this.holder) return false;
			this.put(tx, id, current);
			return true;
		});
		if (taken) this.held.add(id);
		return taken;
	}

	/** Renews every lease held; returns the ids lost to another holder meanwhile (they lapsed). */
	async renew(): Promise<string[]> {
		if (this.held.size === 0) return [];
		const lost = await this.store.write(tx => {
			const gone: string[] = [];
			for (const id of this.held) {
				const current = tx.get('leases', id);
				if (current !== undefined && current.holder !== this.holder && isLive(current, this.now())) gone.push(id);
				else this.put(tx, id, current);
			}
			return gone;
		});
		for (const id of lost) this.held.delete(id);
		return lost;
	}

	async release(id: string): Promise<void> {
		this.held.delete(id);
		await this.store.write(tx => {
			if (tx.get('leases', id)?.holder === this.holder) tx.remove('leases', id);
		});
	}

	/** Releases inside a caller's transaction (the worker's last check and its exit are one step). */
	releaseIn(tx: Transaction, id: string): void {
		this.held.delete(id);
		if (tx.get('leases', id)?.holder === this.holder) tx.remove('leases', id);
	}

	holds(id: string): boolean {
		return this.held.has(id);
	}

	/** The live lease on id, whoever holds it. */
	live(id: string): Lease | undefined {
		const lease = this.store.get('leases', id);
		return isLive(lease, this.now()) ? lease : undefined;
	}

	private put(tx: Transaction, id: string, current: Lease | undefined): void {
		const now = this.now();
		const fields = {holder: this.holder, pid: process.pid, heartbeat_at: now.toISOString(), expires_at: new Date(now.getTime() + this.ttlMs).toISOString()};
		if (current) tx.update('leases', id, fields);
		else tx.insert('leases', {id, created_at: now.toISOString(), ...fields});
	}
}
