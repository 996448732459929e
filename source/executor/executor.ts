// The Executor interface: everything the workflow service needs from a GPU host.
// Real implementations talk to Docker over SSH or locally; tests may use the in-process fake.
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
};

export type Job = {
	run: Run;
	prompt: Prompt;
	/** Local folder that receives the downloaded outputs (data/runs/<id>/outputs). */
	outputDir: string;
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
};

export type FollowOptions = {
	/** Lines already saved locally; the executor continues after them (no gap, no repeat). */
	skipLines: number;
	signal?: AbortSignal;
};

export interface Executor {
	/** Short description for messages, e.g. "ssh gpu-1" or "local docker". */
	readonly description: string;
	/** Upload inputs and start the run detached; resolves once the container runs. */
	launch(job: Job, events: ExecutorEvents): Promise<RemoteHandle>;
	/** Follow a launched run to its end: log, progress, exit code, outputs, clean-up. */
	follow(handle: RemoteHandle, job: Job, events: ExecutorEvents, options: FollowOptions): Promise<ExecutionResult>;
	/** Stop exactly this run's container. */
	kill(handle: RemoteHandle): Promise<void>;
	status(): Promise<HostStatus>;
	close(): Promise<void>;
}
