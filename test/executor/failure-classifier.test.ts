import test from 'ava';
import {FAILURE_KINDS, type FailureKind} from '../../source/domain/model.js';
import {classifyFailure, type FailureInput} from '../../source/executor/failure-classifier.js';

const TORCHRUN_SUMMARY = [
	'E0624 21:00:00.000000 1 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: 1) local_rank: 0 (pid: 77) of binary: /usr/bin/python',
	'Traceback (most recent call last):',
	'  File "/usr/local/bin/torchrun", line 8, in <module>',
	'torch.distributed.elastic.multiprocessing.errors.ChildFailedError: ',
	'============================================================',
	'cosmos_transfer1/diffusion/inference/transfer.py FAILED',
	'------------------------------------------------------------',
	'Root Cause (first observed failure):',
	'[0]:',
	'  time      : 2025-06-24_21:00:00',
	'  exitcode  : 1 (pid: 77)',
	'============================================================',
];

const OOM_LOG = [
	'[06-24 20:56:43|INFO|cosmos_transfer1/diffusion/inference/inference_utils.py:930:generate_world] Starting diffusion sampling',
	'[rank0]: Traceback (most recent call last):',
	'[rank0]:   File "/workspace/cosmos_transfer1/diffusion/inference/transfer.py", line 420, in <module>',
	'[rank0]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 23.68 GiB of which 1.06 GiB is free. Process 1234 has 22.61 GiB memory in use. If reserved but unallocated memory is large, try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.',
	...TORCHRUN_SUMMARY,
];

const GUARDRAIL_PROMPT_LOG = [
	'[06-24 20:56:01|INFO|cosmos_transfer1/diffusion/inference/world_generation_pipeline.py:700:generate] Running guardrail checks on all prompts',
	'[06-24 20:56:20|CRITICAL|cosmos_transfer1/diffusion/inference/world_generation_pipeline.py:705:_run_guardrail_on_prompt_with_offload] Input text prompt 0 is not safe',
	'[06-24 20:56:20|CRITICAL|cosmos_transfer1/diffusion/inference/world_generation_pipeline.py:706:generate] All prompts failed safety checks',
	'Traceback (most recent call last):',
	'  File "/workspace/cosmos_transfer1/diffusion/inference/transfer.py", line 380, in demo',
	'    videos, final_prompts = batch_outputs',
	'TypeError: cannot unpack non-iterable NoneType object',
	...TORCHRUN_SUMMARY,
];

const GUARDRAIL_VIDEO_LOG = [
	'[06-24 21:12:06|INFO|cosmos_transfer1/diffusion/inference/world_generation_pipeline.py:765:generate] Run guardrail on generated videos',
	'[06-24 21:12:20|CRITICAL|cosmos_transfer1/diffusion/inference/world_generation_pipeline.py:770:generate] Generated video 0 is not safe',
	'[06-24 21:12:20|CRITICAL|cosmos_transfer1/diffusion/inference/world_generation_pipeline.py:771:generate] All generated videos failed safety checks',
	'TypeError: cannot unpack non-iterable NoneType object',
];

const HOST_OOM_LOG = [
	'[06-24 20:54:40|INFO|cosmos_transfer1/diffusion/inference/world_generation_pipeline.py:200:_load_model] Loading ctrl model from ckpt_path: checkpoints/nvidia/Cosmos-Transfer1-7B/edge_control.pt',
	'W0624 20:55:00.000000 1 torch/distributed/elastic/multiprocessing/api.py:897] Sending process 78 closing signal SIGTERM',
	'E0624 20:55:01.000000 1 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: -9) local_rank: 0 (pid: 77) of binary: /usr/bin/python',
	'torch.distributed.elastic.multiprocessing.errors.ChildFailedError: ',
	'  exitcode  : -9 (pid: 77)',
	'  error_file: <N/A>',
	'  traceback : Signal 9 (SIGKILL) received by PID 77',
];

