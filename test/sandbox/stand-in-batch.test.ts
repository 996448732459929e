// The stand-in model in batch mode (--batch_input_path, contract section 2): one process, the
// models loaded once, then one video_<i>/ folder per JSONL line; plus the simulated load and clip
// times (cosmos_sim load_seconds / clip_seconds) in both modes. Real containers on the sandbox host.
import {chownSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync} from 'node:fs';
import {randomBytes} from 'node:crypto';
import {join} from 'node:path';
import {shellJoin, startSimRun, streamCommand} from '../helpers/sandbox-host.js';
import {sandboxSuite} from '../helpers/sandbox-suite.js';

const suite = sandboxSuite();
const {run, simulate} = suite;

type Paths = {inputVideo: string; runDir: string};
type Sample = {visual_input?: string; prompt?: string; control_overrides?: Record<string, Record<string, unknown>>};

/**
 * Writes a file (as the login user) into the run folder, from inside startSimRun's spec callback,
 * and returns its path as the container sees it.
 */
function writeRunFile(paths: Paths, name: string, content: string | Buffer): string {
	const host = join(suite.sandbox.remoteDir, paths.runDir, name);
	writeFileSync(host, content);
	const owner = statSync(suite.sandbox.remoteDir);
	chownSync(host, owner.uid, owner.gid);
	return `${paths.runDir}/${name}`;
}

/** A distinct fake video per name, so output.mp4 shows which visual_input a sample used. */
const fakeVideo = (paths: Paths, name: string) => writeRunFile(paths, `inputs/${name}`, Buffer.concat([Buffer.from('\0\0\0\x18ftypmp42'), randomBytes(512)]));

/** The JSONL file; `null` entries become blank lines (which must be skipped). */
const writeBatch = (paths: Paths, lines: Array<Sample | null>) => writeRunFile(paths, 'batch.jsonl', lines.map(line => (line ? JSON.stringify(line) : '')).join('\n') + '\n');

/** A batch run's spec: one sample per prompt, each on the run's input video; an edge control; then `more`. */
const batchSpec = (paths: Paths, prompts: string[], more: Record<string, unknown> = {}) => ({
	input_video_path: paths.inputVideo,
	batch_input_path: writeBatch(paths, prompts.map(prompt => ({visual_input: paths.inputVideo, prompt}))),
	edge: {control_weight: 0.5, input_control: paths.inputVideo},
	...more,
});

const LOGURU = /^\[(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\|(INFO|WARNING|CRITICAL)\|cosmos_transfer1\/[\w/]+\.py:\d+:\w+\] /;
type Record_ = {level: string; message: string; second: number};

/** The loguru records: level, message and the container clock in seconds of the day. */
const records = (stdout: string): Record_[] =>
	stdout.split('\n').flatMap(line => {
		const m = LOGURU.exec(line);
		return m ? [{level: m[6]!, message: line.replace(LOGURU, ''), second: Number(m[3]) * 3600 + Number(m[4]) * 60 + Number(m[5])}] : [];
	});
const messages = (stdout: string) => records(stdout).map(r => r.message);

/** Seconds from a to b on the container clock (across midnight too). */
const elapsed = (a: Record_, b: Record_) => (b.second - a.second + 86_400) % 86_400;

const MARKER = /^\[(\d+)\/(\d+)\] Processing sample video_(\d+)$/;

/** The messages before the first marker, then the messages of each sample (from its marker on). */
function split(lines: string[]): {head: string[]; samples: string[][]} {
	const head: string[] = [];
	const samples: string[][] = [];
	for (const line of lines) {
		if (MARKER.test(line)) samples.push([line]);
		else if (samples.length > 0) samples.at(-1)!.push(line);
		else head.push(line);
	}
	return {head, samples};
}

/** The JSON of a sample's `sample control_inputs: ...` line. */
function sampleControls(lines: string[]): Record<string, {control_weight?: unknown; input_control?: unknown}> {
	const line = lines.find(l => l.startsWith('sample control_inputs: '));
	if (!line) throw new Error(`no sample control_inputs line in ${lines.join('\n')}`);
	return JSON.parse(line.slice('sample control_inputs: '.length)) as Record<string, {control_weight?: unknown; input_control?: unknown}>;
}

function inOrder(lines: string[], expected: string[]): boolean {
	let index = 0;
	for (const line of lines) if (index < expected.length && line.startsWith(expected[index]!)) index++;
	return index === expected.length;
}

const listing = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);
const hostPath = (containerPath: string) => join(suite.sandbox.remoteDir, containerPath);

