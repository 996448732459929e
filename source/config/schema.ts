// The configuration schema as data: one table drives validation, environment overrides and the README.
import {
	DEFAULT_NEGATIVE_PROMPT,
	DEFAULT_PARAMETERS,
	DEFAULT_WEIGHTS,
	type ControlWeights,
	type Parameters,
} from '../domain/model.js';
import {PARAMETER_RULES, numberRule, oneOfRule, type Rule, type RuleResult} from '../domain/parameter-rules.js';

/** How the UI tells that a run ended: OSC 9 or OSC 777 desktop notifications, the bell, or nothing; auto picks by terminal. */
export const NOTIFY_MODES = ['auto', 'osc9', 'osc777', 'bell', 'off'] as const;
export type NotifyMode = (typeof NOTIFY_MODES)[number];

/** What a GPU host is: one machine running Docker, or a Slurm cluster's login node (sbatch). */
export const HOST_KINDS = ['docker', 'slurm'] as const;
export type HostKind = (typeof HOST_KINDS)[number];

/** How a Slurm job runs Cosmos: a container engine inside the job, pyxis/enroot, Apptainer, or a plain environment. */
export const SLURM_CONTAINERS = ['podman', 'docker', 'enroot', 'apptainer', 'none'] as const;
export type SlurmContainer = (typeof SLURM_CONTAINERS)[number];

/** The placeholder in [slurm] gres that becomes the run's GPU count. */
export const GRES_COUNT = '{n}';

export type Config = {
	remote: {
		host: string;
		user: string;
		port: number;
		ssh_key: string;
		known_hosts: string;
		keepalive_seconds: number;
		max_channels: number;
		/** GPU indexes runs may use ([]: every GPU nvidia-smi lists). */
		gpus: number[];
		kind: HostKind;
	};
	paths: {remote_dir: string; data_dir: string};
	docker: {
		image: string;
		command: string;
		num_gpus: number;
		network: string;
		extra_args: string[];
		hf_cache: string;
		offload: string[];
	};
	/** Defaults for new prompts and runs (num_gpus comes from [docker]). */
	generation: {negative_prompt: string} & ControlWeights & Omit<Parameters, 'num_gpus'>;
	monitor: {stall_seconds: number; kill_grace_seconds: number};
	/** batch_max may also be set per host in [hosts.NAME]. */
	scheduler: {busy_memory_mib: number; lease_seconds: number; batch_max: number};
	ui: {notify: NotifyMode; mouse: boolean};
	/** Defaults for every host of kind "slurm" (each key may be set per host in [hosts.NAME]). */
	slurm: {
		partition: string;
		account: string;
		qos: string;
		time_limit: string;
		gres: string;
		sbatch_args: string[];
		container: SlurmContainer;
		env_setup: string;
		max_submitted: number;
		/** Compatible queued runs go as one job of up to [scheduler] batch_max (the model loaded once). */
		batch: boolean;
	};
	/** [hosts.NAME] sections as written (validated, partial); configuredHosts() fills in the rest. */
	hosts: Record<string, HostSection>;
};

/** Sections with a fixed set of keys ([hosts.NAME] is not one: its names are the user's). */
export type SectionName = Exclude<keyof Config, 'hosts'>;

/** The keys a [hosts.NAME] section may set: all of [remote], [docker] and [slurm], and remote_dir of [paths]. */
export type HostSection = Partial<Config['remote'] & Pick<Config['paths'], 'remote_dir'> & Config['docker'] & Config['slurm'] & Pick<Config['scheduler'], 'batch_max'>>;
export type HostKey = keyof HostSection;

/** Parses one value; returns an error text (for "... must be ...") or the value. */
type Parse<T> = (value: unknown) => RuleResult<T>;

type KeySpec<T> = {parse: Parse<T>; fromEnv: (text: string) => unknown; doc: string};

type Schema = {[S in SectionName]: {[K in keyof Config[S]]: KeySpec<Config[S][K]>}};

const fail = (expected: string) => ({ok: false as const, expected});
const ok = <T>(value: T) => ({ok: true as const, value});