const MISSING_CHECKPOINT_LOG = [
	'[06-24 20:54:40|INFO|cosmos_transfer1/diffusion/inference/world_generation_pipeline.py:200:_load_model] Loading ctrl model from ckpt_path: checkpoints/nvidia/Cosmos-Transfer1-7B/edge_control.pt',
	'[rank0]: Traceback (most recent call last):',
	"[rank0]: FileNotFoundError: [Errno 2] No such file or directory: 'checkpoints/nvidia/Cosmos-Transfer1-7B/base_model.pt'",
	...TORCHRUN_SUMMARY,
];

const NCCL_LOG = [
	'[06-24 20:54:05|CRITICAL|cosmos_transfer1/utils/distributed.py:50:init] Initialized distributed training with local rank 1 with timeout 1800',
	"[rank1]:[E624 21:30:05.000000 ProcessGroupNCCL.cpp:616] [Rank 1] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=12, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=1800000) ran for 1800088 milliseconds before timing out.",
	'[rank1]:[E624 21:30:05.000000 ProcessGroupNCCL.cpp:1785] [PG ID 0 PG GUID 0(default_pg) Rank 1] Exception (either an error before or timeout detected) caught',
	"terminate called after throwing an instance of 'c10::DistBackendError'",
	...TORCHRUN_SUMMARY,
];

const base = (partial: Partial<FailureInput>): FailureInput => ({exitCode: 1, logTail: [], outputExists: false, ...partial});

test('exit 0 with the output video is success', t => {
	t.is(classifyFailure(base({exitCode: 0, outputExists: true, logTail: ['Saved video to outputs/output.mp4']})), null);
});

test('exit 0 without the output video is a failure', t => {
	const failure = classifyFailure(base({exitCode: 0, outputExists: false}));
	t.is(failure?.kind, 'other');
	t.regex(failure?.hint ?? '', /without writing the output video/);
});

test('a non-zero exit is a failure even if an output file exists', t => {
	t.not(classifyFailure(base({exitCode: 1, outputExists: true})), null);
});

test('CUDA out of memory, with torchrun [rankN]: prefixes', t => {
	const failure = classifyFailure(base({logTail: OOM_LOG}));
	t.is(failure?.kind, 'oom');
	t.regex(failure?.hint ?? '', /offload/);
	t.regex(failure?.hint ?? '', /80 GB/);
});

test('older torch text: torch.cuda.OutOfMemoryError', t => {
	t.is(classifyFailure(base({logTail: ['torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB']}))?.kind, 'oom');
});

test('guardrail on the prompt wins over the TypeError that follows it', t => {
	const failure = classifyFailure(base({logTail: GUARDRAIL_PROMPT_LOG}));
	t.is(failure?.kind, 'guardrail');
	t.regex(failure?.hint ?? '', /prompt/);
});

test('guardrail on the generated video', t => {
	const failure = classifyFailure(base({logTail: GUARDRAIL_VIDEO_LOG}));
	t.is(failure?.kind, 'guardrail');
	t.regex(failure?.hint ?? '', /generated video/);
	t.is(classifyFailure(base({logTail: ['[06-24 21:12:20|CRITICAL|x.py:1:f] Guardrail blocked generation for entire batch.']}))?.kind, 'guardrail');
});

test('guardrail lines count even when the process exited 0', t => {
	t.is(classifyFailure(base({exitCode: 0, logTail: GUARDRAIL_VIDEO_LOG}))?.kind, 'guardrail');
});

test('exit 137 is killed, with a host RAM hint', t => {
	const failure = classifyFailure(base({exitCode: 137, logTail: ['Killed']}));
	t.is(failure?.kind, 'killed');
	t.regex(failure?.hint ?? '', /RAM/);
});

test('a torchrun child with exitcode -9 is killed even when torchrun exits 1', t => {
	t.is(classifyFailure(base({exitCode: 1, logTail: HOST_OOM_LOG}))?.kind, 'killed');
	t.is(classifyFailure(base({exitCode: -9}))?.kind, 'killed');
	t.is(classifyFailure(base({exitCode: 1, logTail: ['Killed']}))?.kind, 'killed');
});

