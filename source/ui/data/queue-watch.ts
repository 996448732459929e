// The queue and the GPU hosts, as the header and the queue view show them. The service's queue
// view reads the store (it connects to nothing); it is read again when runs, sweeps, hosts or
// leases change, coalesced, so nothing is read while nothing changes. Each host's connection is
// checked on start and on R. While runs are active this also makes sure a worker dispatches them:
// on start, and every few seconds while no process holds the dispatcher lease (a worker that
// crashed is replaced; a lapsed lease sends no event, so this one check has to look).
import {isActive, type Run} from '../../domain/model.js';
import type {GpuInfo, HostStatus} from '../../executor/executor.js';
import type {UnknownHostKey} from '../../executor/ssh-connect.js';
import type {QueueView} from '../../service/queue.js';
import type {WorkflowService} from '../../service/workflow-service.js';
import {messageOf, type Notice} from './live-data.js';

export type HostConnection =
	| {kind: 'checking'}
	/** cluster: a Slurm host's partitions, nodes and our jobs (null for a Docker host). */
	| {kind: 'connected'; dockerProblem: string | null; gpus: readonly GpuInfo[]; cluster: NonNullable<HostStatus['cluster']> | null}
	| {kind: 'error'; message: string; unknownKey?: UnknownHostKey};

/** A host whose key is not known yet, for the "trust this key?" dialog. */
export type HostKeyQuestion = {host: string; key: UnknownHostKey};

export type QueueSnapshot = {
	/** null until first read (just after the first frame). */
	view: QueueView | null;
	/** Why there is no GPU host (none configured), or null. */
	noHost: string | null;
	connections: Readonly<Record<string, HostConnection>>;
	/** The first host with an unknown key that was not refused since the last check, or null. */
	hostKeyQuestion: HostKeyQuestion | null;
};

export type QueueWatchOptions = {readDelayMs?: number; watchMs?: number};

export class QueueWatch {
	private snapshot: QueueSnapshot = {view: null, noHost: null, connections: {}, hostKeyQuestion: null};
	/** Hosts whose unknown key the user refused: not asked again until the next check (R). */
	private readonly refusedKeys = new Set<string>();
	private viewKey = '';
	private readonly listeners = new Set<() => void>();
	private readonly workerListeners = new Set<(here: boolean) => void>();
	private readonly unsubscribe: Array<() => void> = [];
	/** What of each active run the queue view depends on: other updates (progress) read nothing. */
	private readonly runKeys = new Map<string, string>();
	private readTimer: NodeJS.Timeout | null = null;
	private watchTimer: NodeJS.Timeout | null = null;
	private hostCheckTimer: NodeJS.Timeout | null = null;
	/** Status and stage of each run on a cluster host: when one changes, the cluster's use is read again. */
	private readonly clusterStages = new Map<string, string>();
	/** null until the first read. */
	private workerHere: boolean | null = null;
	private closed = false;
	private readonly readDelayMs: number;
	private readonly watchMs: number;

	constructor(
		private readonly service: WorkflowService,
		private readonly notice: Notice = () => {},
		options: QueueWatchOptions = {},
	) {
		this.readDelayMs = options.readDelayMs ?? 100;
		this.watchMs = options.watchMs ?? 5000;
	}

