// A small typed event emitter: what the service tells its subscribers (the UI, the CLI's followers).
import type {Progress, Prompt, Run} from '../domain/model.js';

export type ServiceEvents = {
	'prompt-changed': {prompt: Prompt | null; id: string};
	'run-created': Run;
	'run-updated': Run;
	'run-deleted': {id: string};
	progress: Progress;
	log: {runId: string; line: string};
	/** Sweeps, hosts (paused, GPUs) or leases (the worker) changed. */
	'queue-changed': {table: 'sweeps' | 'hosts' | 'leases'; id: string};
	/** Something the user should hear of that is not a run's status (a host that failed to answer). */
	notice: {runId: string | null; message: string};
};

type Listener<T> = (payload: T) => void;

export class TypedEmitter<Events extends Record<string, unknown>> {
	private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();

	on<E extends keyof Events>(event: E, listener: Listener<Events[E]>): () => void {
		let set = this.listeners.get(event);
		if (!set) this.listeners.set(event, (set = new Set()));
		set.add(listener as Listener<never>);
		return () => set.delete(listener as Listener<never>);
	}

	emit<E extends keyof Events>(event: E, payload: Events[E]): void {
		for (const listener of this.listeners.get(event) ?? []) (listener as Listener<Events[E]>)(payload);
	}
}
