// The failure texts of the real job (contract sections 4 and 8), printed the way torchrun prints them.
import {hostname} from 'node:os';
import {UsageError} from './args.mjs';
import {PyError} from './spec.mjs';

const pad = (n, w = 2) => String(n).padStart(w, '0');

/** glog-style prefix torch uses for its own C++/elastic messages, e.g. `E0624 20:55:01.123000 1 file.py:874]`. */
export function glog(level, where, date = new Date()) {
	const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}000`;
	return `${level}${pad(date.getMonth() + 1)}${pad(date.getDate())} ${time} ${process.pid} ${where}]`;
}

/** c10's C++ log prefix, e.g. `[E624 21:03:11.123456789 ProcessGroupNCCL.cpp:632]`. */
function c10(where, date = new Date()) {
	const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}000000`;
	return `[E${date.getMonth() + 1}${pad(date.getDate())} ${time} ${where}]`;
}

const DEMO_FRAMES = [
	'  File "/workspace/cosmos_transfer1/diffusion/inference/transfer.py", line 410, in <module>\n    demo(args, control_inputs)',
];

export const missingCheckpoint = path =>
	new PyError('FileNotFoundError', `[Errno 2] No such file or directory: '${path}'`, [
		...DEMO_FRAMES,
		'  File "/workspace/cosmos_transfer1/diffusion/inference/transfer.py", line 248, in demo\n    pipeline = DiffusionControl2WorldGenerationPipeline(',
		'  File "/workspace/cosmos_transfer1/diffusion/inference/world_generation_pipeline.py", line 168, in __init__\n    super().__init__(',
		'  File "/workspace/cosmos_transfer1/diffusion/inference/world_generation_pipeline.py", line 190, in _load_model\n    load_model_by_config(',
		'  File "/usr/local/lib/python3.12/dist-packages/torch/serialization.py", line 1479, in load\n    with _open_file_like(f, "rb") as opened_file:',
	]);

export const missingInput = path =>
	new PyError('FileNotFoundError', `[Errno 2] No such file or directory: '${path}'`, [
		...DEMO_FRAMES,
		'  File "/workspace/cosmos_transfer1/diffusion/inference/transfer.py", line 301, in demo\n    batch_outputs = pipeline.generate(',
		'  File "/workspace/cosmos_transfer1/diffusion/inference/inference_utils.py", line 612, in read_video_or_image_into_frames_BCTHW\n    loaded_data = easy_io.load(input_path, backend_args=None)',
	]);

export const cudaOom = () =>
	new PyError(
		'torch.OutOfMemoryError',
		'CUDA out of memory. Tried to allocate 2.11 GiB. GPU 0 has a total capacity of 79.19 GiB of which 1.05 GiB is free. Including non-PyTorch memory, this process has 78.13 GiB memory in use. Of the allocated memory 75.31 GiB is allocated by PyTorch, and 1.98 GiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large, try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)',
		[
			...DEMO_FRAMES,
			'  File "/workspace/cosmos_transfer1/diffusion/inference/transfer.py", line 301, in demo\n    batch_outputs = pipeline.generate(',
			'  File "/workspace/cosmos_transfer1/diffusion/inference/world_generation_pipeline.py", line 748, in generate\n    videos = self._run_model_with_offload(',
			'  File "/workspace/cosmos_transfer1/diffusion/inference/inference_utils.py", line 1131, in generate_world_from_control\n    latents = model.generate_samples_from_batch(',
			'  File "/usr/local/lib/python3.12/dist-packages/torch/nn/modules/module.py", line 1751, in _wrapped_call_impl\n    return self._call_impl(*args, **kwargs)',
		],
	);

export const guardrailUnpack = () =>
	new PyError('TypeError', 'cannot unpack non-iterable NoneType object', [
		...DEMO_FRAMES,
		'  File "/workspace/cosmos_transfer1/diffusion/inference/transfer.py", line 317, in demo\n    videos, final_prompts = batch_outputs',
	]);

export const GUARDRAIL_LINES = [
	'Input text prompt 0 is not safe',
	'All prompts failed safety checks',
	'Guardrail blocked generation for entire batch.',
];

/**
 * The guardrail blocking a generated video (world_generation_pipeline.py generate(): `Generated
 * video {i+1} is not safe`, i the index inside the batch), then the whole batch of one failing.
 */
export const generatedGuardrailLines = indexInBatch => [
	`Generated video ${indexInBatch + 1} is not safe`,
	'All generated videos failed safety checks',
	'Guardrail blocked generation for entire batch.',
];

/** A batch sample without "visual_input" whose control must be generated from it. */
export const noVisualInput = () =>
	new PyError('TypeError', 'expected str, bytes or os.PathLike object, not NoneType', [
		...DEMO_FRAMES,
		'  File "/workspace/cosmos_transfer1/diffusion/inference/transfer.py", line 322, in demo\n    preprocessors(',
		'  File "/workspace/cosmos_transfer1/diffusion/inference/preprocessors.py", line 55, in __call__\n    self.gen_input_control(',
	]);

/** A batch sample without "prompt": the prompt guardrail gets None. */
export const noPrompt = () =>
	new PyError('TypeError', "expected string or bytes-like object, got 'NoneType'", [
		...DEMO_FRAMES,
		'  File "/workspace/cosmos_transfer1/diffusion/inference/transfer.py", line 360, in demo\n    batch_outputs = pipeline.generate(',
		'  File "/workspace/cosmos_transfer1/diffusion/inference/world_generation_pipeline.py", line 729, in generate\n    is_safe = self._run_guardrail_on_prompt_with_offload(prompt)',
	]);