/** What every sample logs from its marker to its saved files, in order. */
const SAMPLE_MILESTONES = [
	'sample control_inputs: ',
	'running preprocessor',
	'Running batch generation with batch_size=1',
	'Running guardrail checks on all prompts',
	'Running text embedding on all prompts',
	'Starting T5 compute',
	'Completed T5 compute',
	'Run generation',
	'Starting data augmentation',
	'Starting latent encoding',
	'Starting diffusion sampling',
	'Completed diffusion sampling',
	'Completed VAE decode',
	'Finish generation',
	'Run guardrail on generated videos',
];

run('batch: three samples, models loaded once, video_<i>/ with each prompt, video and weights', async t => {
	const visual: string[] = [];
	let depthOverride = '';
	const prompts = ['A robot arm picks up a red cube', 'A forklift in a warehouse at night', 'Rain on a "quoted" street, ünïcode'];
	const job = await simulate(paths => {
		visual.push(fakeVideo(paths, 'a.mp4'), fakeVideo(paths, 'b.mp4'), fakeVideo(paths, 'c.mp4'));
		depthOverride = fakeVideo(paths, 'depth-b.mp4');
		const batch = writeBatch(paths, [
			{visual_input: visual[0], prompt: prompts[0], control_overrides: {vis: {control_weight: 0.3}}},
			{visual_input: visual[1], prompt: prompts[1], control_overrides: {edge: {control_weight: 0.7}, depth: {input_control: depthOverride, control_weight: 0.5}}},
			null,
			{visual_input: visual[2], prompt: prompts[2], control_overrides: {vis: {control_weight: 0}}},
		]);
		// batch_input_path as a spec key: any argparse dest may be set there (contract section 2).
		return {
			prompt: 'the spec prompt, not used in batch mode',
			input_video_path: paths.inputVideo,
			video_save_name: 'ignored',
			batch_input_path: batch,
			vis: {control_weight: 0.9},
			edge: {control_weight: 0.1},
			depth: {control_weight: 0.2, input_control: paths.inputVideo},
		};
	});
	t.is(job.exitCode, 0, job.stderr);
	const lines = messages(job.stdout);
	const {head, samples} = split(lines);

	// The models load once, before the first sample; the batch file is read once.
	const loading = lines.filter(line => line.startsWith('Loading ctrl model from ckpt_path: '));
	t.deepEqual(loading, ['vis_control.pt', 'edge_control.pt', 'depth_control.pt'].map(file => `Loading ctrl model from ckpt_path: /workspace/checkpoints/nvidia/Cosmos-Transfer1-7B/${file}`));
	t.is(head.filter(line => line.startsWith('Loading ctrl model')).length, 3, 'all loading lines come before the first sample');
	t.deepEqual(lines.filter(line => line.startsWith('Reading batch inputs from path: ')), [`Reading batch inputs from path: ${job.remote.runDir}/batch.jsonl`]);

	// The markers, in order; the blank line is no sample.
	t.deepEqual(samples.map(sample => sample[0]), ['[1/3] Processing sample video_0', '[2/3] Processing sample video_1', '[3/3] Processing sample video_2']);
	for (const [index, sample] of samples.entries()) {
		const folder = `${job.remote.outputDir}/video_${index}`;
		t.true(inOrder(sample, [...SAMPLE_MILESTONES, `Saved video to ${folder}/output.mp4`, `Saved prompt to ${folder}/prompt.txt`]), sample.join('\n'));
		t.is(sample.filter(line => line === 'Starting diffusion sampling').length, 1);
	}

	// Each sample's own controls: the spec's, updated with that line's overrides.
	const controls = samples.map(sampleControls);
	t.deepEqual(
		controls.map(c => [c.vis?.control_weight, c.edge?.control_weight, c.depth?.control_weight]),
		[
			[0.3, 0.1, 0.2],
			[0.9, 0.7, 0.5],
			[0, 0.1, 0.2],
		],
	);
	t.deepEqual(controls.map(c => c.depth?.input_control), [job.remote.inputVideo, depthOverride, job.remote.inputVideo]);
	// The overrides change what is preprocessed: sample 2 has vis at weight 0, so no vis control video.
	t.deepEqual(samples.map(sample => sample.filter(line => line.startsWith('no input_control provided for ')).map(line => line.split(' ')[4])), [['vis.', 'edge.'], ['vis.', 'edge.'], ['edge.']]);

	// Output files: video_<i>/ only (video_save_name ignored), each with its prompt and its visual_input.
	t.deepEqual(listing(job.outputDir), ['video_0', 'video_1', 'video_2']);
	t.deepEqual(listing(join(job.outputDir, 'video_0')), ['edge_input_control_0.mp4', 'output.mp4', 'prompt.txt', 'vis_input_control_0.mp4']);
	t.deepEqual(listing(join(job.outputDir, 'video_2')), ['edge_input_control_0.mp4', 'output.mp4', 'prompt.txt']);
	for (const [index, prompt] of prompts.entries()) {
		t.is(readFileSync(join(job.outputDir, `video_${index}`, 'prompt.txt'), 'utf8'), prompt);
		t.deepEqual(readFileSync(join(job.outputDir, `video_${index}`, 'output.mp4')), readFileSync(hostPath(visual[index]!)));
	}
	// One tqdm bar per sample on stderr.
	t.is(job.stderr.split('0/1 [00:00<?, ?it/s]').length - 1, 3);
});

