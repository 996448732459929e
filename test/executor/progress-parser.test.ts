import test from 'ava';
import type {Stage} from '../../source/domain/model.js';
import {
	createParserState,
	parseLoguru,
	parseProgress,
	type ProgressUpdate,
	STAGE_SPANS,
	stripRankPrefix,
} from '../../source/executor/progress-parser.js';

const info = (time: string, where: string, message: string): string =>
	`[06-24 ${time}|INFO|cosmos_transfer1/${where}] ${message}`;

/** A two-GPU, three-clip Transfer1 run as the log tailer would see it (contract §4). */
const RUN_LOG: readonly string[] = [
	'W0624 20:53:58.000000 1 torch/distributed/run.py:793] Setting OMP_NUM_THREADS environment variable for each process to be 1',
	info('20:54:04', 'diffusion/inference/transfer.py:163:parse_arguments', 'control_inputs: {'),
	'    "edge": {',
	'        "control_weight": 0.5',
	'    },',
	'}',
	info('20:54:04', 'diffusion/inference/transfer.py:170:parse_arguments', "args in json: {'prompt': 'Starting diffusion sampling of a sunny street'}"),
	info('20:54:04', 'diffusion/inference/transfer.py:171:parse_arguments', "final args: {'prompt': 'Saved video to nowhere'}"),
	'[06-24 20:54:05|CRITICAL|cosmos_transfer1/utils/distributed.py:50:init] Initialized distributed training with local rank 0 with timeout 1800',
	'[06-24 20:54:05|CRITICAL|cosmos_transfer1/utils/distributed.py:50:init] [RANK 1] Initialized distributed training with local rank 1 with timeout 1800',
	info('20:54:05', 'diffusion/inference/transfer.py:260:demo', 'Training with 2 GPUs.'),
	info('20:54:40', 'diffusion/inference/world_generation_pipeline.py:200:_load_model', 'Loading ctrl model from ckpt_path: checkpoints/nvidia/Cosmos-Transfer1-7B/edge_control.pt'),
	info('20:55:10', 'diffusion/inference/world_generation_pipeline.py:210:_load_model', 'Enabling CP in base model'),
	'Loading checkpoint shards: 100%|██████████| 4/4 [00:12<00:00,  3.01s/it]',
	info('20:55:30', 'diffusion/inference/preprocessors.py:60:__call__', 'running preprocessor'),
	info('20:55:30', 'diffusion/inference/preprocessors.py:80:__call__', 'no input_control provided for edge. generating input control video with canny'),
	'propagate in video: 100%|██████████| 121/121 [00:30<00:00,  4.00it/s]',
	info('20:56:00', 'diffusion/inference/transfer.py:300:demo', 'Running batch generation with batch_size=1'),
	info('20:56:01', 'diffusion/inference/world_generation_pipeline.py:700:generate', 'Running guardrail checks on all prompts'),
	'Loading checkpoint shards: 100%|██████████| 4/4 [00:20<00:00,  5.00s/it]',
	info('20:56:30', 'diffusion/inference/world_generation_pipeline.py:710:generate', 'Running text embedding on all prompts'),
	info('20:56:30', 'utils/t5_text_encoder.py:90:encode', 'Starting T5 compute'),
	info('20:56:40', 'utils/t5_text_encoder.py:95:encode', 'Completed T5 compute'),
	info('20:56:40', 'diffusion/inference/world_generation_pipeline.py:720:generate', 'Finish text embedding on prompt'),
	info('20:56:40', 'diffusion/inference/world_generation_pipeline.py:730:generate', 'Run generation'),
	info('20:56:41', 'diffusion/inference/inference_utils.py:900:generate_world', 'Starting data augmentation'),
	info('20:56:42', 'diffusion/inference/inference_utils.py:910:generate_world', 'Completed data augmentation'),
	'  0%|          | 0/3 [00:00<?, ?it/s]',
	info('20:56:42', 'diffusion/inference/inference_utils.py:920:generate_world', 'Starting latent encoding'),
	info('20:56:43', 'diffusion/inference/inference_utils.py:925:generate_world', 'Completed latent encoding'),
	info('20:56:43', 'diffusion/inference/inference_utils.py:930:generate_world', 'Starting diffusion sampling'),
	info('21:01:43', 'diffusion/inference/inference_utils.py:935:generate_world', 'Completed diffusion sampling'),
	info('21:01:43', 'diffusion/inference/inference_utils.py:940:generate_world', 'Starting VAE decode'),
	info('21:01:50', 'diffusion/inference/inference_utils.py:945:generate_world', 'Completed VAE decode'),
	' 33%|███▎      | 1/3 [05:08<10:16, 308.00s/it]',
	info('21:01:50', 'diffusion/inference/inference_utils.py:920:generate_world', 'Starting latent encoding'),
	info('21:01:51', 'diffusion/inference/inference_utils.py:930:generate_world', 'Starting diffusion sampling'),
	info('21:06:51', 'diffusion/inference/inference_utils.py:935:generate_world', 'Completed diffusion sampling'),
	info('21:06:51', 'diffusion/inference/inference_utils.py:940:generate_world', 'Starting VAE decode'),
	info('21:06:58', 'diffusion/inference/inference_utils.py:945:generate_world', 'Completed VAE decode'),
	' 67%|██████▋   | 2/3 [10:16<05:08, 308.00s/it]',
	info('21:06:58', 'diffusion/inference/inference_utils.py:920:generate_world', 'Starting latent encoding'),
	info('21:06:59', 'diffusion/inference/inference_utils.py:930:generate_world', 'Starting diffusion sampling'),
	info('21:11:59', 'diffusion/inference/inference_utils.py:935:generate_world', 'Completed diffusion sampling'),
	info('21:11:59', 'diffusion/inference/inference_utils.py:940:generate_world', 'Starting VAE decode'),
	info('21:12:06', 'diffusion/inference/inference_utils.py:945:generate_world', 'Completed VAE decode'),
	'100%|██████████| 3/3 [15:24<00:00, 308.00s/it]',
	info('21:12:06', 'diffusion/inference/world_generation_pipeline.py:760:generate', 'Finish generation'),
	info('21:12:06', 'diffusion/inference/world_generation_pipeline.py:765:generate', 'Run guardrail on generated videos'),
	info('21:12:30', 'diffusion/inference/transfer.py:380:demo', 'Saved video to outputs/run/output.mp4'),
	info('21:12:30', 'diffusion/inference/transfer.py:381:demo', 'Saved prompt to outputs/run/output.txt'),
];