const identity = (t: string) => t;

const text = (doc: string): KeySpec<string> => ({
	parse: v => (typeof v === 'string' ? ok(v) : fail('a string')),
	fromEnv: identity,
	doc,
});

const numberFromEnv = (t: string) => (t.trim() === '' ? Number.NaN : Number(t));

/** A key checked by a domain rule (shared with command-line and UI validation). */
const ruled = <T>(rule: Rule<T>, doc: string, fromEnv: (text: string) => unknown = numberFromEnv): KeySpec<T> => ({
	parse: rule.parse,
	fromEnv,
	doc,
});

const number = (doc: string, min: number, max: number, integer = false): KeySpec<number> =>
	ruled(numberRule(min, max, integer), doc);

const list = (doc: string): KeySpec<string[]> => ({
	parse: v =>
		Array.isArray(v) && v.every(item => typeof item === 'string')
			? ok(v as string[])
			: fail('a list of strings'),
	// Environment lists are whitespace-separated (no shell is involved; nothing is expanded).
	fromEnv: t => t.split(/\s+/).filter(Boolean),
	doc,
});

const MAX_GPU_INDEX = 63;

const gpuList = (doc: string): KeySpec<number[]> => ({
	parse(v) {
		const expected = `a list of distinct whole numbers from 0 to ${MAX_GPU_INDEX}`;
		if (!Array.isArray(v)) return fail(expected);
		const valid = v.every((item: unknown) => typeof item === 'number' && Number.isInteger(item) && item >= 0 && item <= MAX_GPU_INDEX);
		return valid && new Set(v).size === v.length ? ok(v as number[]) : fail(expected);
	},
	// Commas too, so a CUDA_VISIBLE_DEVICES-style "0,1" works as well as "0 1".
	fromEnv: t => t.split(/[\s,]+/).filter(Boolean).map(Number),
	doc,
});

const weight = (doc: string) => number(doc, 0, 1);

/** A string checked by a pattern or a test; `expected` completes "... must be ...". */
const matching = (pattern: RegExp | ((text: string) => boolean), expected: string, doc: string): KeySpec<string> => ({
	parse: v => (typeof v === 'string' && (typeof pattern === 'function' ? pattern(v) : pattern.test(v)) ? ok(v) : fail(expected)),
	fromEnv: identity,
	doc,
});

/** Slurm names (partition, account, QOS); "" leaves the choice to Slurm. */
const SLURM_NAME = /^[A-Za-z0-9_.-]*$/;
/** A partition may be a comma-separated list: Slurm starts the job in whichever frees up first. */
const SLURM_PARTITION = /^(?:[A-Za-z0-9_.-]+(?:,[A-Za-z0-9_.-]+)*)?$/;
/** sbatch --time formats: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS, or UNLIMITED/INFINITE; "" = the partition's default. */
const SLURM_TIME = /^(?:\d+(?::\d+){0,2}|\d+-\d+(?::\d+){0,2}|UNLIMITED|INFINITE)?$/;
/** A GRES request with {n} for the GPU count: gpu:{n}, gpu:h100:{n} (a comma list of such requests too). */
const isGres = (text: string) => text.includes(GRES_COUNT) && /^[A-Za-z0-9_.:,-]+$/.test(text.replaceAll(GRES_COUNT, '1'));

/** Extra sbatch options: each one an option ("--constraint=a100", "-C"), so none is taken for the script path. */
const optionList = (doc: string): KeySpec<string[]> => {
	const strings = list(doc);
	return {
		...strings,
		parse(v) {
			const result = strings.parse(v);
			const expected = 'a list of sbatch options, each starting with "-" (e.g. ["--constraint=a100"])';
			if (!result.ok) return fail(expected);
			return result.value.every(item => item.startsWith('-') && !item.includes('\0')) ? result : fail(expected);
		},
	};
};

const choice = <T extends string>(values: readonly T[], doc: string): KeySpec<T> => ruled(oneOfRule(values), doc, identity);