run('batch: fail_sample=1 blocks exactly that video, the batch goes on and exits 0', async t => {
	const job = await simulate(paths => batchSpec(paths, ['zero', 'one', 'two'], {cosmos_sim: {fail_sample: 1}}));
	t.is(job.exitCode, 0, job.stderr);
	const {samples} = split(messages(job.stdout));
	t.is(samples.length, 3);
	const critical = records(job.stdout).filter(r => r.level === 'CRITICAL').map(r => r.message);
	t.deepEqual(critical, ['Generated video 1 is not safe', 'All generated videos failed safety checks', 'Guardrail blocked generation for entire batch.']);
	// The block comes in sample 1, after its generation and before anything is saved for it.
	t.true(inOrder(samples[1]!, ['Finish generation', 'Run guardrail on generated videos', 'Generated video 1 is not safe', 'Guardrail blocked generation for entire batch.']));
	t.false(samples[1]!.some(line => line.startsWith('Saved ')));
	t.false(job.stderr.includes('Traceback'));
	for (const index of [0, 2]) t.deepEqual(listing(join(job.outputDir, `video_${index}`)), ['output.mp4', 'prompt.txt'], `video_${index}`);
	t.false(existsSync(join(job.outputDir, 'video_1', 'output.mp4')));
	t.false(existsSync(join(job.outputDir, 'video_1', 'prompt.txt')));
	t.is(readFileSync(join(job.outputDir, 'video_2', 'prompt.txt'), 'utf8'), 'two');
});