function runAll(lines: readonly string[]): ProgressUpdate[] {
	const state = createParserState();
	const updates: ProgressUpdate[] = [];
	for (const line of lines) {
		const update = parseProgress(line, state);
		if (update) updates.push(update);
	}
	return updates;
}

const collapse = (stages: readonly Stage[]): Stage[] => stages.filter((stage, i) => stage !== stages[i - 1]);

test('parseLoguru reads the prefix fields', t => {
	t.deepEqual(
		parseLoguru('[06-24 20:54:04|INFO|cosmos_transfer1/diffusion/inference/transfer.py:163:parse_arguments] control_inputs: {'),
		{time: '06-24 20:54:04', level: 'INFO', source: 'cosmos_transfer1/diffusion/inference/transfer.py:163:parse_arguments', message: 'control_inputs: {', rank: null},
	);
});

test('parseLoguru takes the rank from [RANK n] in the message or [rankN]: before the line', t => {
	t.is(parseLoguru('[06-24 20:54:05|CRITICAL|x.py:1:f] [RANK 3] Initialized')?.rank, 3);
	t.is(parseLoguru('[06-24 20:54:05|CRITICAL|x.py:1:f] [RANK 3] Initialized')?.message, 'Initialized');
	const torchrun = parseLoguru('[rank1]: [06-24 20:54:05|ERROR|x.py:1:f] boom');
	t.is(torchrun?.rank, 1);
	t.is(torchrun?.level, 'ERROR');
	t.is(torchrun?.message, 'boom');
});

