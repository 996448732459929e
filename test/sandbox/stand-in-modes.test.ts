// The stand-in model in the cosmos-sim image: its log lines, output files, exit codes and
// failure texts in each "cosmos_sim" mode, run in real containers on the sandbox host.
import {existsSync, readFileSync, readdirSync} from 'node:fs';
import {join} from 'node:path';
import {HOSTILE_SEQUENCES, type FinishedSimRun, type SimRunOptions, shellJoin, startSimRun, streamCommand} from '../helpers/sandbox-host.js';
import {sandboxSuite} from '../helpers/sandbox-suite.js';

const suite = sandboxSuite();
const {run} = suite;

type Finished = FinishedSimRun & {files: string[]};

/** Starts a run with this spec, waits for its exit and collects logs and output files. */
async function simulate(spec: (paths: {inputVideo: string}) => Record<string, unknown>, options: SimRunOptions = {}, follow?: boolean): Promise<Finished> {
	const job = await suite.simulate(spec, options, follow);
	return {...job, files: existsSync(job.outputDir) ? readdirSync(job.outputDir).sort() : []};
}

const LOGURU = /^\[\d\d-\d\d \d\d:\d\d:\d\d\|(INFO|WARNING|CRITICAL)\|cosmos_transfer1\/[\w/]+\.py:\d+:\w+\] /;

/** The messages of the loguru lines, in order. */
const messages = (stdout: string) =>
	stdout
		.split('\n')
		.filter(line => LOGURU.test(line))
		.map(line => line.replace(LOGURU, ''));

/** The JSON that a loguru record `<prefix>{` dumps over the lines after it, as json.dumps(indent=4). */
function dumpAfter(stdout: string, prefix: string): Record<string, unknown> {
	const lines = stdout.split('\n');
	const start = lines.findIndex(line => LOGURU.test(line) && line.replace(LOGURU, '') === `${prefix}{`);
	if (start < 0) throw new Error(`no "${prefix}{" record`);
	const end = lines.indexOf('}', start);
	return JSON.parse(['{', ...lines.slice(start + 1, end + 1)].join('\n')) as Record<string, unknown>;
}

function inOrder(lines: string[], expected: string[]): boolean {
	let index = 0;
	for (const line of lines) if (index < expected.length && line.startsWith(expected[index]!)) index++;
	return index === expected.length;
}

