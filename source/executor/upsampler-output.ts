// What the standalone prompt upsampler (upsampler_pipeline.py, contract §1 and §6) leaves behind.
// It prints its answer with print("Upsampled prompt:", text) on rank 0, and the text may span
// lines. The fixed script that runs it (docker-command.ts UPSAMPLER_SH) copies the program's
// stdout, and only its stdout, into the run's output folder as output.txt (tee), so the log stays
// live and the answer survives in a file that is downloaded like any run's prompt text. Tracebacks
// and torchrun's own messages go to stderr: they reach the log, never the file.

/** The upsampler's stdout copy, in the run's output folder (downloaded as the run's prompt text). */
export const UPSAMPLER_STDOUT = 'output.txt';

/** What print("Upsampled prompt:", text) writes before the text. */
export const UPSAMPLED_MARKER = 'Upsampled prompt:';

const ANSI = /\u001B\[[0-9;?]*[ -/]*[@-~]/g;
/** A marker line, maybe behind torchrun's `[rank0]: ` prefix. */
const MARKER_LINE = /^(?:\[rank\d+\]:\s?)?Upsampled prompt:(?: |$)/;
/**
 * Log records that other code may print on stdout after the answer (vLLM's logger writes to
 * stdout; loguru records): `INFO 06-07 10:00:00 ...`, `[06-07 10:00:00|INFO|...]`.
 */
const LOG_RECORD = /^(?:(?:DEBUG|INFO|WARNING|ERROR|CRITICAL) \d\d-\d\d \d\d:\d\d:\d\d\b|\[\d\d-\d\d \d\d:\d\d:\d\d[^|\]]*\|(?:[^|]*?\|)?(?:TRACE|DEBUG|INFO|SUCCESS|WARNING|ERROR|CRITICAL)\|)/;

/**
 * The upsampled text in the upsampler's stdout: everything after the last `Upsampled prompt: `
 * at the start of a line, to the end of the output, less log records that follow it, trimmed.
 * null when there is no such line or the text after it is empty.
 */
export function parseUpsampledPrompt(stdout: string): string | null {
	const lines = stdout.replaceAll('\r\n', '\n').replaceAll(ANSI, '').split('\n');
	let start = -1;
	for (let i = lines.length - 1; i >= 0; i--) {
		if (MARKER_LINE.test(lines[i]!)) {
			start = i;
			break;
		}
	}
	if (start < 0) return null;
	const first = lines[start]!.replace(MARKER_LINE, '');
	const rest = lines.slice(start + 1);
	// Log records after the answer are not part of it (a prompt line never starts like one).
	const end = rest.findIndex(line => LOG_RECORD.test(line));
	const text = [first, ...(end < 0 ? rest : rest.slice(0, end))].join('\n').trim();
	return text === '' ? null : text;
}
