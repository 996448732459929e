// The configuration schema as data: one table drives validation, environment overrides and the README.
import {
	DEFAULT_NEGATIVE_PROMPT,
	DEFAULT_PARAMETERS,
	DEFAULT_WEIGHTS,
	PRESET_LEVELS,
	type ControlWeights,
	type Parameters,
	type PresetLevel,
} from '../domain/model.js';

export type Config = {
	remote: {
		host: string;
		user: string;
		port: number;
		ssh_key: string;
		known_hosts: string;
		keepalive_seconds: number;
		max_channels: number;
	};
	paths: {remote_dir: string; data_dir: string};
	docker: {
		image: string;
		command: string;
		num_gpus: number;
		extra_args: string[];
		hf_cache: string;
		offload: string[];
	};
	/** Defaults for new prompts and runs (num_gpus comes from [docker]). */
	generation: {negative_prompt: string} & ControlWeights & Omit<Parameters, 'num_gpus'>;
	monitor: {stall_seconds: number; kill_grace_seconds: number};
};

export type SectionName = keyof Config;

/** Parses one value; returns an error text (for "... must be ...") or the value. */
type Parse<T> = (value: unknown) => {ok: true; value: T} | {ok: false; expected: string};

type KeySpec<T> = {parse: Parse<T>; fromEnv: (text: string) => unknown; doc: string};

type Schema = {[S in SectionName]: {[K in keyof Config[S]]: KeySpec<Config[S][K]>}};

const fail = (expected: string) => ({ok: false as const, expected});
const ok = <T>(value: T) => ({ok: true as const, value});

const text = (doc: string): KeySpec<string> => ({
	parse: v => (typeof v === 'string' ? ok(v) : fail('a string')),
	fromEnv: t => t,
	doc,
});

const number = (doc: string, min: number, max: number, integer = false): KeySpec<number> => ({
	parse(v) {
		const expected = `${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`;
		if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) return fail(expected);
		return integer && !Number.isInteger(v) ? fail(expected) : ok(v);
	},
	fromEnv: t => (t.trim() === '' ? Number.NaN : Number(t)),
	doc,
});

const list = (doc: string): KeySpec<string[]> => ({
	parse: v =>
		Array.isArray(v) && v.every(item => typeof item === 'string')
			? ok(v as string[])
			: fail('a list of strings'),
	// Environment lists are whitespace-separated (no shell is involved; nothing is expanded).
	fromEnv: t => t.split(/\s+/).filter(Boolean),
	doc,
});

const level = (doc: string): KeySpec<PresetLevel> => ({
	parse: v =>
		typeof v === 'string' && (PRESET_LEVELS as readonly string[]).includes(v)
			? ok(v as PresetLevel)
			: fail(`one of ${PRESET_LEVELS.join(', ')}`),
	fromEnv: t => t,
	doc,
});

const weight = (doc: string) => number(doc, 0, 1);

export const SCHEMA: Schema = {
	remote: {
		host: text('GPU host name, address or ~/.ssh/config alias; "local" runs Docker on this machine (empty: no GPU host)'),
		user: text('SSH user (empty: from ~/.ssh/config or the local user)'),
		port: number('SSH port', 1, 65_535, true),
		ssh_key: text('private key file (empty: ssh-agent and ~/.ssh/id_*)'),
		known_hosts: text('known_hosts file used to verify the host key'),
		keepalive_seconds: number('SSH keepalive interval', 1, 3600, true),
		max_channels: number('concurrent SSH channels per connection (OpenSSH allows 10)', 2, 64, true),
	},
	paths: {
		remote_dir: text('the Cosmos-Transfer1 checkout on the GPU host (mounted at /workspace)'),
		data_dir: text('local data folder: the store and run logs and outputs'),
	},
	docker: {
		image: text('Docker image with Cosmos-Transfer1'),
		command: text('how to call Docker on the host: "docker", "sudo -n docker" or "podman"'),
		num_gpus: number('GPUs per run (torchrun --nproc_per_node)', 1, 64, true),
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
		num_steps: number('diffusion steps', 1, 1000, true),
		guidance: number('classifier-free guidance scale', 0, 100),
		seed: number('random seed', 0, 2 ** 32 - 1, true),
		fps: number('output frames per second', 1, 240, true),
		sigma_max: number('partial-noise level (>= 80 ignores the input video)', 0, 1000),
		blur_strength: level('vis preprocessor blur'),
		canny_threshold: level('edge preprocessor threshold'),
	},
	monitor: {
		stall_seconds: number('mark a run stalled after this long without output', 1, 86_400, true),
		kill_grace_seconds: number('seconds between SIGTERM and SIGKILL on kill', 0, 600, true),
	},
};

export const DEFAULT_CONFIG: Config = {
	remote: {
		host: '',
		user: '',
		port: 22,
		ssh_key: '',
		known_hosts: '~/.ssh/known_hosts',
		keepalive_seconds: 15,
		max_channels: 8,
	},
	paths: {remote_dir: '', data_dir: './data'},
	docker: {
		image: 'nvcr.io/nvidia/cosmos-transfer1:latest',
		command: 'docker',
		num_gpus: 1,
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
};