test('a stop the user asked for is killed, whatever the exit code', t => {
	const failure = classifyFailure(base({exitCode: 137, killedByUser: true, logTail: OOM_LOG}));
	t.deepEqual(failure, {kind: 'killed', hint: 'Stopped on request.'});
});

test('125, 126, 127: the container could not start, with docker\'s reason in the hint', t => {
	const gpu = classifyFailure(base({
		exitCode: 125,
		logTail: ['docker: Error response from daemon: could not select device driver "" with capabilities: [[gpu]].'],
	}));
	t.is(gpu?.kind, 'start_failed');
	t.regex(gpu?.hint ?? '', /Docker could not start the container \(exit 125\): Error response from daemon: could not select device driver/);
	const mount = classifyFailure(base({
		exitCode: 125,
		logTail: ['docker: Error response from daemon: invalid mount config for type "bind": bind source path does not exist: /srv/cosmos/checkpoints.'],
	}));
	t.is(mount?.kind, 'start_failed', 'a missing bind mount is a start failure, not a missing checkpoint');
	t.is(classifyFailure(base({exitCode: 126}))?.kind, 'start_failed');
	const notFound = classifyFailure(base({
		exitCode: 127,
		logTail: ['docker: Error response from daemon: failed to create task for container: exec: "torchrun": executable file not found in $PATH: unknown.'],
	}));
	t.is(notFound?.kind, 'start_failed');
	t.regex(notFound?.hint ?? '', /torchrun/);
});

test('a missing checkpoint file', t => {
	const failure = classifyFailure(base({logTail: MISSING_CHECKPOINT_LOG}));
	t.is(failure?.kind, 'missing_checkpoints');
	t.regex(failure?.hint ?? '', /base_model\.pt/);
});

test('a missing input video is not a missing checkpoint', t => {
	const failure = classifyFailure(base({
		logTail: ["FileNotFoundError: [Errno 2] No such file or directory: '/workspace/runs/rs_1/inputs/color.mp4'", ...TORCHRUN_SUMMARY],
	}));
	t.is(failure?.kind, 'other');
	t.regex(failure?.hint ?? '', /color\.mp4/);
});

test('a Hugging Face model that cannot be fetched counts as missing checkpoints', t => {
	const failure = classifyFailure(base({
		logTail: ["OSError: We couldn't connect to 'https://huggingface.co' to load this file, couldn't find it in the cached files and it looks like facebook/sam2-hiera-large is not the path to a directory containing a file named config.json."],
	}));
	t.is(failure?.kind, 'missing_checkpoints');
	t.regex(failure?.hint ?? '', /Hugging Face/);
});

test('NCCL watchdog timeout', t => {
	const failure = classifyFailure(base({exitCode: 1, logTail: NCCL_LOG}));
	t.is(failure?.kind, 'nccl_timeout');
	t.regex(failure?.hint ?? '', /NCCL/);
});

test('a CUDA OOM on one rank is reported as OOM even if other ranks then time out', t => {
	t.is(classifyFailure(base({logTail: [...NCCL_LOG, ...OOM_LOG]}))?.kind, 'oom');
});

test('other failures quote the real error, not torchrun\'s ChildFailedError', t => {
	const failure = classifyFailure(base({
		logTail: [
			'Traceback (most recent call last):',
			'ValueError: Must have \'input_video\' specified if sigma_max < 80',
			...TORCHRUN_SUMMARY,
		],
	}));
	t.is(failure?.kind, 'other');
	t.is(failure?.hint, "Failed (exit 1): ValueError: Must have 'input_video' specified if sigma_max < 80");
});

test('other failures without an error line, and an unknown exit status', t => {
	t.is(classifyFailure(base({exitCode: 2}))?.hint, 'Failed (exit 2); see the log for details.');
	const unknown = classifyFailure(base({exitCode: null}));
	t.is(unknown?.kind, 'other');
	t.regex(unknown?.hint ?? '', /unknown exit status/);
});

