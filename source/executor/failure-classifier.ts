// Decides whether a finished run failed, and why, from its exit code and the end of its log.
// The hint is one line the user can act on (contract §4 "Error and abnormal signatures", §8).
import type {FailureKind} from '../domain/model.js';

export type FailureInput = {
	/** Container exit code; null when it could not be read. Negative = killed by that signal. */
	exitCode: number | null;
	/** The last lines of the run's log, oldest first. */
	logTail: readonly string[];
	/** The output video was found where the run should have written it. */
	outputExists: boolean;
	/** The user asked for this run to stop. */
	killedByUser?: boolean;
	/** The hint for an exit 0 without the output (default: the output video's); see output-download.ts missingOutputHint. */
	missingOutput?: string;
};

export type Failure = {kind: FailureKind; hint: string};

/** A run that exited 0 without its output; a prompt upsampler run's output is its text (output-download.ts). */
export const NO_OUTPUT_VIDEO_HINT = 'The run finished without writing the output video; check the log.';
export const NO_UPSAMPLED_TEXT_HINT = 'The prompt upsampler finished without printing an upsampled prompt ("Upsampled prompt: ..."); check the log.';

const MAX_DETAIL = 200;
const ANSI = /\u001B\[[0-9;?]*[ -/]*[@-~]/g;

/** Keep remote text on one line, without control characters, and short. */
function detail(text: string): string {
	const clean = text
		.replaceAll(ANSI, '')
		.replaceAll(/[\u0000-\u001F\u007F-\u009F]+/g, ' ')
		.trim();
	return clean.length > MAX_DETAIL ? `${clean.slice(0, MAX_DETAIL - 1)}…` : clean;
}

/** Drop `[rankN]:` / `[RANK n]` prefixes so patterns see the message itself. */
const unprefixed = (line: string): string => line.replace(/^(?:\s*\[(?:rank\s*\d+\]:?|RANK\s*\d+\]))+\s*/i, '');

/** A loguru record, `[MM-DD HH:mm:ss|LEVEL|file:line:function] message` (an optional machine field before LEVEL). */
const LOGURU = /^\[\d\d-\d\d \d\d:\d\d:\d\d[^|\]]*\|(?:[^|]*?\|)?(TRACE|DEBUG|INFO|SUCCESS|WARNING|ERROR|CRITICAL)\|[^\]]*\]/;
const QUIET_LEVELS = new Set(['TRACE', 'DEBUG', 'INFO', 'SUCCESS']);
/** A line of json.dumps(..., indent=4) output: a member, an array item, or a closing bracket. */
const JSON_LINE = /^\s+"(?:[^"\\]|\\.)*"(?::\s.*)?,?\s*$|^\s+(?:-?\d[\d.eE+-]*|true|false|null|\{|\[|\{\}|\[\]),?\s*$|^\s*[}\]],?\s*$/;

/** Net count of `{`/`[` opened minus closed on a line of JSON, ignoring brackets inside strings. */
function bracketBalance(line: string): number {
	let balance = 0;
	let inString = false;
	for (let i = 0; i < line.length; i++) {
		const ch = line[i];
		if (inString) {
			if (ch === '\\') i++;
			else if (ch === '"') inString = false;
		} else if (ch === '"') inString = true;
		else if (ch === '{' || ch === '[') balance++;
		else if (ch === '}' || ch === ']') balance--;
	}
	return balance;
}

/**
 * The lines that can carry a failure signature. transfer.py echoes its arguments (the prompt and
 * negative prompt verbatim) in INFO records such as `args in json: {` and `final args: {` followed
 * by multi-line JSON, so a prompt saying "CUDA out of memory" must not read as an OOM. Dropped:
 * loguru records below WARNING, the JSON continuation lines of such a record, and JSON lines at
 * the start of the tail (a dump whose first line fell off it). Kept: everything else, i.e.
 * tracebacks (with or without `[rankN]:`), WARNING+ records, torch's C++/glog lines, torchrun's
 * ChildFailedError block, `Killed`, docker's errors.
 */
function evidence(lines: readonly string[]): string[] {
	const kept: string[] = [];
	let depth = 0;
	let atStart = true;
	for (const raw of lines) {
		const line = unprefixed(raw.replaceAll(ANSI, ''));
		const record = LOGURU.exec(line);
		if (depth > 0) {
			// indent=4 continuation lines are indented or a closing bracket; anything else ends the dump
			// early (an interleaved stderr line, or a dump cut short).
			if (!record && /^(?:\s|[}\]])/.test(line)) {
				depth += bracketBalance(line);
				continue;
			}
			depth = 0;
		}
		if (record) {
			atStart = false;
			if (!QUIET_LEVELS.has(record[1]!)) {
				kept.push(line);
				continue;
			}
			const message = line.slice(record[0].length).trimEnd();
			if (/[{[]$/.test(message)) depth = 1;
			continue;
		}
		if (atStart && JSON_LINE.test(line)) continue;
		atStart = false;
		kept.push(line);
	}
	return kept;
}

function lastMatch(lines: readonly string[], pattern: RegExp): RegExpExecArray | null {
	for (let i = lines.length - 1; i >= 0; i--) {
		const match = pattern.exec(lines[i]!);
		if (match) return match;
	}
	return null;
}