test('parseLoguru finds a record after a tqdm bar that had no newline', t => {
	const record = parseLoguru('  0%|          | 0/1 [00:00<?, ?it/s][06-24 20:56:43|INFO|a.py:9:g] Starting diffusion sampling');
	t.is(record?.message, 'Starting diffusion sampling');
});

test('parseLoguru returns null for other lines', t => {
	t.is(parseLoguru('Traceback (most recent call last):'), null);
	t.is(parseLoguru('[06-24 20:54|INFO|x] too short a time'), null);
	t.is(parseLoguru(''), null);
});

test('stripRankPrefix removes stacked prefixes', t => {
	t.deepEqual(stripRankPrefix('[rank0]: [RANK 0] hello'), {rank: 0, rest: 'hello'});
	t.deepEqual(stripRankPrefix('no prefix'), {rank: null, rest: 'no prefix'});
});

test('a full run walks the stages in order with a fraction that never goes back', t => {
	const updates = runAll(RUN_LOG);
	t.deepEqual(collapse(updates.map(update => update.stage)), [
		'loading_models',
		'preprocessing',
		'text_encoding',
		'diffusion',
		'decoding',
		'diffusion',
		'decoding',
		'diffusion',
		'decoding',
		'saving',
	]);
	for (let i = 1; i < updates.length; i++) t.true(updates[i]!.fraction >= updates[i - 1]!.fraction, `update ${i}`);
	const last = updates.at(-1)!;
	t.is(last.fraction, STAGE_SPANS.saving[1]);
	t.is(last.message, 'Saved prompt');
	for (const update of updates) t.true(update.fraction >= STAGE_SPANS.loading_models[0] && update.fraction <= 1);
});

test('diffusion takes most of the job and each clip gets an equal share', t => {
	const updates = runAll(RUN_LOG);
	const completedDecodes = updates.filter(update => update.message.endsWith(': decoded'));
	t.is(completedDecodes.length, 3);
	const [start, end] = STAGE_SPANS.diffusion;
	t.true(end - start > 0.5);
	const expected = [1, 2, 3].map(k => start + ((end - start) * k) / 3);
	completedDecodes.forEach((update, i) => t.true(Math.abs(update.fraction - expected[i]!) < 1e-9, `clip ${i + 1}`));
});

test('clip messages name the clip out of the total from the tqdm bar', t => {
	const messages = runAll(RUN_LOG).map(update => update.message);
	t.true(messages.includes('Clip 1/3: diffusion sampling'));
	t.true(messages.includes('Clip 3/3: decoding video'));
	t.true(messages.includes('Loading edge control model'));
	t.true(messages.includes('Generating edge control video'));
});

test('a prompt echoed in the args does not count as a milestone', t => {
	const state = createParserState();
	const update = parseProgress(RUN_LOG[7]!, state);
	t.is(update?.stage, 'loading_models');
	t.is(update?.message, 'Arguments resolved');
	t.true(update!.fraction < STAGE_SPANS.loading_models[1]);
});

test('tqdm bars with a description (checkpoint shards, SAM2) are not clip counters', t => {
	const state = createParserState();
	parseProgress(info('20:56:40', 'a.py:1:f', 'Run generation'), state);
	t.is(parseProgress('Loading checkpoint shards: 100%|██████████| 4/4 [00:12<00:00,  3.01s/it]', state), null);
	t.is(state.clipsDone, 0);
});

test('a bare tqdm bar before the clip loop is ignored', t => {
	const state = createParserState();
	t.is(parseProgress('100%|██████████| 121/121 [00:30<00:00,  4.00it/s]', state), null);
	t.is(state.clipsTotal, null);
});