test('every hint is a single short line without control characters', t => {
	const hostile = `RuntimeError: \u001B]52;c;ZXZpbA==\u0007boom\r\nsecond line\u001B[2J ${'x'.repeat(500)}`;
	const inputs: FailureInput[] = [
		base({logTail: OOM_LOG}),
		base({logTail: GUARDRAIL_PROMPT_LOG}),
		base({exitCode: 137}),
		base({exitCode: 125, logTail: [`docker: ${hostile}`]}),
		base({logTail: MISSING_CHECKPOINT_LOG}),
		base({logTail: NCCL_LOG}),
		base({logTail: [hostile]}),
	];
	const kinds = new Set<string>();
	for (const input of inputs) {
		const failure = classifyFailure(input);
		t.truthy(failure);
		kinds.add(failure!.kind);
		t.true(FAILURE_KINDS.includes(failure!.kind));
		t.notRegex(failure!.hint, /[\u0000-\u001F\u007F-\u009F]/);
		t.true(failure!.hint.length <= 300, failure!.hint);
	}
	t.is(kinds.size, 7);
});

// Issue 8, item 20: transfer.py echoes the prompt verbatim in `args in json:` / `final args:` (INFO,
// json.dumps indent=4), so prompt words must never decide the failure kind.
const ECHO_PHRASES = [
	'CUDA out of memory',
	'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB',
	'Input text prompt 0 is not safe',
	'All prompts failed safety checks',
	'Generated video 0 is not safe',
	'Guardrail blocked generation for entire batch.',
	'is not safe',
	'SIGKILL',
	'Signal 9 (SIGKILL) received by PID 77',
	'exitcode  : -9 (pid: 77)',
	"FileNotFoundError: [Errno 2] No such file or directory: 'checkpoints/base_model.pt'",
	'the checkpoint does not exist',
	'Watchdog caught collective operation timeout: WorkNCCL(SeqNum=1, Timeout(ms)=1800000)',
	"We couldn't connect to 'https://huggingface.co', gated repo, LocalEntryNotFoundError",
];

/** The start of a run, as transfer.py logs it: the argument dumps with the prompts in them. */
function echoedArgs(prompt: string, negativePrompt = prompt): string[] {
	const at = (line: number) => `[06-24 20:54:04|INFO|cosmos_transfer1/diffusion/inference/transfer.py:${line}:parse_arguments]`;
	const args = {prompt, negative_prompt: negativePrompt, input_video_path: 'runs/rs_1/inputs/color.mp4', sigma_max: 70, controlnet_specs: 'runs/rs_1/spec.json', extra: [prompt, {nested: prompt}], num_gpus: 1};
	const dump = (value: unknown) => JSON.stringify(value, null, 4).split('\n');
	const [jsonFirst, ...jsonRest] = dump({prompt, negative_prompt: negativePrompt, input_video_path: 'runs/rs_1/inputs/color.mp4'});
	const [finalFirst, ...finalRest] = dump(args);
	return [
		`${at(163)} control_inputs: {`,
		'    "edge": {',
		'        "control_weight": 1.0',
		'    }',
		'}',
		`${at(164)} args in json: ${jsonFirst!}`,
		...jsonRest,
		`${at(172)} final args: ${finalFirst!}`,
		...finalRest,
		// The argparse Namespace form, one line, as some versions print it.
		`${at(173)} final args: Namespace(prompt=${JSON.stringify(prompt)}, num_gpus=1)`,
	];
}

const VALUE_ERROR_LOG = [
	'Traceback (most recent call last):',
	'  File "/workspace/cosmos_transfer1/diffusion/inference/transfer.py", line 420, in <module>',
	"ValueError: Must have 'input_video' specified if sigma_max < 80",
	...TORCHRUN_SUMMARY,
];