const flag = (doc: string): KeySpec<boolean> => ({
	parse: v => (typeof v === 'boolean' ? ok(v) : fail('true or false')),
	fromEnv: t => (/^(true|1|yes|on)$/i.test(t.trim()) ? true : /^(false|0|no|off)$/i.test(t.trim()) ? false : t),
	doc,
});

export const SCHEMA: Schema = {
	remote: {
		host: text('GPU host name, address or ~/.ssh/config alias; "local" runs Docker on this machine (empty: no GPU host)'),
		user: text('SSH user (empty: from ~/.ssh/config or the local user)'),
		port: number('SSH port', 1, 65_535, true),
		ssh_key: text('private key file (empty: ssh-agent and ~/.ssh/id_*)'),
		known_hosts: text('known_hosts file used to verify the host key'),
		keepalive_seconds: number('SSH keepalive interval', 1, 3600, true),
		max_channels: number('concurrent SSH channels per connection (OpenSSH allows 10)', 2, 64, true),
		gpus: gpuList('GPU indexes runs may use (empty: every GPU nvidia-smi lists)'),
		kind: choice(HOST_KINDS, 'what the host is: "docker" (one machine running Docker) or "slurm" (a Slurm login node; see [slurm])'),
	},
	paths: {
		remote_dir: text('the Cosmos-Transfer1 checkout on the GPU host (mounted at /workspace)'),
		data_dir: text('local data folder: the store and run logs and outputs'),
	},
	docker: {
		image: text('Docker image with Cosmos-Transfer1'),
		command: text('how to call Docker on the host: "docker", "sudo -n docker" or "podman"'),
		num_gpus: ruled(PARAMETER_RULES.num_gpus, 'GPUs per run (torchrun --nproc_per_node)'),
		network: text('docker run --network: "host" (no per-container network set-up: a faster start) or a network name; empty: the engine\'s default'),
		extra_args: list('extra arguments for docker run'),
		hf_cache: text('Hugging Face cache folder on the host (empty: ~/.cache/huggingface)'),
		offload: list('offload flags passed to transfer.py'),
	},
	generation: {
		negative_prompt: text('negative prompt for new prompts'),
		vis: weight('default vis control weight'),
		edge: weight('default edge control weight'),
		depth: weight('default depth control weight'),
		seg: weight('default seg control weight'),
		num_steps: ruled(PARAMETER_RULES.num_steps, 'diffusion steps'),
		guidance: ruled(PARAMETER_RULES.guidance, 'classifier-free guidance scale'),
		seed: ruled(PARAMETER_RULES.seed, 'random seed'),
		fps: ruled(PARAMETER_RULES.fps, 'output frames per second'),
		sigma_max: ruled(PARAMETER_RULES.sigma_max, 'partial-noise level (>= 80 ignores the input video)'),
		blur_strength: ruled(PARAMETER_RULES.blur_strength, 'vis preprocessor blur', identity),
		canny_threshold: ruled(PARAMETER_RULES.canny_threshold, 'edge preprocessor threshold', identity),
	},
	monitor: {
		stall_seconds: number('mark a run stalled after this long without output', 1, 86_400, true),
		kill_grace_seconds: number('seconds between SIGTERM and SIGKILL on kill', 0, 600, true),
	},
	scheduler: {
		busy_memory_mib: number(
			'a GPU with more memory than this in use by processes that are not ours runs nothing of ours',
			0,
			1_000_000,
			true,
		),
		lease_seconds: number("how long a worker's or follower's lease lasts without a heartbeat", 2, 600, true),
		batch_max: number('queued runs that can share one process (same settings, other prompts or weights) run as one batch of at most this many, loading the model once (1: no batches)', 1, 64, true),
	},
	ui: {
		notify: choice(NOTIFY_MODES, 'when a run ends: auto (by terminal), osc9, osc777 (desktop notifications), bell, off'),
		mouse: flag('wheel scrolls the pane under the pointer, a click focuses and selects (false: the terminal keeps the mouse)'),
	},
	slurm: {
		partition: matching(SLURM_PARTITION, 'a Slurm partition name (letters, digits, "_", ".", "-"; a comma list for several)', 'sbatch --partition (empty: the cluster\'s default partition)'),
		account: matching(SLURM_NAME, 'a Slurm account name (letters, digits, "_", ".", "-")', 'sbatch --account (empty: your default account)'),
		qos: matching(SLURM_NAME, 'a Slurm QOS name (letters, digits, "_", ".", "-")', 'sbatch --qos (empty: the default QOS)'),
		time_limit: matching(
			SLURM_TIME,
			'a Slurm time limit: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS or UNLIMITED',
			'sbatch --time per run (empty: the partition\'s default)',
		),
		gres: matching(isGres, 'a GRES request containing {n} for the GPU count, such as "gpu:{n}" or "gpu:h100:{n}"', 'sbatch --gres; {n} becomes the run\'s GPU count'),
		sbatch_args: optionList('extra sbatch options, each starting with "-"'),
		container: choice(SLURM_CONTAINERS, 'how the job runs Cosmos: podman or docker (a container in the job), enroot (pyxis), apptainer, or none'),
		env_setup: text('container = "none": a file sourced before torchrun, e.g. a virtualenv\'s bin/activate (empty: none)'),
		max_submitted: number('jobs of ours queued or running on a Slurm host at once (0: no limit)', 0, 100_000, true),
		batch: flag('compatible queued runs go as one job of up to batch_max runs, loading the model once, their samples one after another (false: a job per run, side by side)'),
	},
};