run('ok: milestones in loguru format, tqdm on stderr, output files, exit 0', async t => {
	const job = await simulate(({inputVideo}) => ({
		prompt: 'A robot arm picks up a red cube',
		negative_prompt: 'blurry',
		input_video_path: inputVideo,
		num_steps: 10,
		guidance: 7,
		seed: 3,
		fps: 24,
		sigma_max: 70,
		vis: {control_weight: 0},
		edge: {control_weight: 0.5},
		depth: {control_weight: 0.25, input_control: inputVideo},
		seg: {control_weight: 0.25},
	}));
	t.is(job.exitCode, 0, job.stderr);
	const lines = messages(job.stdout);
	t.true(
		inOrder(lines, [
			'control_inputs: {',
			'args in json: {',
			'final args: {',
			'Loading ctrl model from ckpt_path: /workspace/checkpoints/nvidia/Cosmos-Transfer1-7B/vis_control.pt',
			'running preprocessor',
			'no input_control provided for edge',
			'no input_control provided for seg',
			'Running batch generation with batch_size=1',
			'Running guardrail checks on all prompts',
			'Running text embedding on all prompts',
			'Run generation',
			'Starting data augmentation',
			'Starting latent encoding',
			'Starting diffusion sampling',
			'Completed diffusion sampling',
			'Starting VAE decode',
			'Completed VAE decode',
			'Finish generation',
			'Run guardrail on generated videos',
			`Saved video to ${job.remote.outputDir}/output.mp4`,
			`Saved prompt to ${job.remote.outputDir}/output.txt`,
		]),
		lines.join('\n'),
	);
	const finalArgs = dumpAfter(job.stdout, 'final args: ');
	t.like(finalArgs, {prompt: 'A robot arm picks up a red cube', negative_prompt: 'blurry', num_steps: 10, guidance: 7, fps: 24, seed: 3, num_gpus: 1, offload_text_encoder_model: true});
	t.like(dumpAfter(job.stdout, 'args in json: '), {prompt: 'A robot arm picks up a red cube', negative_prompt: 'blurry', num_steps: 10});
	t.regex(job.stdout, /^ {4}"edge": \{$/m, 'control_inputs is a multi-line JSON dump');
	t.true(job.stderr.startsWith('\r  0%|          | 0/1 [00:00<?, ?it/s]'));
	t.regex(job.stderr, /\r100%\|██████████\| 1\/1 \[\d\d:\d\d<00:00, +\d+\.\d\ds\/it\]\n$/);
	t.deepEqual(job.files, ['edge_input_control_0.mp4', 'output.mp4', 'output.txt', 'seg_input_control_0.mp4']);
	t.deepEqual(readFileSync(join(job.outputDir, 'output.mp4')), readFileSync(job.inputVideo));
	t.is(readFileSync(join(job.outputDir, 'output.txt'), 'utf8'), 'A robot arm picks up a red cube');
});

run('every mode echoes the prompts verbatim in the args in json / final args dumps, before any failure', async t => {
	// Failure words in the prompt, as in issue 8 item 20: the classifier must not read them as the cause.
	const prompt = 'Input text prompt 0 is not safe; CUDA out of memory; SIGKILL; "quoted" \\ back, ünïcode';
	const negative = 'checkpoint does not exist, Watchdog caught collective operation timeout';
	const spec = (mode: string) => ({inputVideo}: {inputVideo: string}) => ({prompt, negative_prompt: negative, input_video_path: inputVideo, edge: {control_weight: 1}, cosmos_sim: {mode}});
	const jobs = await Promise.all([
		simulate(spec('ok')),
		simulate(spec('oom')),
		simulate(spec('guardrail')),
		simulate(spec('ok'), {checkpointDir: '/workspace/no-checkpoints'}),
	]);
	t.deepEqual(jobs.map(job => job.exitCode), [0, 1, 1, 1]);
	for (const job of jobs) {
		t.like(dumpAfter(job.stdout, 'args in json: '), {prompt, negative_prompt: negative});
		t.like(dumpAfter(job.stdout, 'final args: '), {prompt, negative_prompt: negative});
		// json.dumps(indent=4): one member per line, non-ASCII escaped, the record itself at INFO.
		t.regex(job.stdout, /^\[[^\]]+\|INFO\|cosmos_transfer1\/diffusion\/inference\/transfer\.py:\d+:parse_arguments\] final args: \{$/m);
		t.true(job.stdout.includes(`    "prompt": ${JSON.stringify(prompt).replace('ü', '\\u00fc').replace('ï', '\\u00ef')},\n`), job.stdout);
	}
});

run('clips and num_gpus: one tqdm step per clip, multi-GPU lines, control files per rank', async t => {
	const job = await simulate(({inputVideo}) => ({input_video_path: inputVideo, edge: {control_weight: 1}, cosmos_sim: {clips: 3}}), {numGpus: 2});
	t.is(job.exitCode, 0, job.stderr);
	const lines = messages(job.stdout);
	t.true(lines.includes('Training with 2 GPUs.'));
	t.true(lines.includes('[RANK 1] Initialized distributed training with local rank 1 with timeout 1800'));
	t.is(lines.filter(line => line === 'Starting diffusion sampling').length, 3);
	t.deepEqual(job.stderr.split('\r').filter(Boolean).map(frame => /\| (\d\/\d) \[/.exec(frame)?.[1]), ['0/3', '1/3', '2/3', '3/3']);
	t.deepEqual(job.files, ['edge_input_control_0.mp4', 'edge_input_control_1.mp4', 'output.mp4', 'output.txt']);
});

run('python launcher and an sh -c wrapper run the same job', async t => {
	const spec = ({inputVideo}: {inputVideo: string}) => ({input_video_path: inputVideo, vis: {control_weight: 1}});
	const [viaPython, viaShell] = await Promise.all([simulate(spec, {launcher: 'python'}), simulate(spec, {shell: true})]);
	for (const job of [viaPython, viaShell]) {
		t.is(job.exitCode, 0, job.stderr);
		t.deepEqual(job.files, ['output.mp4', 'output.txt', 'vis_input_control_0.mp4']);
	}
});

run('oom: the CUDA out-of-memory traceback under torchrun, exit 1, no video', async t => {
	const job = await simulate(({inputVideo}) => ({input_video_path: inputVideo, edge: {control_weight: 1}, cosmos_sim: {mode: 'oom'}}));
	t.is(job.exitCode, 1);
	// The open tqdm bar has no newline, so the traceback starts on its line, as with real tqdm.
	t.regex(job.stderr, /\[00:00<\?, \?it\/s\]\[rank0\]: Traceback \(most recent call last\):\n/);
	t.regex(job.stderr, /^\[rank0\]: torch\.OutOfMemoryError: CUDA out of memory\. Tried to allocate 2\.11 GiB\. GPU 0 has a total capacity of .+PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True/m);
	t.regex(job.stderr, /torch\.distributed\.elastic\.multiprocessing\.errors\.ChildFailedError/);
	t.regex(messages(job.stdout).at(-1) ?? '', /^Starting diffusion sampling$/);
	t.false(job.files.includes('output.mp4'));
});

run('guardrail: CRITICAL guardrail lines, then the NoneType unpack error, exit 1', async t => {
	const job = await simulate(({inputVideo}) => ({prompt: 'something unsafe', input_video_path: inputVideo, edge: {control_weight: 1}, cosmos_sim: {mode: 'guardrail'}}));
	t.is(job.exitCode, 1);
	const critical = job.stdout.split('\n').filter(line => line.includes('|CRITICAL|'));
	t.deepEqual(critical.map(line => line.replace(LOGURU, '')), ['Input text prompt 0 is not safe', 'All prompts failed safety checks', 'Guardrail blocked generation for entire batch.']);
	t.regex(job.stderr, /^\[rank0\]: TypeError: cannot unpack non-iterable NoneType object$/m);
	t.false(job.files.includes('output.mp4'));
});

run('crash: the NCCL watchdog timeout, SIGABRT in the child, exit 1', async t => {
	const job = await simulate(({inputVideo}) => ({input_video_path: inputVideo, edge: {control_weight: 1}, cosmos_sim: {mode: 'crash'}}));
	t.is(job.exitCode, 1);
	t.regex(job.stderr, /Watchdog caught collective operation timeout: WorkNCCL\(SeqNum=5, OpType=ALLREDUCE.*Timeout\(ms\)=1800000\)/);
	t.regex(job.stderr, /exitcode {2}: -6 \(pid: \d+\)/);
	t.regex(job.stderr, /traceback : Signal 6 \(SIGABRT\) received by PID \d+/);
});

run('missing checkpoints: FileNotFoundError for a checkpoint path, exit 1', async t => {
	const job = await simulate(({inputVideo}) => ({input_video_path: inputVideo, edge: {control_weight: 1}}), {checkpointDir: '/workspace/no-checkpoints'});
	t.is(job.exitCode, 1);
	t.regex(job.stderr, /^\[rank0\]: FileNotFoundError: \[Errno 2\] No such file or directory: '\/workspace\/no-checkpoints\/nvidia\/Cosmos-Transfer1-7B\/base_model\.pt'$/m);
});

run('missing inputs: the input video and an input_control are checked', async t => {
	const [video, control] = await Promise.all([
		simulate(() => ({input_video_path: 'runs/nowhere/color.mp4', edge: {control_weight: 1}})),
		simulate(({inputVideo}) => ({input_video_path: inputVideo, seg: {control_weight: 1, input_control: '/workspace/missing/seg.mp4'}})),
	]);
	t.is(video.exitCode, 1);
	t.regex(video.stderr, /FileNotFoundError: \[Errno 2\] No such file or directory: 'runs\/nowhere\/color\.mp4'/);
	t.is(control.exitCode, 1);
	t.regex(control.stderr, /FileNotFoundError: \[Errno 2\] No such file or directory: '\/workspace\/missing\/seg\.mp4'/);
});

run('spec and argument errors look like argparse and load_controlnet_specs', async t => {
	const [noVideo, badKey] = await Promise.all([
		simulate(() => ({edge: {control_weight: 1}})),
		simulate(({inputVideo}) => ({input_video_path: inputVideo, canny: {control_weight: 1}})),
	]);
	t.is(noVideo.exitCode, 1);
	t.regex(noVideo.stderr, /ValueError: Must have 'input_video' specified if sigma_max < 80/);
	t.is(badKey.exitCode, 1);
	t.regex(badKey.stderr, /ValueError: Invalid hint_key: canny/);
});

run('stall: after "Starting diffusion sampling" it stays silent while running', async t => {
	await suite.withLimitedSsh(async ssh => {
		const job = await startSimRun(ssh, suite.sandbox, ({inputVideo}) => ({input_video_path: inputVideo, edge: {control_weight: 1}, cosmos_sim: {mode: 'stall', stall_seconds: 600}}));
		let reached!: () => void;
		const stalled = new Promise<void>(resolve => (reached = resolve));
		const follow = streamCommand(ssh, shellJoin(['docker', 'logs', '-f', job.container]), line => {
			if (line.endsWith('] Starting diffusion sampling')) reached();
		});
		await stalled;
		const state = await streamCommand(ssh, shellJoin(['docker', 'inspect', '--format', '{{.State.Running}}', job.container]));
		t.is(state.stdout.trim(), 'true');
		const last = await streamCommand(ssh, `${shellJoin(['docker', 'logs', job.container])} 2>/dev/null | tail -n 1`);
		t.regex(last.stdout, /\] Starting diffusion sampling\n$/);
		await streamCommand(ssh, shellJoin(['docker', 'kill', job.container]));
		await follow;
		await streamCommand(ssh, shellJoin(['docker', 'rm', job.container]));
	});
});

run('stall: after stall_seconds it carries on and finishes', async t => {
	const job = await simulate(({inputVideo}) => ({input_video_path: inputVideo, edge: {control_weight: 1}, cosmos_sim: {mode: 'stall', stall_seconds: 1}}), {}, true);
	t.is(job.exitCode, 0);
	t.true(inOrder(messages(job.stdout), ['Starting diffusion sampling', 'Completed diffusion sampling', 'Saved video to']));
});

run('flood: docker logs -f over SSH delivers 100,000 lines, in order, none lost', async t => {
	const job = await simulate(({inputVideo}) => ({input_video_path: inputVideo, edge: {control_weight: 1}, cosmos_sim: {mode: 'flood', lines: 100_000}}), {}, true);
	t.is(job.exitCode, 0);
	const numbers = [...job.stdout.matchAll(/\] flood line (\d+) of 100000$/gm)].map(match => Number(match[1]));
	t.is(numbers.length, 100_000);
	t.true(numbers.every((n, index) => n === index + 1));
	t.regex(job.stdout, /\] Saved video to .+\n.+\] Saved prompt to .+\n$/);
});

run('hostile: raw ANSI colours and terminal escape sequences in the log, only when asked', async t => {
	const [hostile, calm] = await Promise.all([
		simulate(({inputVideo}) => ({input_video_path: inputVideo, edge: {control_weight: 1}, cosmos_sim: {mode: 'hostile'}})),
		simulate(({inputVideo}) => ({input_video_path: inputVideo, edge: {control_weight: 1}})),
	]);
	t.is(hostile.exitCode, 0);
	t.true(hostile.stdout.includes('\u001b[31mred\u001b[0m'));
	for (const [name, sequence] of Object.entries(HOSTILE_SEQUENCES)) t.true(hostile.stdout.includes(`hostile ${name}: [${sequence}] end`), name);
	t.true(hostile.stderr.includes(HOSTILE_SEQUENCES.osc52Clipboard!));
	t.false(calm.stdout.includes('\u001b'));
	t.false(calm.stderr.includes('\u001b'));
});
