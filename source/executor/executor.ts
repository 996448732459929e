// The Executor interface: everything the workflow service needs from a GPU host.
// Real implementations talk to Docker over SSH or locally; tests may use the in-process fake.
import type {UnknownHostKey} from './ssh-connect.js';
import type {
	FailureKind,
	Prompt,
	RemoteHandle,
	Run,
	RunOutputs,
	Stage,
} from '../domain/model.js';

export type ExecutorEvents = {
	/** One complete log line, `\r`-redrawn progress already collapsed to its last state. */
	log: (line: string) => void;
	progress: (update: {stage: Stage; fraction: number; message: string}) => void;
	/** No output for longer than the watchdog allows (true), or output again (false). */
	stalled?: (stalled: boolean) => void;
	/** The job has stopped on the host (its GPUs are free); outputs may still be downloading. */
	exited?: () => void;
	/** A line saved before (a reattached follower reads it again): only for state, not to show. */
	replay?: (line: string) => void;
};

export type Job = {
	run: Run;
	prompt: Prompt;
	/** Local folder that receives the downloaded outputs (data/runs/<id>/outputs). */
	outputDir: string;
	/** The host's GPUs given to this run, and only these. */
	gpus: number[];
};

/**
 * Runs that share one process (transfer.py --batch_input_path): members[0] leads, and the batch's
 * job and host folder are its. Member i is sample i (video_<i>/). All members share gpus. A
 * follower may get null for a member it no longer follows (its sample ended earlier, or deleted).
 */
export type BatchJob = {members: Array<Job | null>};

/** Each member's end in order; null: its sample never ran or was cut short (the batch was stopped, or crashed in another sample), or the member was null. */
export type BatchResult = Array<ExecutionResult | null>;

/** What a batch's follower reports to: the whole log, and each member's share (null: not followed). */
export type BatchEvents = {
	batch: ExecutorEvents;
	members: Array<ExecutorEvents | null>;
	/** Member i's sample saved its video while the batch goes on: its outputs are home, and this is its result. */
	sampleEnded?: (index: number, result: ExecutionResult) => void;
};

export type ExecutionResult = {
	status: 'success' | 'failed' | 'cancelled';
	exitCode: number | null;
	failureKind: FailureKind | null;
	/** One line for the user: what went wrong and what to try. */
	errorMessage: string | null;
	outputs: RunOutputs;
	metrics: Record<string, number | string>;
};

/** nvidia-smi reports "[N/A]" for fields a GPU cannot measure (MIG slices, some boards): null. */
export type GpuInfo = {
	index: number;
	name: string;
	memoryUsedMiB: number | null;
	memoryTotalMiB: number | null;
	utilizationPercent: number | null;
	temperatureC: number | null;
};

export type HostStatus = {
	host: string;
	connected: boolean;
	docker: {ok: boolean; detail: string};
	gpus: GpuInfo[];
	/** cosmos-tui containers on the host, by run id. */
	containers: Array<{runId: string; name: string; state: string}>;
	error?: string;
	/** Not connected because the host's key is not in known_hosts yet. */
	unknownHostKey?: UnknownHostKey;
	/**
	 * A Slurm host only: partitions, the GPU nodes of the host's partition with Slurm's allocation,
	 * and this user's cosmos-tui jobs. States are Slurm's words as printed (UP, MIXED, PENDING);
	 * reason is null when Slurm gives none.
	 */
	cluster?: {
		partitions: Array<{name: string; state: string; nodes: number; default: boolean}>;
		nodes: Array<{name: string; partitions: string[]; state: string; gpus: number; gpusAllocated: number}>;
		jobs: Array<{runId: string; jobId: string; state: string; reason: string | null}>;
	};
};

export type FollowOptions = {
	/** Lines already saved locally; the executor continues after them (no gap, no repeat). */
	skipLines: number;
	signal?: AbortSignal;
};

export type LaunchOptions = {
	/** Aborting stops the upload; a job that started anyway is removed before launch rejects. */
	signal?: AbortSignal;
	/** Awaited after the upload, just before the job is started (the scheduler records it first). */
	beforeStart?: () => Promise<void>;
};

/** What a launch left on the host, for a dispatcher recovering a run whose launcher died. */
export type Reconciled =
	| {state: 'exists'; handle: RemoteHandle}
	| {state: 'absent'};

/**
 * Everything the scheduler needs from a GPU host, whatever its backend (Docker over SSH or
 * locally; later Slurm). Handles are backend-neutral; each executor checks they are its own.
 */
export interface Executor {
	/** Short description for messages, e.g. "ssh gpu-1" or "local docker". */
	readonly description: string;
	/** Upload inputs and start the run detached on job.gpus; resolves once its job runs. */
	launch(job: Job, events: ExecutorEvents, options?: LaunchOptions): Promise<RemoteHandle>;
	/** Follow a launched run to its end: log, progress, exit code, outputs, clean-up. */
	follow(handle: RemoteHandle, job: Job, events: ExecutorEvents, options: FollowOptions): Promise<ExecutionResult>;
	/** A backend that runs batches (one process, several runs) has both; the others take runs one by one. */
	launchBatch?(batch: BatchJob, events: ExecutorEvents, options?: LaunchOptions): Promise<RemoteHandle>;
	/** Follows a batch to its end; `events.batch` gets the whole log, `events.members[i]` member i's share. */
	followBatch?(handle: RemoteHandle, batch: BatchJob, events: BatchEvents, options: FollowOptions): Promise<BatchResult>;
	/** Stop exactly this run's job (a cancel: the follower reports it as cancelled). */
	kill(handle: RemoteHandle): Promise<void>;
	/** Whether a job for this run exists on the host (running or exited but not removed). */
	reconcile(runId: string): Promise<Reconciled>;
	/** Removes this run's job from the host if there is one (a launch that was cancelled). */
	remove(runId: string): Promise<void>;
	/** The host's GPUs now (nvidia-smi). */
	gpus(): Promise<GpuInfo[]>;
	status(): Promise<HostStatus>;
	close(): Promise<void>;
}