/** Traceback text as Python prints it; under torchrun every line carries `[rank0]: `. */
export function tracebackText(error, rankPrefix) {
	const lines = ['Traceback (most recent call last):', ...error.frames.flatMap(f => f.split('\n')), `${error.type}: ${error.message}`];
	return lines.map(line => rankPrefix + line).join('\n') + '\n';
}

export function ncclTimeoutText(rankPrefix) {
	const work = 'WorkNCCL(SeqNum=5, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=1800000)';
	const pg = '[PG ID 0 PG GUID 0(default_pg) Rank 0]';
	return [
		`${rankPrefix}${c10('ProcessGroupNCCL.cpp:632')} [Rank 0] Watchdog caught collective operation timeout: ${work} ran for 1800087 milliseconds before timing out.`,
		`${rankPrefix}${c10('ProcessGroupNCCL.cpp:2271')} ${pg}  failure detected by watchdog at work sequence id: 5 PG status: last enqueued work: 5, last completed work: 4`,
		`${rankPrefix}${c10('ProcessGroupNCCL.cpp:670')} Stack trace of the failed collective not found, potentially because FlightRecorder is disabled. You can enable it by setting TORCH_NCCL_TRACE_BUFFER_SIZE to a non-zero value.`,
		`${rankPrefix}${c10('ProcessGroupNCCL.cpp:684')} ${pg} To avoid data inconsistency, we are taking the entire process down.`,
		`${rankPrefix}${c10('ProcessGroupNCCL.cpp:1899')} ${pg} Process group watchdog thread terminated with exception: [Rank 0] Watchdog caught collective operation timeout: ${work} ran for 1800087 milliseconds before timing out.`,
		"terminate called after throwing an instance of 'c10::DistBackendError'",
		`  what():  ${pg} Process group watchdog thread terminated with exception: [Rank 0] Watchdog caught collective operation timeout: ${work} ran for 1800087 milliseconds before timing out.`,
	].join('\n') + '\n';
}

/** What torchrun prints when its child fails: the ChildFailedError block. */
export function childFailedText(script, exitcode, errorTraceback) {
	const now = new Date();
	const stamp = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}_${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`;
	const childPid = process.pid + 1;
	return [
		`${glog('E', 'torch/distributed/elastic/multiprocessing/api.py:874')} failed (exitcode: ${exitcode}) local_rank: 0 (pid: ${childPid}) of binary: /usr/bin/python`,
		'Traceback (most recent call last):',
		'  File "/usr/local/bin/torchrun", line 8, in <module>',
		'    sys.exit(main())',
		'             ^^^^^^',
		'  File "/usr/local/lib/python3.12/dist-packages/torch/distributed/elastic/multiprocessing/errors/__init__.py", line 355, in wrapper',
		'    return f(*args, **kwargs)',
		'  File "/usr/local/lib/python3.12/dist-packages/torch/distributed/run.py", line 892, in main',
		'    run(args)',
		'  File "/usr/local/lib/python3.12/dist-packages/torch/distributed/launcher/api.py", line 270, in launch_agent',
		'    raise ChildFailedError(',
		'torch.distributed.elastic.multiprocessing.errors.ChildFailedError: ',
		'============================================================',
		`${script} FAILED`,
		'------------------------------------------------------------',
		'Failures:',
		'  <NO_OTHER_FAILURES>',
		'------------------------------------------------------------',
		'Root Cause (first observed failure):',
		'[0]:',
		`  time      : ${stamp}`,
		`  host      : ${hostname()}`,
		'  rank      : 0 (local_rank: 0)',
		`  exitcode  : ${exitcode} (pid: ${childPid})`,
		'  error_file: <N/A>',
		`  traceback : ${errorTraceback}`,
		'============================================================',
	].join('\n') + '\n';
}

/**
 * How a stand-in script ends under `launcher` (torchrun or python), as the real script would;
 * `script()` is the script as the launcher was given it.
 *   fail(exit, traceback?): the script exited with `exit` (-n: killed by signal n). torchrun prints
 *     its ChildFailedError block and exits 1; python exits with `exit` (128+n for a signal).
 *   raise(error): a PyError's traceback on stderr (`[rank0]: ` on every line under torchrun), then fail(1).
 *   runMain(main): awaits main; a UsageError prints its argparse text and exits 0 for -h, else
 *     fail(2); a PyError is raised; anything else is thrown.
 */
export function scriptExits(launcher, script) {
	const underTorchrun = launcher === 'torchrun';
	function fail(childExit, traceback) {
		if (underTorchrun) {
			process.stderr.write(childFailedText(script(), childExit, traceback ?? 'To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html'));
			process.exit(1);
		}
		process.exit(childExit < 0 ? 128 - childExit : childExit);
	}
	function raise(error) {
		process.stderr.write(tracebackText(error, underTorchrun ? '[rank0]: ' : ''));
		fail(1);
	}
	async function runMain(main) {
		try {
			await main();
		} catch (error) {
			if (error instanceof UsageError) {
				process.stderr.write(`${error.message}\n`);
				if (error.cause === 'help') process.exit(0);
				fail(2);
			}
			if (error instanceof PyError) raise(error);
			throw error;
		}
	}
	return {fail, raise, runMain};
}