/** Home section of each key a [hosts.NAME] section may set; a host key is checked by its home section's KeySpec. */
export const HOST_KEY_SECTIONS: Readonly<Record<HostKey, HostKeySection>> = {
	...sectionOf('remote', Object.keys(SCHEMA.remote) as Array<keyof Config['remote']>),
	remote_dir: 'paths',
	...sectionOf('docker', Object.keys(SCHEMA.docker) as Array<keyof Config['docker']>),
	...sectionOf('slurm', Object.keys(SCHEMA.slurm) as Array<keyof Config['slurm']>),
	batch_max: 'scheduler',
};
export type HostKeySection = 'remote' | 'paths' | 'docker' | 'slurm' | 'scheduler';

function sectionOf<S extends string, K extends string>(section: S, keys: readonly K[]): Record<K, S> {
	return Object.fromEntries(keys.map(key => [key, section])) as Record<K, S>;
}

export const DEFAULT_CONFIG: Config = {
	remote: {
		host: '',
		user: '',
		port: 22,
		ssh_key: '',
		known_hosts: '~/.ssh/known_hosts',
		keepalive_seconds: 15,
		max_channels: 8,
		gpus: [],
		kind: 'docker',
	},
	paths: {remote_dir: '', data_dir: './data'},
	docker: {
		image: 'nvcr.io/nvidia/cosmos-transfer1:latest',
		command: 'docker',
		num_gpus: 1,
		network: 'host',
		extra_args: [],
		hf_cache: '',
		offload: ['--offload_text_encoder_model', '--offload_guardrail_models'],
	},
	generation: {
		negative_prompt: DEFAULT_NEGATIVE_PROMPT,
		...DEFAULT_WEIGHTS,
		num_steps: DEFAULT_PARAMETERS.num_steps,
		guidance: DEFAULT_PARAMETERS.guidance,
		seed: DEFAULT_PARAMETERS.seed,
		fps: DEFAULT_PARAMETERS.fps,
		sigma_max: DEFAULT_PARAMETERS.sigma_max,
		blur_strength: DEFAULT_PARAMETERS.blur_strength,
		canny_threshold: DEFAULT_PARAMETERS.canny_threshold,
	},
	monitor: {stall_seconds: 900, kill_grace_seconds: 10},
	scheduler: {busy_memory_mib: 2048, lease_seconds: 10, batch_max: 8},
	ui: {notify: 'auto', mouse: true},
	slurm: {
		partition: '',
		account: '',
		qos: '',
		time_limit: '',
		gres: 'gpu:{n}',
		sbatch_args: [],
		container: 'docker',
		env_setup: '',
		max_submitted: 0,
		batch: false,
	},
	hosts: {},
};
