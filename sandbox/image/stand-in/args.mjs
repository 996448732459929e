// Command-line parsing: the launcher (torchrun or python) and transfer.py's argparse table.

export class UsageError extends Error {}

const TORCHRUN_FLAGS = new Set(['--standalone', '--no_python', '--no-python', '--run_path', '--run-path']);
const PYTHON_VALUE_OPTIONS = new Set(['-X', '-W']);

/**
 * Splits `torchrun [opts] script.py args` or `python [opts] script.py args`.
 * @param {'torchrun'|'python'} launcher
 * @param {string[]} argv
 */
export function parseLauncher(launcher, argv) {
	const options = {};
	let i = 0;
	for (; i < argv.length; i++) {
		const arg = argv[i];
		if (!arg.startsWith('-')) break;
		if (arg === '-m' || arg === '--module') {
			i++;
			return {launcher, options, script: argv[i] ?? '', module: true, scriptArgs: argv.slice(i + 1)};
		}
		if (launcher === 'torchrun') {
			if (arg.includes('=')) {
				const [key, ...rest] = arg.replace(/^--?/, '').split('=');
				options[key.replaceAll('-', '_')] = rest.join('=');
			} else if (!TORCHRUN_FLAGS.has(arg)) {
				options[arg.replace(/^--?/, '').replaceAll('-', '_')] = argv[i + 1] ?? '';
				i++;
			}
		} else if (PYTHON_VALUE_OPTIONS.has(arg)) {
			i++;
		} else if (arg === '-c') {
			throw new UsageError('python -c is not supported by the cosmos-sim stand-in');
		} else if (arg === '--version' || arg === '-V') {
			return {launcher, options, script: '', version: true, scriptArgs: []};
		}
	}
	const nproc = Number.parseInt(options.nproc_per_node ?? '1', 10);
	return {launcher, options, nproc: Number.isNaN(nproc) ? 1 : nproc, script: argv[i] ?? '', scriptArgs: argv.slice(i + 1)};
}

/** transfer.py's argparse table (T1 parse_arguments): name -> [type, default]. */
export const TRANSFER_ARGS = {
	prompt: ['str', 'The video captures a stunning, photorealistic scene with remarkable attention to detail, giving it a lifelike appearance that is almost indistinguishable from reality.'],
	negative_prompt: ['str', 'The video captures a game playing, with bad crappy graphics and cartoonish frames. It represents a recording of old outdated games. The lighting looks very fake. The textures are very raw and basic. The geometries are very primitive. The images are very pixelated and of poor CG quality. There are many subtitles in the footage. Overall, the video is unrealistic at all.'],
	input_video_path: ['str', ''],
	num_input_frames: ['int', 1],
	sigma_max: ['float', 70.0],
	blur_strength: ['str', 'medium'],
	canny_threshold: ['str', 'medium'],
	controlnet_specs: ['str', null],
	is_av_sample: ['flag', false],
	checkpoint_dir: ['str', 'checkpoints'],
	tokenizer_dir: ['str', 'Cosmos-Tokenize1-CV8x8x8-720p'],
	video_save_name: ['str', 'output'],
	video_save_folder: ['str', 'outputs/'],
	batch_input_path: ['str', null],
	batch_size: ['int', 1],
	num_steps: ['int', 35],
	guidance: ['float', 5],
	fps: ['int', 24],
	seed: ['int', 1],
	num_gpus: ['int', 1],
	offload_diffusion_transformer: ['flag', false],
	offload_text_encoder_model: ['flag', false],
	offload_guardrail_models: ['flag', false],
	upsample_prompt: ['flag', false],
	offload_prompt_upsampler: ['flag', false],
	use_distilled: ['flag', false],
	save_input_noise: ['flag', false],
	benchmark: ['flag', false],
};

const USAGE = 'usage: transfer.py [-h] [--prompt PROMPT] [--negative_prompt NEGATIVE_PROMPT] [--input_video_path INPUT_VIDEO_PATH] --controlnet_specs CONTROLNET_SPECS [--checkpoint_dir CHECKPOINT_DIR] [--video_save_name VIDEO_SAVE_NAME] [--video_save_folder VIDEO_SAVE_FOLDER] [--num_steps NUM_STEPS] [--guidance GUIDANCE] [--fps FPS] [--seed SEED] [--num_gpus NUM_GPUS] [...]';

function convert(name, type, raw) {
	if (type === 'str') return raw;
	const value = type === 'int' ? (/^[+-]?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN) : Number(raw);
	if (raw.trim() === '' || Number.isNaN(value)) {
		throw new UsageError(`${USAGE}\ntransfer.py: error: argument --${name}: invalid ${type} value: '${raw}'`);
	}
	return value;
}

/**
 * Parses transfer.py's arguments like argparse does.
 * @returns {{values: Record<string, unknown>, given: Set<string>}} values from the CLI and which names were given
 */
export function parseTransferArgs(argv) {
	const values = {};
	const given = new Set();
	const unknown = [];
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '-h' || arg === '--help') throw new UsageError(USAGE, {cause: 'help'});
		const match = /^--([^=]+)(?:=(.*))?$/s.exec(arg);
		const spec = match ? TRANSFER_ARGS[match[1]] : undefined;
		if (!match || !spec) {
			unknown.push(arg);
			continue;
		}
		const [, name, inline] = match;
		const [type] = spec;
		if (type === 'flag') {
			if (inline !== undefined) throw new UsageError(`${USAGE}\ntransfer.py: error: argument --${name}: ignored explicit argument '${inline}'`);
			values[name] = true;
		} else {
			const raw = inline ?? argv[++i];
			if (raw === undefined) throw new UsageError(`${USAGE}\ntransfer.py: error: argument --${name}: expected one argument`);
			values[name] = convert(name, type, raw);
		}
		given.add(name);
	}
	if (unknown.length > 0) throw new UsageError(`${USAGE}\ntransfer.py: error: unrecognized arguments: ${unknown.join(' ')}`);
	if (!given.has('controlnet_specs')) throw new UsageError(`${USAGE}\ntransfer.py: error: the following arguments are required: --controlnet_specs`);
	return {values, given};
}
