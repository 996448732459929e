// The controlnet spec JSON (contract section 2) and the stand-in's own `cosmos_sim` block.
import {readFileSync} from 'node:fs';
import {TRANSFER_ARGS} from './args.mjs';

export const HINT_KEYS = ['vis', 'seg', 'edge', 'depth', 'keypoint', 'upscale', 'hdmap', 'lidar'];

export const MODES = ['ok', 'oom', 'guardrail', 'slow', 'stall', 'crash', 'nccl', 'flood', 'hostile', 'paced', 'exit'];

/** A Python exception the stand-in "raises": printed as a traceback, exit 1. */
export class PyError extends Error {
	/** @param {string} type e.g. 'ValueError' @param {string} message @param {string[]} frames traceback frames */
	constructor(type, message, frames = []) {
		super(message);
		this.type = type;
		this.frames = frames;
	}
}

const LOAD_FRAMES = [
	'  File "/workspace/cosmos_transfer1/diffusion/inference/transfer.py", line 402, in <module>\n    args, control_inputs = parse_arguments()',
	'  File "/workspace/cosmos_transfer1/diffusion/inference/transfer.py", line 161, in parse_arguments\n    control_inputs, json_args = load_controlnet_specs(cmd_args)',
	'  File "/workspace/cosmos_transfer1/diffusion/inference/inference_utils.py", line 1203, in load_controlnet_specs',
];

/** Reads the spec like json.load(open(path)). */
export function readSpec(path) {
	let text;
	try {
		text = readFileSync(path, 'utf8');
	} catch {
		throw new PyError('FileNotFoundError', `[Errno 2] No such file or directory: '${path}'`, [...LOAD_FRAMES, '    with open(cfg.controlnet_specs, "r") as f:']);
	}
	try {
		const spec = JSON.parse(text);
		if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) throw new SyntaxError('not an object');
		return spec;
	} catch (error) {
		throw new PyError('json.decoder.JSONDecodeError', `Expecting value: line 1 column 1 (char 0) (${error.message})`, [...LOAD_FRAMES, '    controlnet_specs_in = json.load(f)']);
	}
}

/**
 * Splits the spec into controls, argument overrides and the stand-in's options.
 * CLI > JSON > default, as in load_controlnet_specs.
 */
export function resolveSpec(spec, cli) {
	const controls = {};
	const jsonArgs = {};
	let sim = null;
	for (const [key, value] of Object.entries(spec)) {
		if (key === 'cosmos_sim') {
			sim = value && typeof value === 'object' ? value : {};
		} else if (HINT_KEYS.includes(key)) {
			controls[key] = value && typeof value === 'object' ? {...value} : {};
		} else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
			throw new PyError('ValueError', `Invalid hint_key: ${key}. Must be one of ${JSON.stringify(HINT_KEYS)}`, LOAD_FRAMES);
		} else {
			jsonArgs[key] = value;
		}
	}
	const args = {};
	for (const [name, [, fallback]] of Object.entries(TRANSFER_ARGS)) args[name] = fallback;
	for (const [key, value] of Object.entries(jsonArgs)) if (!cli.given.has(key)) args[key] = value;
	Object.assign(args, cli.values);
	return {controls, jsonArgs, args, sim: simFor(sim, args.prompt), block: sim};
}

/**
 * The stand-in's options for one prompt: the spec's own block wins; else a marker in the prompt
 * over the host's cosmos-sim.json. `block` is the spec's cosmos_sim block (null when it has none).
 */
export function simFor(block, prompt) {
	return simOptions(block ?? {...hostDefaults(), ...promptMarker(prompt)});
}

/**
 * A marker in the prompt text picks the behaviour of one run from wherever the prompt was written
 * (the UI's new-prompt form, `cosmos-tui run`): `[cosmos-sim oom]` or
 * `[cosmos-sim mode=slow seconds=8 clips=3]` or `[cosmos-sim load_seconds=20 clip_seconds=2]`.
 * Only this stand-in reads it; the real model would take it as words.
 */
export function promptMarker(prompt) {
	const found = /\[cosmos-sim((?:\s+[\w-]+(?:=[\w.-]+)?)+)\s*\]/.exec(typeof prompt === 'string' ? prompt : '');
	if (!found) return {};
	const options = {};
	for (const word of found[1].trim().split(/\s+/)) {
		const [key, value] = word.split('=');
		if (value === undefined) options.mode = key;
		else options[key.replaceAll('-', '_')] = value === 'true' ? true : value === 'false' ? false : value;
	}
	return options;
}

/**
 * The sandbox host's default behaviour, for runs whose spec has no cosmos_sim block (runs started
 * through the real CLI or UI): cosmos-sim.json in the working folder (the host's remote_dir).
 */
function hostDefaults() {
	try {
		const raw = JSON.parse(readFileSync('cosmos-sim.json', 'utf8'));
		return raw && typeof raw === 'object' ? raw : {};
	} catch {
		return {};
	}
}

function num(value, fallback) {
	const n = Number(value);
	return value === undefined || value === null || Number.isNaN(n) ? fallback : n;
}