for (const phrase of ECHO_PHRASES) {
	const prompt = `A robot arm; ${phrase} "quoted" {braces] and [brackets}`;

	test(`a prompt saying ${JSON.stringify(phrase)}: a successful run is a success`, t => {
		t.is(classifyFailure(base({exitCode: 0, outputExists: true, logTail: [...echoedArgs(prompt), 'Saved video to outputs/output.mp4']})), null);
	});

	test(`a prompt saying ${JSON.stringify(phrase)}: another failure stays 'other'`, t => {
		const failure = classifyFailure(base({logTail: [...echoedArgs(prompt), ...VALUE_ERROR_LOG]}));
		t.is(failure?.kind, 'other');
		t.is(failure?.hint, "Failed (exit 1): ValueError: Must have 'input_video' specified if sigma_max < 80");
		t.is(classifyFailure(base({exitCode: 0, logTail: echoedArgs(prompt)}))?.kind, 'other', 'exit 0 without a video');
		t.is(classifyFailure(base({exitCode: 2, logTail: echoedArgs(prompt)}))?.hint, 'Failed (exit 2); see the log for details.');
	});

	test(`a prompt saying ${JSON.stringify(phrase)}: the tail starting inside a dump`, t => {
		const lines = echoedArgs(prompt, 'blurry');
		const cut = lines.findIndex(line => line.includes('"prompt"') && line.startsWith('    '));
		t.true(cut > 0);
		t.is(classifyFailure(base({logTail: [...lines.slice(cut), ...VALUE_ERROR_LOG]}))?.kind, 'other');
	});
}

test('a prompt with OOM words does not hide the real failure signatures', t => {
	const echo = echoedArgs('CUDA out of memory; is not safe; SIGKILL; checkpoint does not exist; Watchdog caught collective operation timeout');
	const cases: Array<[string[], FailureKind]> = [
		[OOM_LOG, 'oom'],
		[GUARDRAIL_PROMPT_LOG, 'guardrail'],
		[GUARDRAIL_VIDEO_LOG, 'guardrail'],
		[HOST_OOM_LOG, 'killed'],
		[MISSING_CHECKPOINT_LOG, 'missing_checkpoints'],
		[NCCL_LOG, 'nccl_timeout'],
	];
	for (const [log, kind] of cases) t.is(classifyFailure(base({logTail: [...echo, ...log]}))?.kind, kind, log.at(-1));
	t.regex(classifyFailure(base({logTail: [...echo, ...MISSING_CHECKPOINT_LOG]}))?.hint ?? '', /base_model\.pt/);
	t.regex(classifyFailure(base({logTail: [...echo, ...GUARDRAIL_VIDEO_LOG]}))?.hint ?? '', /generated video/);
});

test('a traceback interleaved right after a dump is still read', t => {
	const echo = echoedArgs('a calm lake');
	const failure = classifyFailure(base({logTail: [...echo, "[rank0]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB."]}));
	t.is(failure?.kind, 'oom');
	// A dump cut short by a stderr line: the stderr line counts.
	t.is(classifyFailure(base({logTail: [echo[5]!, "torch.OutOfMemoryError: CUDA out of memory."]}))?.kind, 'oom');
});

test('WARNING and higher loguru records count; INFO and DEBUG records do not', t => {
	const record = (level: string, message: string) => `[06-24 20:56:20|${level}|cosmos_transfer1/x.py:1:f] ${message}`;
	t.is(classifyFailure(base({logTail: [record('INFO', 'Input text prompt 0 is not safe')]}))?.kind, 'other');
	t.is(classifyFailure(base({logTail: [record('DEBUG', 'CUDA out of memory')]}))?.kind, 'other');
	t.is(classifyFailure(base({logTail: [record('CRITICAL', 'Input text prompt 0 is not safe')]}))?.kind, 'guardrail');
	t.is(classifyFailure(base({logTail: [record('ERROR', 'CUDA out of memory')]}))?.kind, 'oom');
	t.is(classifyFailure(base({logTail: [`\u001B[32m${record('INFO', 'Upsampled prompt 0: SIGKILL')}\u001B[0m`]}))?.kind, 'other', 'coloured INFO');
});
