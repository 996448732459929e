// cosmos-sim: a stand-in for `torchrun ... cosmos_transfer1/diffusion/inference/transfer.py ...`.
// Usage inside the image: node transfer.mjs torchrun|python <the launcher's arguments...>
// It behaves like the real job on the outside (arguments, spec JSON, log lines, output files,
// exit codes, failure texts) and does no work. The spec's "cosmos_sim" block picks the behaviour.
// With --batch_input_path (a JSONL file) it loads the models once, then runs one sample per line into
// <video_save_folder>/video_<i>/, logging `[i/N] Processing sample video_<i-1>` and
// `sample control_inputs: {...}` before each. cosmos_sim load_seconds (once per process) and
// clip_seconds (per clip, per sample) simulate time; fail_sample (batch) blocks one sample's video.
import {copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs';
import {basename, dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseLauncher, parseTransferArgs} from './args.mjs';
import {CHECKPOINT_FILES, PREPROCESSORS, PyError, UPSAMPLED_SUFFIX, readBatch, readSpec, resolveSpec, simFor, validateControls, weightOf} from './spec.mjs';
import {GUARDRAIL_LINES, cudaOom, generatedGuardrailLines, glog, guardrailUnpack, missingCheckpoint, missingInput, ncclTimeoutText, noPrompt, noVisualInput, scriptExits} from './failures.mjs';
import {critical, info, logLine, pyJsonDumps, sleep, tqdmFrame, warning} from './log.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const HOSTILE = JSON.parse(readFileSync(join(here, 'hostile-sequences.json'), 'utf8'));

const launcher = process.argv[2] === 'python' ? 'python' : 'torchrun';
const underTorchrun = launcher === 'torchrun';
const rankPrefix = underTorchrun ? '[rank0]: ' : '';
let script = 'cosmos_transfer1/diffusion/inference/transfer.py';

const {fail, raise, runMain} = scriptExits(launcher, () => script);

function onSignal(signal, code) {
	process.on(signal, () => {
		if (underTorchrun) {
			process.stderr.write(`${glog('W', 'torch/distributed/elastic/agent/server/api.py:719')} Received Signals.${signal} death signal, shutting down workers\n`);
			process.stderr.write(`${glog('W', 'torch/distributed/elastic/multiprocessing/api.py:900')} Sending process ${process.pid + 1} closing signal ${signal}\n`);
		}
		process.exit(code);
	});
}
onSignal('SIGTERM', 143);
onSignal('SIGINT', 130);

/** Python's os.path.join for two parts. */
const pyJoin = (a, b) => (b.startsWith('/') || a === '' ? b : a.endsWith('/') ? a + b : `${a}/${b}`);

function hostileBurst() {
	process.stdout.write(`\u001b[32m${logLine('INFO', 'demo', '\u001b[1mcoloured\u001b[0m \u001b[31mred\u001b[0m \u001b[44mon blue\u001b[0m').trimEnd()}\u001b[0m\n`);
	for (const [name, sequence] of Object.entries(HOSTILE)) {
		process.stdout.write(logLine('INFO', 'demo', `hostile ${name}: [${sequence}] end`));
	}
	process.stderr.write(`hostile on stderr: [${HOSTILE.osc52Clipboard}${HOSTILE.setTitle}${HOSTILE.clearScreenHome}] end\n`);
}

function flood(lines) {
	const width = String(lines).length;
	let chunk = '';
	for (let i = 1; i <= lines; i++) {
		chunk += logLine('INFO', 'clip', `flood line ${String(i).padStart(width, '0')} of ${lines}`);
		if (chunk.length > 65_536) {
			process.stdout.write(chunk);
			chunk = '';
		}
	}
	if (chunk) process.stdout.write(chunk);
}

/** `lines` numbered lines at `rate` per second, each carrying the container's clock (for latency). */
async function paced(lines, rate) {
	const width = String(lines).length;
	const start = Date.now();
	for (let i = 1; i <= lines; i++) {
		await sleep(start + ((i - 1) * 1000) / rate - Date.now());
		info('clip', `paced line ${String(i).padStart(width, '0')} of ${lines} at ${Date.now()}`);
	}
}

/** Output files a hostile container could leave: odd names and a symlink to a host file. */
function hostileFiles(folder) {
	const names = ['evil\u001b]0;pwned\u0007_input_control_0.mp4', '..vis_input_control_0.mp4', '.hidden.mp4', 'vis_input_control_\n1.mp4', 'output.mp4 ', 'notes.sh'];
	for (const name of names) writeFileSync(join(folder, name), 'hostile\n');
	symlinkSync('/etc/passwd', join(folder, 'edge_input_control_7.mp4'));
}

const noPace = () => undefined;

/** Spreads `seconds` over `count` pauses; each call waits one share. */
function pacer(seconds, count) {
	return () => (seconds > 0 ? sleep((seconds * 1000) / count) : undefined);
}

async function transfer(argv) {
	const cli = parseTransferArgs(argv);
	const spec = readSpec(cli.values.controlnet_specs);
	const {controls, jsonArgs, args, sim: singleSim, block} = resolveSpec(spec, cli);
	const batchPath = args.batch_input_path;
	// Batch mode: the process-level options (load time) may come from the first sample's prompt
	// marker, so the file is read quietly now; it is logged (and its errors raised) where upstream reads it.
	let batch;
	if (batchPath) {
		try {
			batch = {samples: readBatch(batchPath)};
		} catch (error) {
			if (!(error instanceof PyError)) throw error;
			batch = {error};
		}
	}
	const sim = batch ? simFor(block, batch.samples?.[0]?.prompt) : singleSim;
	const warnings = validateControls(controls, args);
	const controlList = Object.entries(controls);
	const paces = 12 + sim.clips * 6 + controlList.length * 2;
	// Single runs spread `seconds` over the whole run; batch runs spend it per sample.
	const pace = batch ? noPace : pacer(sim.seconds, paces);
	const numGpus = Number(args.num_gpus) || 1;

	for (const w of warnings) warning('parse', w);
	const shownControls = Object.fromEntries(controlList.map(([k, c]) => [k, Object.fromEntries(Object.entries(c).filter(([key]) => key !== 'weight'))]));
	info('parse', `control_inputs: ${pyJsonDumps(shownControls)}`);
	// As transfer.py's parse_arguments: json.dumps(..., indent=4), so the prompt and negative prompt
	// appear verbatim inside multi-line INFO records, early in every mode (issue 8, item 20).
	info('parse', `args in json: ${pyJsonDumps(jsonArgs)}`);
	info('parse', `final args: ${pyJsonDumps(args)}`);
	mkdirSync(args.video_save_folder, {recursive: true});
	await pace();

	if (numGpus > 1) {
		for (let rank = 0; rank < numGpus; rank++) {
			critical('distributed', `${rank > 0 ? `[RANK ${rank}] ` : ''}Initialized distributed training with local rank ${rank} with timeout 1800`);
		}
		info('demo', `Training with ${numGpus} GPUs.`);
		info('pipelineInit', 'Enabling CP in base model');
		info('pipelineInit', 'Enabling CP in hint encoders');
	}
	if (!existsSync(args.checkpoint_dir)) raise(missingCheckpoint(pyJoin(args.checkpoint_dir, 'nvidia/Cosmos-Transfer1-7B/base_model.pt')));
	// The models load once per process: load_seconds is shared out over the control checkpoints.
	const loadShare = (sim.loadSeconds * 1000) / Math.max(1, controlList.length);
	for (const [key, control] of controlList) {
		await pace();
		let ckpt = control.ckpt_path;
		if (!ckpt) {
			ckpt = pyJoin(args.checkpoint_dir, `nvidia/Cosmos-Transfer1-7B/${CHECKPOINT_FILES[key]}`);
			info('ctrl', `Using default checkpoint path: ${ckpt}`);
		}
		info('ctrl', `Loading ctrl model from ckpt_path: ${ckpt}`);
		if (loadShare > 0) await sleep(loadShare);
	}
	if (controlList.length === 0 && loadShare > 0) await sleep(loadShare);

	if (!batch) {
		const videoPath = pyJoin(args.video_save_folder, `${args.video_save_name}.mp4`);
		const promptPath = pyJoin(args.video_save_folder, `${args.video_save_name}.txt`);
		await generate({args, prompt: args.prompt, video: args.input_video_path, controlList, folder: args.video_save_folder, videoPath, promptPath, sim, pace, numGpus, batchSize: args.batch_size, batchMode: false, blocked: false});
		return;
	}

	info('demo', `Reading batch inputs from path: ${batchPath}`);
	if (batch.error) raise(batch.error);
	const {samples} = batch;
	for (const [index, sample] of samples.entries()) {
		const name = `video_${index}`;
		info('demo', `[${index + 1}/${samples.length}] Processing sample ${name}`);
		const folder = pyJoin(args.video_save_folder, name);
		mkdirSync(folder, {recursive: true});
		// copy.deepcopy(control_inputs), then dict.update with this sample's overrides.
		const sampleControls = structuredClone(controls);
		const overrideWarnings = [];
		const overrides = sample.control_overrides;
		if (overrides && typeof overrides === 'object') {
			for (const [key, override] of Object.entries(overrides)) {
				if (Object.hasOwn(sampleControls, key)) {
					if (override && typeof override === 'object') Object.assign(sampleControls[key], override);
				} else {
					overrideWarnings.push(`Ignoring unknown control key in override: ${key}`);
				}
			}
		}
		for (const control of Object.values(sampleControls)) control.weight = weightOf(control.control_weight);
		const sampleList = Object.entries(sampleControls);
		const shown = Object.fromEntries(sampleList.map(([k, c]) => [k, Object.fromEntries(Object.entries(c).filter(([key]) => key !== 'weight'))]));
		info('demo', `sample control_inputs: ${JSON.stringify(shown)}`);
		for (const w of overrideWarnings) warning('demo', w);
		// Per-sample options: the spec's block, else this sample's own prompt marker (over host defaults).
		const sampleSim = simFor(block, sample.prompt);
		await generate({
			args,
			prompt: sample.prompt,
			video: typeof sample.visual_input === 'string' ? sample.visual_input : '',
			controlList: sampleList,
			folder,
			videoPath: pyJoin(folder, 'output.mp4'),
			promptPath: pyJoin(folder, 'prompt.txt'),
			sim: sampleSim,
			pace: pacer(sampleSim.seconds, 6 + sampleSim.clips * 6 + sampleList.length),
			numGpus,
			batchSize: 1,
			batchMode: true,
			blocked: sampleSim.mode === 'guardrail' || sim.failSamples.has(index),
		});
	}
}

/**
 * One sample, from the preprocessor to the saved files (single runs: the whole run after loading).
 * `blocked` (batch mode): the guardrail rejects the generated video; nothing is saved and the
 * process goes on.
 */
async function generate({args, prompt, video, controlList, folder, videoPath, promptPath, sim, pace, numGpus, batchSize, batchMode, blocked}) {
	await pace();
	info('preprocess', 'running preprocessor');
	if (video && !existsSync(video)) raise(missingInput(video));
	for (const [, control] of controlList) {
		if (control.input_control && !existsSync(control.input_control)) raise(missingInput(control.input_control));
	}
	for (const [key, control] of controlList) {
		if (control.input_control || control.weight <= 0 || !PREPROCESSORS[key]) continue;
		await pace();
		if (batchMode && !video) raise(noVisualInput());
		if (key === 'depth') info('preprocessControl', 'Loading Depth Anything model - depth-anything/Depth-Anything-V2-Small-hf');
		info('preprocessControl', `no input_control provided for ${key}. generating input control video with ${PREPROCESSORS[key]}`);
		for (let rank = 0; rank < numGpus; rank++) {
			const target = pyJoin(folder, `${key}_input_control_${rank}.mp4`);
			copyFileSync(video, target);
		}
		control.input_control = pyJoin(folder, `${key}_input_control_0.mp4`);
	}

	const promptArgs = {...args, prompt};
	if (args.upsample_prompt) upsamplePrompt(promptArgs, controlList);
	const finalPrompt = promptArgs.prompt;

	await pace();
	info('generate', `Running batch generation with batch_size=${batchSize}`);
	info('guardrail', 'Running guardrail checks on all prompts');
	if (!batchMode && sim.mode === 'guardrail') {
		for (const line of GUARDRAIL_LINES) critical('guardrail', line);
		raise(guardrailUnpack());
	}
	if (batchMode && typeof finalPrompt !== 'string') raise(noPrompt());
	await pace();
	info('t5', 'Running text embedding on all prompts');
	info('t5', 'Starting T5 compute');
	await pace();
	info('t5', 'Completed T5 compute');
	info('t5', 'Finish text embedding on prompt');
	info('generate', 'Run generation');
	await pace();
	info('augment', 'Starting data augmentation');
	info('augment', 'Completed data augmentation');
	if (sim.mode === 'hostile') hostileBurst();

	const started = Date.now();
	process.stderr.write(tqdmFrame(0, sim.clips, 0));
	for (let clip = 0; clip < sim.clips; clip++) {
		await pace();
		info('clip', 'Starting latent encoding');
		info('clip', 'Completed latent encoding');
		await pace();
		info('clip', 'Starting diffusion sampling');
		if (clip === 0 && sim.mode === 'oom') raise(cudaOom());
		if (clip === 0 && (sim.mode === 'crash' || sim.mode === 'nccl')) {
			process.stderr.write(ncclTimeoutText(rankPrefix));
			fail(-6, `Signal 6 (SIGABRT) received by PID ${process.pid + 1}`);
		}
		if (clip === 0 && sim.mode === 'exit') fail(sim.code);
		if (clip === 0 && sim.mode === 'stall') await sleep(sim.stallSeconds * 1000);
		if (clip === 0 && sim.mode === 'flood') flood(sim.lines);
		if (clip === 0 && sim.mode === 'paced') await paced(sim.lines, sim.rate);
		if (sim.clipSeconds > 0) await sleep(sim.clipSeconds * 1000);
		await pace();
		info('clip', 'Completed diffusion sampling');
		await pace();
		info('clip', 'Starting VAE decode');
		await pace();
		info('clip', 'Completed VAE decode');
		process.stderr.write(tqdmFrame(clip + 1, sim.clips, (Date.now() - started) / 1000));
		await pace();
	}
	process.stderr.write('\n');
	info('generate', 'Finish generation');
	info('generate', 'Run guardrail on generated videos');
	await pace();
	if (blocked) {
		// Batches run one sample at a time here, so the blocked video is always number 1 of its batch.
		const lines = generatedGuardrailLines(0);
		for (const line of lines.slice(0, -1)) critical('videoGuardrail', line);
		critical('batchBlocked', lines.at(-1));
		return;
	}

	const source = video || controlList.map(([, c]) => c.input_control).find(Boolean);
	if (source) copyFileSync(source, videoPath);
	else writeFileSync(videoPath, '');
	writeFileSync(promptPath, String(finalPrompt));
	if (sim.hostileFiles) hostileFiles(folder);
	info('saved', `Saved video to ${videoPath}`);
	info('saved', `Saved prompt to ${promptPath}`);
}

/**
 * --upsample_prompt: Pixtral rewrites the prompt on rank 0 before generation (contract §6). The hint
 * is vis or edge when present, else the first of seg and depth; with none, the prompt stays. The
 * stand-in's "rewrite" is recognisable: the prompt plus a fixed sentence of detail.
 */
function upsamplePrompt(args, controlList) {
	const keys = controlList.map(([key]) => key);
	const hint = keys.includes('vis') || keys.includes('edge') ? 'vis' : keys.find(key => key === 'seg' || key === 'depth');
	if (!hint) {
		warning('upsampler', 'No vis, edge, seg or depth control: the prompt is not upsampled');
		return;
	}
	info('upsampler', `Loading prompt upsampler from checkpoints/nvidia/Cosmos-UpsamplePrompt1-12B-Transfer/${hint === 'vis' ? 'viscontrol' : hint === 'seg' ? 'segmentation' : 'depth'}`);
	args.prompt = `${String(args.prompt).trim()} ${UPSAMPLED_SUFFIX}`;
	info('upsampler', `Upsampled prompt: ${args.prompt}`);
	if (args.offload_prompt_upsampler) info('upsampler', 'Offloading prompt upsampler');
}

await runMain(async () => {
	const parsed = parseLauncher(launcher, process.argv.slice(3));
	script = parsed.script;
	if (parsed.version) {
		process.stdout.write('Python 3.12.3\n');
		return;
	}
	if (basename(parsed.script) !== 'transfer.py' || parsed.module) {
		const shown = parsed.script.startsWith('/') ? parsed.script : `${process.cwd()}/${parsed.script}`;
		process.stderr.write(`${underTorchrun ? '/usr/bin/python' : 'python'}: can't open file '${shown}': [Errno 2] No such file or directory\n`);
		fail(2);
	}
	await transfer(parsed.scriptArgs);
});