run('batch on the command line: unknown override key, null input_control, a prompt marker guardrail, 2 GPUs', async t => {
	// The file's container path must be known before startSimRun names the run folder: it goes in remoteDir.
	const batchName = `batch-${randomBytes(4).toString('hex')}.jsonl`;
	const job = await simulate(
		paths => {
			writeFileSync(
				join(suite.sandbox.remoteDir, batchName),
				[
					{visual_input: paths.inputVideo, prompt: 'fine', control_overrides: {canny: {control_weight: 1}, seg: {input_control: null}}},
					{visual_input: paths.inputVideo, prompt: 'blocked [cosmos-sim mode=guardrail]'},
					{visual_input: paths.inputVideo, prompt: 'after the block'},
				]
					.map(line => JSON.stringify(line))
					.join('\n'),
			);
			return {input_video_path: paths.inputVideo, seg: {control_weight: 0.4, input_control: paths.inputVideo}, edge: {control_weight: 0.5, input_control: paths.inputVideo}};
		},
		{numGpus: 2, extraArgs: ['--batch_input_path', batchName]},
	);
	t.is(job.exitCode, 0, job.stderr);
	const all = records(job.stdout);
	const {samples} = split(all.map(r => r.message));
	t.deepEqual(samples.map(sample => sample[0]), ['[1/3] Processing sample video_0', '[2/3] Processing sample video_1', '[3/3] Processing sample video_2']);
	t.deepEqual(
		all.filter(r => r.level === 'WARNING').map(r => r.message),
		['Ignoring unknown control key in override: canny'],
	);
	t.true(samples[0]!.includes('Ignoring unknown control key in override: canny'));

	// input_control: null in an override: generated for that sample only, into its folder, per rank.
	t.is(sampleControls(samples[0]!).seg?.input_control, null);
	t.is(sampleControls(samples[1]!).seg?.input_control, job.remote.inputVideo);
	t.true(samples[0]!.some(line => line.startsWith('no input_control provided for seg.')));
	t.false(samples[1]!.some(line => line.startsWith('no input_control provided for')));
	t.deepEqual(listing(join(job.outputDir, 'video_0')), ['output.mp4', 'prompt.txt', 'seg_input_control_0.mp4', 'seg_input_control_1.mp4']);

	// The sample whose own marker says guardrail is blocked; the others are saved.
	t.deepEqual(all.filter(r => r.level === 'CRITICAL' && !r.message.includes('Initialized distributed')).map(r => r.message), ['Generated video 1 is not safe', 'All generated videos failed safety checks', 'Guardrail blocked generation for entire batch.']);
	t.true(samples[1]!.includes('Generated video 1 is not safe'));
	t.deepEqual(listing(join(job.outputDir, 'video_1')), []);
	t.deepEqual(listing(join(job.outputDir, 'video_2')), ['output.mp4', 'prompt.txt']);
	t.is(readFileSync(join(job.outputDir, 'video_2', 'prompt.txt'), 'utf8'), 'after the block');
});

run('batch: an oom in one sample ends the whole process there, under torchrun', async t => {
	const job = await simulate(paths => batchSpec(paths, ['fine', 'too big [cosmos-sim oom]', 'never reached']));
	t.is(job.exitCode, 1);
	t.regex(job.stderr, /^\[rank0\]: torch\.OutOfMemoryError: CUDA out of memory\./m);
	const {samples} = split(messages(job.stdout));
	t.deepEqual(samples.map(sample => sample[0]), ['[1/3] Processing sample video_0', '[2/3] Processing sample video_1']);
	t.is(samples[1]!.at(-1), 'Starting diffusion sampling');
	t.deepEqual(listing(job.outputDir), ['video_0', 'video_1']);
	t.deepEqual(listing(join(job.outputDir, 'video_0')), ['output.mp4', 'prompt.txt']);
	t.deepEqual(listing(join(job.outputDir, 'video_1')), []);
});