	readonly subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	};

	readonly getSnapshot = (): QueueSnapshot => this.snapshot;

	/** Called on the first read and when it changes: whether the dispatcher runs in this process (tests, the bench). */
	onWorkerHere(listener: (here: boolean) => void): () => void {
		this.workerListeners.add(listener);
		return () => this.workerListeners.delete(listener);
	}

	/** Listens, then reads the queue just after the first frame, starts a worker if runs wait, checks the hosts. */
	start(): void {
		const events = this.service.events;
		this.unsubscribe.push(
			events.on('queue-changed', () => this.scheduleRead()),
			events.on('run-created', run => this.onRun(run)),
			events.on('run-updated', run => this.onRun(run)),
			events.on('run-deleted', ({id}) => {
				if (this.runKeys.delete(id)) this.scheduleRead();
			}),
		);
		this.readTimer = setTimeout(() => {
			this.readTimer = null;
			if (this.closed) return;
			this.read();
			this.ensureWorker();
		}, 0);
		void this.checkHosts();
	}

	/** Each host's connection and Docker, asked over SSH (or locally): on start and on R. */
	async checkHosts(): Promise<void> {
		try {
			this.service.hosts.requireAny();
		} catch (error) {
			this.set({noHost: messageOf(error)});
			return;
		}
		const names = this.service.hosts.names();
		this.refusedKeys.clear();
		const before = this.snapshot.connections;
		this.set({
			connections: Object.fromEntries(names.map(name => [name, before[name]?.kind === 'connected' ? before[name] : {kind: 'checking'}])),
			hostKeyQuestion: null,
		});
		let connections: Record<string, HostConnection>;
		try {
			const reports = await this.service.hostReports();
			connections = Object.fromEntries(
				reports.map(report => [
					report.name,
					report.connected
						? {kind: 'connected', dockerProblem: report.docker.ok ? null : report.docker.detail, gpus: report.gpus, cluster: report.cluster ?? null}
						: report.unknownHostKey
							? {kind: 'error', message: 'unknown host key', unknownKey: report.unknownHostKey}
							: {kind: 'error', message: report.error ?? `cannot reach ${report.host}`},
				]),
			);
		} catch (error) {
			// The executor itself could not be made (a bad key, an unknown host key): every host says so.
			connections = Object.fromEntries(names.map(name => [name, {kind: 'error', message: messageOf(error)}]));
		}
		if (this.closed) return;
		for (const [name, connection] of Object.entries(connections)) {
			if (connection.kind === 'error' && !connection.unknownKey && this.snapshot.connections[name]?.kind !== 'error') this.notice(`host ${name}: ${connection.message}`, 'error');
		}
		this.set({connections, hostKeyQuestion: this.question(connections)});
	}

	/** Trusts the host's key (written to known_hosts), then checks the hosts again. */
	async trustHostKey(name: string): Promise<void> {
		await this.service.trustHostKey(name);
		if (!this.closed) await this.checkHosts();
	}

	/** No to the host's key: the question goes until the next check (R asks again). */
	refuseHostKey(name: string): void {
		this.refusedKeys.add(name);
		this.set({hostKeyQuestion: this.question(this.snapshot.connections)});
	}

	private question(connections: Readonly<Record<string, HostConnection>>): HostKeyQuestion | null {
		for (const [host, connection] of Object.entries(connections)) {
			if (connection.kind === 'error' && connection.unknownKey && !this.refusedKeys.has(host)) return {host, key: connection.unknownKey};
		}
		return null;
	}

	/** Reads the queue again now (R). */
	reload(): void {
		this.read();
	}

	close(): void {
		this.closed = true;
		for (const stop of this.unsubscribe) stop();
		for (const timer of [this.readTimer, this.watchTimer, this.hostCheckTimer]) if (timer) clearTimeout(timer);
		this.listeners.clear();
		this.workerListeners.clear();
	}

	private onRun(run: Run): void {
		const key = isActive(run.status) ? queueKey(run) : null;
		const before = this.runKeys.get(run.id);
		if (key === null) this.runKeys.delete(run.id);
		else this.runKeys.set(run.id, key);
		if (key !== (before ?? null)) this.scheduleRead();
		this.onClusterRun(run);
	}

	/**
	 * A cluster's GPU use and queue live in Slurm, not in our store: read them again when one of our
	 * runs there changes status or stage (a job starts, leaves the queue, ends); once a second at most.
	 */
	private onClusterRun(run: Run): void {
		const host = run.placement?.host;
		const connection = host === undefined ? undefined : this.snapshot.connections[host];
		if (connection?.kind !== 'connected' || connection.cluster === null) return;
		const stage = `${run.status}|${run.progress?.stage ?? ''}|${run.progress?.message.startsWith('queued on cluster') ?? false}`;
		if (this.clusterStages.get(run.id) === stage) return;
		if (isActive(run.status)) this.clusterStages.set(run.id, stage);
		else this.clusterStages.delete(run.id);
		if (this.closed) return;
		this.hostCheckTimer ??= setTimeout(() => {
			this.hostCheckTimer = null;
			if (!this.closed) void this.checkHosts();
		}, 1000);
	}

	private scheduleRead(): void {
		if (this.closed) return;
		this.readTimer ??= setTimeout(() => {
			this.readTimer = null;
			if (!this.closed) this.read();
		}, this.readDelayMs);
	}

	private read(): void {
		let view: QueueView;
		try {
			view = this.service.queueView();
		} catch (error) {
			this.notice(`queue: ${messageOf(error)}`, 'error');
			this.setWorkerHere(this.workerHere ?? false);
			return;
		}
		for (const run of [...view.active, ...view.queued.map(entry => entry.run)]) this.runKeys.set(run.id, queueKey(run));
		this.setWorkerHere(view.worker !== null && view.worker.pid === process.pid);
		const key = viewKey(view);
		if (key !== this.viewKey) {
			this.viewKey = key;
			this.set({view});
		}
		if (view.active.length + view.queued.length > 0) this.watch();
	}

	private setWorkerHere(here: boolean): void {
		if (here === this.workerHere) return;
		this.workerHere = here;
		for (const listener of this.workerListeners) listener(here);
	}

	/** While runs are active: look again in a while, and start a worker if none holds the lease. */
	private watch(): void {
		this.watchTimer ??= setTimeout(() => {
			this.watchTimer = null;
			if (this.closed) return;
			this.read();
			if (this.snapshot.view?.worker === null) this.ensureWorker();
		}, this.watchMs);
	}

	private ensureWorker(): void {
		try {
			this.service.ensureWorker();
		} catch (error) {
			this.notice(`could not start a worker: ${messageOf(error)}`, 'error');
		}
	}

	private set(update: Partial<QueueSnapshot>): void {
		this.snapshot = {...this.snapshot, ...update};
		for (const listener of this.listeners) listener();
	}
}

/** What of a run the queue view shows or orders by. */
function queueKey(run: Run): string {
	return [run.status, run.priority, run.queue_order, run.host, run.cancel_requested_at, run.placement?.host, run.placement?.gpus.join(','), run.started_at].join('|');
}

/**
 * What the screen shows of a queue view. A lease renewal (every few seconds) or a start estimate
 * that moved by a few seconds is not worth a frame.
 */
function viewKey(view: QueueView): string {
	const bucket = (iso: string | null) => (iso === null ? null : Math.round(Date.parse(iso) / 10_000));
	return JSON.stringify({
		hosts: view.hosts,
		queued: view.queued.map(entry => [queueKey(entry.run), entry.run.id, entry.position, entry.reason, bucket(entry.expected_start)]),
		active: view.active.map(run => [queueKey(run), run.id]),
		worker: view.worker?.pid ?? null,
	});
}
