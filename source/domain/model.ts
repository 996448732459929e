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

export const RUN_STATUSES = ['pending', 'running', 'success', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** A run in one of these states may still have a container on the host. */
export const ACTIVE_STATUSES: readonly RunStatus[] = ['pending', 'running'];

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
	'other',
] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** The colour video ('video') or one of the control videos. */
export type InputRole = 'video' | ControlName;
export const INPUT_ROLES: readonly InputRole[] = ['video', ...CONTROL_NAMES];

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
};

export type RunOutputs = {
	/** Local folder holding this run's downloaded outputs. */
	dir?: string;
	video?: string;
	prompt_text?: string;
	log?: string;
	controls?: Partial<Record<ControlName, string>>;
};

/** Where a run lives on the GPU host, so a restarted cosmos-tui can reattach. */
export type RemoteHandle = {
	host: string;
	container: string;
	run_dir: string;
};

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
	remote: RemoteHandle | null;
	metrics: Record<string, number | string>;
	created_at: string;
	started_at: string | null;
	completed_at: string | null;
};

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

/** A new pending run: the one place that knows every field's starting value. */
export function newRun(fields: Pick<Run, 'id' | 'prompt_id' | 'created_at'> & Partial<Run>): Run {
	return {
		status: 'pending',
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
		...fields,
	};
}