const OOM = /CUDA out of memory|(?:torch\.(?:cuda\.)?)?OutOfMemoryError|CUDA error: out of memory|CUBLAS_STATUS_ALLOC_FAILED/;
const GUARDRAIL_PROMPT = /Input text prompt \d+ is not safe|All prompts failed safety checks/;
const GUARDRAIL_VIDEO = /Generated video \d+ is not safe|All generated videos failed safety checks/;
const GUARDRAIL_ANY = /Guardrail blocked generation/;
const NCCL_TIMEOUT = /Watchdog caught collective operation timeout|ProcessGroupNCCL.*\btimed? ?out\b|NCCL (?:communicator|operation).*timeout/i;
const NO_SUCH_FILE = /(?:FileNotFoundError|No such file or directory|does not exist)[^\n]*/;
const CHECKPOINT_PATH = /checkpoint|\.pt\b|\.safetensors\b|\.bin\b/i;
const HF_MISSING = /couldn't connect to 'https:\/\/huggingface\.co'|Cannot find the requested files in the (?:local|disk) cache|gated repo|401 Client Error.*huggingface|LocalEntryNotFoundError/i;
const KILLED = /^Killed\s*$|exitcode\s*:\s*-9\b|Signal 9 \(SIGKILL\)|\bSIGKILL\b/;
const DOCKER_ERROR = /(?:docker|podman|Error response from daemon|Error):\s*(.+)$/;
const PYTHON_ERROR = /^((?:[A-Za-z_][\w]*\.)*[A-Za-z_]\w*(?:Error|Exception|Interrupt)):\s?(.*)$/;

/**
 * null means success: exit 0 and the output video exists. Anything else is a failure with a kind
 * and a one-line hint. Log signatures come before exit codes because they name the cause
 * (a CUDA OOM exits 1, a guardrail block exits 1 after a TypeError).
 */
export function classifyFailure(input: FailureInput): Failure | null {
	const {exitCode, outputExists} = input;
	if (exitCode === 0 && outputExists) return null;
	if (input.killedByUser) return {kind: 'killed', hint: 'Stopped on request.'};

	const lines = evidence(input.logTail);
	const exitText = exitCode === null ? 'unknown exit status' : `exit ${exitCode}`;

	// 125: docker itself failed (bad option, image, mount, GPU runtime); 126/127: the command
	// inside the container could not be run. Either way the model never started.
	if (exitCode === 125 || exitCode === 126 || exitCode === 127) {
		const reason = lastMatch(lines, DOCKER_ERROR)?.[1];
		const what = exitCode === 125 ? 'Docker could not start the container' : 'The command inside the container could not run';
		return {kind: 'start_failed', hint: `${what} (${exitText})${reason ? `: ${detail(reason)}` : '; check the image and the docker command.'}`};
	}

	if (lastMatch(lines, GUARDRAIL_PROMPT)) {
		return {kind: 'guardrail', hint: 'The safety guardrail rejected the prompt; reword it (Transfer1 guardrails cannot be turned off).'};
	}
	if (lastMatch(lines, GUARDRAIL_VIDEO)) {
		return {kind: 'guardrail', hint: 'The safety guardrail rejected the generated video; change the prompt, seed or inputs and retry.'};
	}
	if (lastMatch(lines, GUARDRAIL_ANY)) {
		return {kind: 'guardrail', hint: 'The safety guardrail blocked this generation; change the prompt or inputs and retry.'};
	}

	if (lastMatch(lines, OOM)) {
		return {
			kind: 'oom',
			hint: 'GPU out of memory: turn on offloading (diffusion transformer, text encoder, guardrail), free the GPU of other jobs, or use an 80 GB-class GPU.',
		};
	}

	const missingFile = lastMatch(lines.filter(line => CHECKPOINT_PATH.test(line)), NO_SUCH_FILE);
	if (missingFile) {
		return {kind: 'missing_checkpoints', hint: `A model checkpoint is missing; download the checkpoints on the GPU host (${detail(missingFile[0])}).`};
	}
	if (lastMatch(lines, HF_MISSING)) {
		return {
			kind: 'missing_checkpoints',
			hint: 'A Hugging Face model could not be loaded; fill the host\'s Hugging Face cache or allow network access (and accept gated-model terms).',
		};
	}

	if (lastMatch(lines, NCCL_TIMEOUT)) {
		return {
			kind: 'nccl_timeout',
			hint: 'The GPUs stopped answering each other (NCCL timeout); check that every GPU is free and visible, or run on one GPU.',
		};
	}

	if (exitCode === 137 || exitCode === -9 || lastMatch(lines, KILLED)) {
		return {kind: 'killed', hint: `The run was killed (${exitText}); most often the host ran out of RAM, or something outside cosmos-tui stopped it.`};
	}

	// torchrun reports every child failure as ChildFailedError after the child's own traceback.
	const error = lastMatch(lines.filter(line => !line.includes('ChildFailedError')), PYTHON_ERROR);
	if (exitCode === 0) {
		return {kind: 'other', hint: input.missingOutput ?? NO_OUTPUT_VIDEO_HINT};
	}
	if (error) return {kind: 'other', hint: `Failed (${exitText}): ${detail(error[0])}`};
	return {kind: 'other', hint: `Failed (${exitText}); see the log for details.`};
}
