// cosmos-sim: a stand-in for `torchrun --nproc_per_node=1
// cosmos_transfer1/auxiliary/upsampler/inference/upsampler_pipeline.py --prompt P --input_video V
// [--checkpoint_dir D] [--offload_prompt_upsampler]` (contract §1 and §6), started by launch.mjs.
// Like the real script it needs RANK in its environment (torchrun sets it; plain python does not:
// KeyError), reads the input video (missing: FileNotFoundError), logs loguru lines, and prints its
// answer with print(): `Upsampled prompt: <text>` on stdout. The stand-in's "rewrite" is the one
// transfer.mjs's --upsample_prompt makes: the prompt plus a fixed sentence of detail.
import {closeSync, openSync, readSync} from 'node:fs';
import {UsageError, parseLauncher} from './args.mjs';
import {scriptExits} from './failures.mjs';
import {loguruTime, sleep} from './log.mjs';
import {PyError, UPSAMPLED_SUFFIX} from './spec.mjs';

const launcher = process.argv[2] === 'python' ? 'python' : 'torchrun';
const underTorchrun = launcher === 'torchrun';
let script = 'cosmos_transfer1/auxiliary/upsampler/inference/upsampler_pipeline.py';
const {runMain} = scriptExits(launcher, () => script);
const shownScript = () => (script.startsWith('/') ? script : `/workspace/${script}`);

const USAGE = 'usage: upsampler_pipeline.py [-h] [--prompt PROMPT] --input_video INPUT_VIDEO [--checkpoint_dir CHECKPOINT_DIR] [--offload_prompt_upsampler]';

const SOURCES = {
	model: ['cosmos_transfer1/auxiliary/upsampler/model/upsampler.py', 58, '__init__'],
	load: ['cosmos_transfer1/auxiliary/upsampler/model/upsampler.py', 75, '_load_upsampler_model'],
	frames: ['cosmos_transfer1/utils/misc.py', 402, 'extract_video_frames'],
	upsample: ['cosmos_transfer1/auxiliary/upsampler/model/upsampler.py', 112, '_prompt_upsample_with_offload'],
	offload: ['cosmos_transfer1/auxiliary/upsampler/model/upsampler.py', 131, '_offload_upsampler_model'],
};

function info(source, message) {
	const [file, line, fn] = SOURCES[source];
	process.stdout.write(`[${loguruTime()}|INFO|${file}:${line}:${fn}] ${message}\n`);
}

for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]]) process.on(signal, () => process.exit(code));

const MODULE_FRAME = () => `  File "${shownScript()}", line 75, in <module>\n    main()`;

const missingRank = () =>
	new PyError('KeyError', "'RANK'", [
		`  File "${shownScript()}", line 47, in <module>\n    rank = int(os.environ["RANK"])\n               ~~~~~~~~~~^^^^^^^^`,
		'  File "<frozen os>", line 714, in __getitem__',
	]);

const missingVideo = path =>
	new PyError('FileNotFoundError', `[Errno 2] No such file or directory: '${path}'`, [
		MODULE_FRAME(),
		`  File "${shownScript()}", line 40, in main\n    frame_paths = extract_video_frames(args.input_video)`,
		'  File "/workspace/cosmos_transfer1/utils/misc.py", line 398, in extract_video_frames\n    with open(video_path, "rb") as video_file:',
	]);

/** upsampler_pipeline.py's argparse table: --prompt, --input_video (required), --checkpoint_dir, --offload_prompt_upsampler. */
export function parseUpsamplerArgs(argv) {
	const args = {prompt: null, input_video: null, checkpoint_dir: 'checkpoints', offload_prompt_upsampler: false};
	const unknown = [];
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '-h' || arg === '--help') throw new UsageError(USAGE, {cause: 'help'});
		const match = /^--([a-z_]+)(?:=([\s\S]*))?$/.exec(arg);
		const name = match?.[1];
		if (!match || !Object.hasOwn(args, name)) {
			unknown.push(arg);
			continue;
		}
		if (name === 'offload_prompt_upsampler') {
			if (match[2] !== undefined) throw new UsageError(`${USAGE}\nupsampler_pipeline.py: error: argument --${name}: ignored explicit argument '${match[2]}'`);
			args[name] = true;
			continue;
		}
		const value = match[2] ?? argv[++i];
		if (value === undefined || (match[2] === undefined && value.startsWith('-'))) throw new UsageError(`${USAGE}\nupsampler_pipeline.py: error: argument --${name}: expected one argument`);
		args[name] = value;
	}
	if (unknown.length > 0) throw new UsageError(`${USAGE}\nupsampler_pipeline.py: error: unrecognized arguments: ${unknown.join(' ')}`);
	if (args.input_video === null) throw new UsageError(`${USAGE}\nupsampler_pipeline.py: error: the following arguments are required: --input_video`);
	return args;
}

/** Reads the start of the video (as extract_video_frames opens it); a missing file raises. */
function readFrames(path) {
	let fd;
	try {
		fd = openSync(path, 'r');
		const buffer = Buffer.alloc(4096);
		return readSync(fd, buffer, 0, buffer.length, 0);
	} catch {
		throw missingVideo(path);
	} finally {
		if (fd !== undefined) closeSync(fd);
	}
}

await runMain(async () => {
	const parsed = parseLauncher(launcher, process.argv.slice(3));
	script = parsed.script;
	// torchrun gives its child the distributed environment; the script reads RANK first thing.
	if (underTorchrun) Object.assign(process.env, {RANK: '0', LOCAL_RANK: '0', WORLD_SIZE: '1', LOCAL_WORLD_SIZE: '1', MASTER_ADDR: '127.0.0.1', MASTER_PORT: '29500'});
	if (process.env.RANK === undefined) throw missingRank();
	const args = parseUpsamplerArgs(parsed.scriptArgs);
	if (Number(process.env.RANK) !== 0) return; // only rank 0 upsamples
	const folder = `${args.checkpoint_dir}/nvidia/Cosmos-UpsamplePrompt1-12B-Transfer/viscontrol`;
	info('model', `Initializing prompt upsampler from ${folder}`);
	info('load', 'Loading vLLM engine (tensor_parallel_size=1, max_model_len=4096)');
	await sleep(150);
	const bytes = readFrames(args.input_video);
	info('frames', `Extracted 2 frames from ${args.input_video} (${bytes} bytes read)`);
	process.stderr.write('Processed prompts: 100%|██████████| 1/1 [00:00<00:00,  4.12it/s]\n');
	await sleep(150);
	const prompt = args.prompt === null ? 'None' : String(args.prompt).trim();
	info('upsample', 'Prompt upsampled');
	if (args.offload_prompt_upsampler) info('offload', 'Offloading prompt upsampler');
	process.stdout.write(`Upsampled prompt: ${prompt} ${UPSAMPLED_SUFFIX}\n`);
});