test('the clip bar alone moves progress through the clips', t => {
	const state = createParserState();
	parseProgress(info('20:56:40', 'a.py:1:f', 'Run generation'), state);
	const first = parseProgress(' 50%|█████     | 1/2 [05:00<05:00, 300.00s/it]', state);
	t.is(first?.stage, 'diffusion');
	t.is(first?.message, 'Clip 2/2: generating');
	const [start, end] = STAGE_SPANS.diffusion;
	t.true(Math.abs(first!.fraction - (start + (end - start) / 2)) < 1e-9);
	const done = parseProgress('100%|██████████| 2/2 [10:00<00:00, 300.00s/it]', state);
	t.true(Math.abs(done!.fraction - end) < 1e-9);
});

test('a bar followed by a loguru record on the same line reports the record', t => {
	const state = createParserState();
	parseProgress(info('20:56:40', 'a.py:1:f', 'Run generation'), state);
	const update = parseProgress(`  0%|          | 0/2 [00:00<?, ?it/s]${info('20:56:43', 'a.py:9:g', 'Starting diffusion sampling')}`, state);
	t.is(update?.message, 'Clip 1/2: diffusion sampling');
	t.is(state.clipsTotal, 2);
});

test('a repeated "Completed VAE decode" does not skip a clip', t => {
	const state = createParserState();
	for (const message of ['Run generation', 'Starting diffusion sampling', 'Starting VAE decode', 'Completed VAE decode', 'Completed VAE decode']) {
		parseProgress(info('21:00:00', 'a.py:1:f', message), state);
	}
	t.is(state.clipsDone, 1);
});

test('progress never goes backwards when the clip total arrives late', t => {
	const state = createParserState();
	const a = parseProgress(info('20:56:40', 'a.py:1:f', 'Run generation'), state)!;
	const b = parseProgress(info('20:56:43', 'a.py:1:f', 'Completed diffusion sampling'), state)!;
	const c = parseProgress('  0%|          | 0/4 [00:00<?, ?it/s]', state)!;
	t.true(b.fraction > a.fraction);
	t.is(c.fraction, b.fraction, 'the smaller recomputed position is clamped');
	t.is(c.stage, 'diffusion');
});

test('a late line from an earlier stage does not move the stage back', t => {
	const state = createParserState();
	parseProgress(info('21:01:43', 'a.py:1:f', 'Starting diffusion sampling'), state);
	t.is(parseProgress(info('21:01:44', 'a.py:1:f', '[RANK 1] Loading ctrl model from ckpt_path: x/vis_control.pt'), state), null);
	t.is(state.stage, 'diffusion');
});

test('torchrun [rankN]: prefixes and plain (non-loguru) milestone lines are understood', t => {
	const state = createParserState();
	t.is(parseProgress('[rank0]: Saved video to /workspace/out/output.mp4', state)?.stage, 'saving');
});

test('unrelated lines give null', t => {
	const state = createParserState();
	for (const line of ['', 'Traceback (most recent call last):', '    "control_weight": 0.5', info('20:54:04', 'a.py:1:f', 'Using default checkpoint path: x')]) {
		t.is(parseProgress(line, state), null, line);
	}
	t.is(state.fraction, 0);
});

test('stage spans cover 0..1 in job order without gaps or overlaps (diffusion and decoding share one)', t => {
	const order: Stage[] = ['queued', 'uploading', 'loading_models', 'preprocessing', 'text_encoding', 'diffusion', 'saving', 'downloading', 'done'];
	let previousEnd = 0;
	for (const stage of order) {
		const [start, end] = STAGE_SPANS[stage];
		t.is(start, previousEnd, stage);
		t.true(end >= start, stage);
		previousEnd = end;
	}
	t.is(previousEnd, 1);
	t.deepEqual(STAGE_SPANS.decoding, STAGE_SPANS.diffusion);
});