function simOptions(raw) {
	const mode = MODES.includes(raw.mode) ? raw.mode : 'ok';
	return {
		mode,
		seconds: num(raw.seconds, mode === 'slow' ? 20 : 0),
		lines: Math.max(0, Math.floor(num(raw.lines, mode === 'paced' ? 1000 : 100_000))),
		rate: Math.max(0.001, num(raw.rate, 100)),
		hostileFiles: raw.hostile_files === true,
		clips: Math.max(1, Math.floor(num(raw.clips, 1))),
		stallSeconds: num(raw.stall_seconds, 30),
		// mode exit: the child's sys.exit code (torchrun then reports it and exits 1, as the real one does).
		code: Math.max(1, Math.min(255, Math.floor(num(raw.code, 3)))),
		// Spent once per process while the models load (before the first sample / the preprocessor).
		loadSeconds: Math.max(0, num(raw.load_seconds, 0)),
		// Spent per clip (in diffusion sampling), per sample.
		clipSeconds: Math.max(0, num(raw.clip_seconds, 0)),
		// Batch mode: 0-based sample indexes whose generated video the guardrail blocks.
		failSamples: new Set([raw.fail_sample].flat().filter(v => v !== undefined && v !== null && v !== '' && Number.isInteger(Number(v))).map(Number)),
	};
}

const BATCH_FRAMES = [
	'  File "/workspace/cosmos_transfer1/diffusion/inference/transfer.py", line 410, in <module>\n    demo(args, control_inputs)',
	'  File "/workspace/cosmos_transfer1/diffusion/inference/transfer.py", line 285, in demo\n    prompts = read_prompts_from_file(cfg.batch_input_path)',
];

const pyType = value => (Array.isArray(value) ? 'list' : value === null ? 'NoneType' : typeof value === 'string' ? 'str' : typeof value === 'boolean' ? 'bool' : Number.isInteger(value) ? 'int' : 'float');

/**
 * --batch_input_path: one JSON object per line (utils/io.py read_prompts_from_file); blank lines
 * are skipped. Errors are PyErrors, raised by the caller where upstream would raise them.
 */
export function readBatch(path) {
	let text;
	try {
		text = readFileSync(path, 'utf8');
	} catch {
		throw new PyError('FileNotFoundError', `[Errno 2] No such file or directory: '${path}'`, [
			...BATCH_FRAMES,
			'  File "/workspace/cosmos_transfer1/utils/io.py", line 34, in read_prompts_from_file\n    with open(prompt_file, "r") as f:',
		]);
	}
	const samples = [];
	for (const [index, line] of text.split('\n').entries()) {
		if (line.trim() === '') continue;
		let sample;
		try {
			sample = JSON.parse(line);
		} catch (error) {
			throw new PyError('json.decoder.JSONDecodeError', `Expecting value: line 1 column 1 (char 0) (line ${index + 1} of ${path}: ${error.message})`, [
				...BATCH_FRAMES,
				'  File "/workspace/cosmos_transfer1/utils/io.py", line 36, in read_prompts_from_file\n    prompt_dict = json.loads(line.strip())',
			]);
		}
		if (sample === null || typeof sample !== 'object' || Array.isArray(sample)) {
			throw new PyError('AttributeError', `'${pyType(sample)}' object has no attribute 'get'`, [
				'  File "/workspace/cosmos_transfer1/diffusion/inference/transfer.py", line 410, in <module>\n    demo(args, control_inputs)',
				'  File "/workspace/cosmos_transfer1/diffusion/inference/transfer.py", line 298, in demo\n    batch_prompt_texts = [p.get("prompt", None) for p in batch_prompts]',
			]);
		}
		samples.push(sample);
	}
	return samples;
}

/** The numeric weight a control_weight stands for (a .pt map counts as 1); for overrides, not validated. */
export function weightOf(controlWeight) {
	if (typeof controlWeight === 'string' && controlWeight.endsWith('.pt')) return 1;
	const weight = Number(controlWeight);
	return Number.isNaN(weight) ? 1 : weight;
}

/** validate_controlnet_specs, plus control weight defaults. Returns warnings to log. */
export function validateControls(controls, args) {
	const warnings = [];
	const hasVideo = typeof args.input_video_path === 'string' && args.input_video_path !== '';
	if (!hasVideo && Number(args.sigma_max) < 80) {
		throw new PyError('ValueError', "Must have 'input_video' specified if sigma_max < 80", LOAD_FRAMES);
	}
	for (const [key, control] of Object.entries(controls)) {
		if (!hasVideo && !control.input_control) {
			throw new PyError('ValueError', `${key} controlnet must have 'input_control' video specified if no 'input_video' specified.`, LOAD_FRAMES);
		}
		if (control.control_weight === undefined) {
			warnings.push(`No control weight specified for ${key}. Setting to 0.5.`);
			control.control_weight = 0.5;
		}
		const weight = typeof control.control_weight === 'string' && control.control_weight.endsWith('.pt') ? 1 : Number(control.control_weight);
		if (Number.isNaN(weight) || weight < 0) {
			throw new PyError('ValueError', `Control weight for ${key} must be a non-negative float or a path to a .pt file, got ${control.control_weight}`, LOAD_FRAMES);
		}
		control.weight = weight;
	}
	return warnings;
}

/** What the stand-in's prompt upsampler adds to a prompt (transfer.py --upsample_prompt and upsampler_pipeline.py). */
export const UPSAMPLED_SUFFIX = 'Rendered in rich cinematic detail, with soft volumetric light and natural motion.';

export const CHECKPOINT_FILES = {
	vis: 'vis_control.pt',
	edge: 'edge_control.pt',
	depth: 'depth_control.pt',
	seg: 'seg_control.pt',
	keypoint: 'keypoint_control.pt',
	upscale: '4kupscaler_control.pt',
	hdmap: 'hdmap_control.pt',
	lidar: 'lidar_control.pt',
};

export const PREPROCESSORS = {
	vis: 'bilateral blur',
	edge: 'Canny',
	depth: 'DepthAnything',
	seg: 'GroundingDINO and SAM2',
	keypoint: 'HumanKeypointModel',
};