run('load_seconds once per process, clip_seconds per clip: batch (from the prompt markers) and single run', async t => {
	const [batch, single] = await Promise.all([
		simulate(paths =>
			// Process-level options come from the first sample's marker; clip_seconds from each sample's own.
			batchSpec(paths, ['first [cosmos-sim load_seconds=4 clip_seconds=2]', 'second [cosmos-sim clip_seconds=2]'], {vis: {control_weight: 0.5, input_control: paths.inputVideo}}),
		),
		simulate(paths => ({input_video_path: paths.inputVideo, edge: {control_weight: 0.5, input_control: paths.inputVideo}, cosmos_sim: {load_seconds: 4, clip_seconds: 2}})),
	]);
	t.is(batch.exitCode, 0, batch.stderr);
	t.is(single.exitCode, 0, single.stderr);
	// Timestamps have whole seconds, so each bound allows one second of rounding.
	const find = (rs: Record_[], prefix: string, from = 0) => {
		const index = rs.findIndex((r, i) => i >= from && r.message.startsWith(prefix));
		if (index < 0) throw new Error(`no "${prefix}" record`);
		return index;
	};
	const b = records(batch.stdout);
	const firstLoad = find(b, 'Loading ctrl model');
	const first = find(b, '[1/2] Processing sample');
	const second = find(b, '[2/2] Processing sample');
	t.true(elapsed(b[firstLoad]!, b[first]!) >= 3, 'load_seconds spent before the first sample');
	for (const from of [first, second]) {
		const start = find(b, 'Starting diffusion sampling', from);
		t.true(elapsed(b[start]!, b[find(b, 'Completed diffusion sampling', start)]!) >= 1, 'clip_seconds spent in each sample');
	}
	// Not loaded again: the second sample starts about one clip (2 s) after the first, not 4 s more.
	t.true(elapsed(b[first]!, b[second]!) <= 3, `second sample after ${elapsed(b[first]!, b[second]!)} s`);
	t.is(b.filter(r => r.message.startsWith('Loading ctrl model')).length, 2);

	const s = records(single.stdout);
	const load = find(s, 'Loading ctrl model');
	t.true(elapsed(s[load]!, s[find(s, 'running preprocessor')]!) >= 3, 'load_seconds before the preprocessor');
	const start = find(s, 'Starting diffusion sampling');
	t.true(elapsed(s[start]!, s[find(s, 'Completed diffusion sampling')]!) >= 1, 'clip_seconds in the clip');
	t.deepEqual(listing(single.outputDir), ['output.mp4', 'output.txt']);
});

run('batch: SIGTERM in the middle of a batch exits 143, as a single run does', async t => {
	await suite.withLimitedSsh(async ssh => {
		const job = await startSimRun(ssh, suite.sandbox, paths => batchSpec(paths, ['quick', 'slow [cosmos-sim clip_seconds=600]']));
		let reached!: () => void;
		const inSecond = new Promise<void>(resolve => (reached = resolve));
		let sample = 0;
		const follow = streamCommand(ssh, shellJoin(['docker', 'logs', '-f', job.container]), line => {
			if (MARKER.test(line.replace(LOGURU, ''))) sample++;
			if (sample === 2 && line.endsWith('] Starting diffusion sampling')) reached();
		});
		await inSecond;
		await streamCommand(ssh, shellJoin(['docker', 'kill', '--signal', 'TERM', job.container]));
		const waited = await streamCommand(ssh, shellJoin(['docker', 'wait', job.container]));
		const logs = await follow;
		await streamCommand(ssh, shellJoin(['docker', 'rm', job.container]));
		t.is(Number(waited.stdout.trim()), 143);
		t.regex(logs.stderr, /Received Signals\.SIGTERM death signal, shutting down workers/);
		t.deepEqual(listing(join(job.outputDir, 'video_0')), ['output.mp4', 'prompt.txt']);
		t.deepEqual(listing(join(job.outputDir, 'video_1')), []);
	});
});
