// The domain model: what a prompt, a run and a progress record are.
// Plain data (JSON-serialisable) so the store, the service, the CLI and the UI share one shape.

export const CONTROL_NAMES = ['vis', 'edge', 'depth', 'seg'] as const;
export type ControlName = (typeof CONTROL_NAMES)[number];
export type ControlWeights = Record<ControlName, number>;

/** File names a prompt's input folder may hold, per control. */
export const CONTROL_FILES: Record<ControlName, string> = {
	vis: 'vis.mp4',
	edge: 'edge.mp4',
	depth: 'depth.mp4',
	seg: 'segmentation.mp4',
};
export const COLOR_FILE = 'color.mp4';

/**
 * A run's life: queued (waiting for GPUs), launching (uploading inputs, starting its job),
 * running, then success, failed or cancelled. Only the service's scheduler moves a run on.
 */
export const RUN_STATUSES = ['queued', 'launching', 'running', 'success', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** Not finished: the scheduler still owns the run (and a job may exist on a host). */
export const ACTIVE_STATUSES: readonly RunStatus[] = ['queued', 'launching', 'running'];
export const FINAL_STATUSES: readonly RunStatus[] = ['success', 'failed', 'cancelled'];
export const isActive = (status: RunStatus): boolean => ACTIVE_STATUSES.includes(status);

export const PRESET_LEVELS = ['very_low', 'low', 'medium', 'high', 'very_high'] as const;
export type PresetLevel = (typeof PRESET_LEVELS)[number];

export type Parameters = {
	num_steps: number;
	guidance: number;
	seed: number;
	fps: number;
	sigma_max: number;
	blur_strength: PresetLevel;
	canny_threshold: PresetLevel;
	num_gpus: number;
};

export const STAGES = [
	'queued',
	'uploading',
	'starting',
	'loading_models',
	'preprocessing',
	'text_encoding',
	'diffusion',
	'decoding',
	'saving',
	'downloading',
	'done',
] as const;
export type Stage = (typeof STAGES)[number];

export const FAILURE_KINDS = [
	'oom',
	'guardrail',
	'killed',
	'start_failed',
	'missing_checkpoints',
	'nccl_timeout',
	'lost',
	// Slurm ended the job for its own reasons (slurm-failure.ts).
	'time_limit',
	'node_fail',
	'preempted',
	'host_oom',
	'cancelled_outside',
	'other',
] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** The colour video ('video') or one of the control videos. */
export type InputRole = 'video' | ControlName;
export const INPUT_ROLES: readonly InputRole[] = ['video', ...CONTROL_NAMES];

/** A 4K upscale: the upscaler's control weight and the parent run's output video as the input. */
export type UpscaleRequest = {control_weight: number; input: InputFile; /** The upscaler's prompt; absent: the prompt's text. */ prompt?: string};
/** Upstream's upscaler example runs 10 steps (contract §6); an upscale never takes the prompt's steps. */
export const UPSCALE_STEPS = 10;
/** Where an upscale's video lands locally (its remote name is output.mp4 like any run's). */
export const UPSCALE_VIDEO = 'output_4k.mp4';

/** One input video: where it is locally and what it holds (the digest names it on the host). */
export type InputFile = {path: string; sha256: string; size: number; mtime_ms: number};
export type PromptInputs = {video: InputFile} & Partial<Record<ControlName, InputFile>>;

export type Prompt = {
	id: string;
	name: string;
	prompt_text: string;
	negative_prompt: string;
	/** The folder the videos came from (absolute). */
	video_dir: string;
	inputs: PromptInputs;
	created_at: string;
	/** Made by `cosmos-tui enhance` from another prompt: that prompt and the upsampler's run (absent or null: typed in). */
	enhanced_from?: {prompt_id: string; run_id: string} | null;
};

export type RunOutputs = {
	/** Local folder holding this run's downloaded outputs. */
	dir?: string;
	video?: string;
	prompt_text?: string;
	log?: string;
	controls?: Partial<Record<ControlName, string>>;
};

/** The kinds of GPU host a run can be sent to. */
export const BACKENDS = ['docker', 'slurm'] as const;
export type Backend = (typeof BACKENDS)[number];

/**
 * Where a run lives on its GPU host, so a restarted cosmos-tui can reattach. Backend-neutral:
 * `job` is what the backend knows the run by (a container name for Docker, a job id for Slurm).
 */
export type RemoteHandle = {
	backend: Backend;
	host: string;
	job: string;
	run_dir: string;
};

/**
 * A run's place in a batch: the batch is named after its first run (whose folder and job hold the
 * batch on the host), index is the run's sample (video_<index>/), size the number of samples.
 */
export type BatchPlace = {id: string; index: number; size: number};

/** The GPU host a run was placed on and the GPUs it was given (only those). */
export type Placement = {host: string; gpus: number[]};

export type ProgressSnapshot = {
	stage: Stage;
	fraction: number;
	message: string;
	at: string;
};

export type Run = {
	id: string;
	prompt_id: string;
	status: RunStatus;
	stage: Stage | null;
	progress: ProgressSnapshot | null;
	control_weights: ControlWeights;
	parameters: Parameters;
	parent_run_id: string | null;
	outputs: RunOutputs;
	error_message: string | null;
	failure_kind: FailureKind | null;
	/** No output for longer than the watchdog allows; a flag, not a failure. */
	stalled: boolean;
	/** A success whose output video is gone from disk, marked by `verify --fix` (absent: not marked). */
	outputs_missing?: boolean;
	/** A person's 1–5 rating (domain/rating.ts); absent or null: not rated. */
	rating?: number | null;
	/** A person's note on the run; absent or null: none. */
	note?: string | null;
	/** Set on a 4K upscale of another run (parent_run_id): its input is that run's output. */
	upscale?: UpscaleRequest | null;
	/** The run asked the prompt upsampler (Pixtral) to rewrite its prompt first (`run --enhance`). */
	enhance_prompt?: boolean;
	/** What the upsampler made of the prompt: output.txt of an enhanced run that succeeded. */
	upsampled_prompt?: string | null;
	/**
	 * A run of the standalone prompt upsampler (`cosmos-tui enhance`), never batched: it writes no
	 * video; prompt_id is the prompt it created from the upsampled text (null until it succeeded).
	 */
	enhance?: {prompt_id: string | null} | null;
	/** Set while the run shares one process with other runs (domain/batch.ts); absent or null: alone. */
	batch?: BatchPlace | null;
	remote: RemoteHandle | null;
	metrics: Record<string, number | string>;
	created_at: string;
	started_at: string | null;
	completed_at: string | null;
	/** Higher runs first; then queue_order (submission order unless moved). */
	priority: number;
	queue_order: number;
	/** The host the user asked for; null: any host with free GPUs. */
	host: string | null;
	placement: Placement | null;
	sweep_id: string | null;
	/** Set by cancel(); the scheduler stops the run's job, then marks it cancelled. */
	cancel_requested_at: string | null;
};

/** A parameter sweep: the runs made from the cartesian product of its axes. */
export type Sweep = {
	id: string;
	prompt_id: string;
	/** The run whose weights and parameters fill the axes not given; null: the defaults. */
	base_run_id: string | null;
	axes: Partial<Record<string, number[]>>;
	run_ids: string[];
	created_at: string;
};

/**
 * A lease: who does a job that must have exactly one doer across processes (the dispatcher,
 * following one run). It lapses unless its holder renews it, so a dead holder blocks nobody.
 */
export type Lease = {
	id: string;
	holder: string;
	pid: number;
	expires_at: string;
	heartbeat_at: string;
	created_at: string;
};

/** What the scheduler knows of a GPU host between processes: paused, and its GPUs when last read. */
export type HostState = {
	id: string;
	paused: boolean;
	gpus: GpuReading[] | null;
	gpus_read_at: string | null;
	created_at: string;
};

/** One GPU as nvidia-smi (or the config) reported it; ours: a run of ours was on it then. */
export type GpuReading = {index: number; name: string; memory_used_mib: number | null; memory_total_mib: number | null; ours: boolean};

/** One step of a run's progress. Kept in a file beside the store (data/runs/<id>/progress.jsonl). */
export type Progress = {
	run_id: string;
	stage: Stage;
	fraction: number;
	message: string;
	timestamp: string;
};

export const DEFAULT_WEIGHTS: ControlWeights = {vis: 0.25, edge: 0.25, depth: 0.25, seg: 0.25};

export const DEFAULT_PARAMETERS: Parameters = {
	num_steps: 35,
	guidance: 7,
	seed: 1,
	fps: 24,
	sigma_max: 70,
	blur_strength: 'medium',
	canny_threshold: 'medium',
	num_gpus: 1,
};

export const DEFAULT_NEGATIVE_PROMPT =
	'The video captures a game playing, with bad crappy graphics and cartoonish frames. It represents a recording of old outdated games. The lighting looks very fake. The textures are very raw and basic. The geometries are very primitive. The images are very pixelated and of poor CG quality. There are many subtitles in the footage. Overall, the video is unrealistic at all.';

export const MAX_PROMPT_LENGTH = 10_000;

/** A new queued run: the one place that knows every field's starting value. */
export function newRun(fields: Pick<Run, 'id' | 'prompt_id' | 'created_at'> & Partial<Run>): Run {
	return {
		status: 'queued',
		stage: 'queued',
		progress: null,
		control_weights: {...DEFAULT_WEIGHTS},
		parameters: {...DEFAULT_PARAMETERS},
		parent_run_id: null,
		outputs: {},
		error_message: null,
		failure_kind: null,
		stalled: false,
		remote: null,
		metrics: {},
		started_at: null,
		completed_at: null,
		priority: 0,
		queue_order: Date.parse(fields.created_at),
		host: null,
		placement: null,
		sweep_id: null,
		cancel_requested_at: null,
		...fields,
	};
}

/** The input videos a run sends to its host: the prompt's, or for an upscale its parent's output. */
export function runInputs(run: Pick<Run, 'upscale'>, prompt: Pick<Prompt, 'inputs'>): PromptInputs {
	return run.upscale ? {video: run.upscale.input} : prompt.inputs;
}
