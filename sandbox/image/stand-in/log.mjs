// Output helpers that mimic what the real job prints:
// loguru lines on stdout, tqdm bars on stderr (redrawn with \r), Python reprs.

const pad = (n, w = 2) => String(n).padStart(w, '0');

export function loguruTime(date = new Date()) {
	return `${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** Where each function lives in the real repo, so the `file:line:function` part looks right. */
export const SOURCES = {
	parse: ['cosmos_transfer1/diffusion/inference/transfer.py', 163, 'parse_arguments'],
	demo: ['cosmos_transfer1/diffusion/inference/transfer.py', 232, 'demo'],
	saved: ['cosmos_transfer1/diffusion/inference/transfer.py', 371, 'demo'],
	distributed: ['cosmos_transfer1/utils/distributed.py', 98, 'init'],
	pipelineInit: ['cosmos_transfer1/diffusion/inference/world_generation_pipeline.py', 188, '_load_network'],
	ctrl: ['cosmos_transfer1/diffusion/inference/world_generation_pipeline.py', 214, '_load_model'],
	preprocess: ['cosmos_transfer1/diffusion/inference/preprocessors.py', 64, '__call__'],
	preprocessControl: ['cosmos_transfer1/diffusion/inference/preprocessors.py', 101, 'gen_input_control'],
	generate: ['cosmos_transfer1/diffusion/inference/world_generation_pipeline.py', 703, 'generate'],
	guardrail: ['cosmos_transfer1/diffusion/inference/world_generation_pipeline.py', 640, '_run_guardrail_on_prompt_with_offload'],
	videoGuardrail: ['cosmos_transfer1/diffusion/inference/world_generation_pipeline.py', 797, 'generate'],
	batchBlocked: ['cosmos_transfer1/diffusion/inference/transfer.py', 347, 'demo'],
	t5: ['cosmos_transfer1/diffusion/inference/world_generation_pipeline.py', 290, '_run_text_embedding_on_prompt'],
	augment: ['cosmos_transfer1/diffusion/inference/inference_utils.py', 470, 'get_ctrl_batch'],
	clip: ['cosmos_transfer1/diffusion/inference/inference_utils.py', 1089, 'generate_world_from_control'],
};

export function logLine(level, source, message) {
	const [file, line, fn] = SOURCES[source] ?? SOURCES.demo;
	return `[${loguruTime()}|${level}|${file}:${line}:${fn}] ${message}\n`;
}

export const info = (source, message) => process.stdout.write(logLine('INFO', source, message));
export const warning = (source, message) => process.stdout.write(logLine('WARNING', source, message));
export const critical = (source, message) => process.stdout.write(logLine('CRITICAL', source, message));

function clock(seconds) {
	const s = Math.max(0, Math.round(seconds));
	return `${pad(Math.floor(s / 60))}:${pad(s % 60)}`;
}

/** One tqdm redraw, as tqdm writes it to stderr: `\r` then the bar, no newline. */
export function tqdmFrame(done, total, elapsedSeconds) {
	const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
	const filled = total === 0 ? 10 : Math.floor((done / total) * 10);
	const bar = '█'.repeat(filled) + ' '.repeat(10 - filled);
	if (done === 0) {
		return `\r  0%|${bar}| 0/${total} [00:00<?, ?it/s]`;
	}
	const perIt = elapsedSeconds / done;
	const remaining = perIt * (total - done);
	return `\r${String(percent).padStart(3)}%|${bar}| ${done}/${total} [${clock(elapsedSeconds)}<${clock(remaining)}, ${perIt.toFixed(2).padStart(5)}s/it]`;
}

/** Python's repr() of JSON data, e.g. {'prompt': 'a cat', 'seed': 1, 'x': None}. */
export function pyRepr(value) {
	if (value === null || value === undefined) return 'None';
	if (value === true) return 'True';
	if (value === false) return 'False';
	if (typeof value === 'number') return String(value);
	if (typeof value === 'string') return pyString(value);
	if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
	return `{${Object.entries(value)
		.map(([k, v]) => `${pyString(k)}: ${pyRepr(v)}`)
		.join(', ')}}`;
}

function pyString(s) {
	const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
	let out = '';
	for (const ch of s) {
		const code = ch.codePointAt(0);
		if (ch === '\\') out += '\\\\';
		else if (ch === quote) out += `\\${quote}`;
		else if (ch === '\n') out += '\\n';
		else if (ch === '\r') out += '\\r';
		else if (ch === '\t') out += '\\t';
		else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
		else if (code >= 0x80 && code < 0xa0) out += `\\x${code.toString(16)}`;
		else out += ch;
	}
	return quote + out + quote;
}

/** Python's json.dumps(value, indent=4): non-ASCII (above U+007F) escaped as \uXXXX, one escape per UTF-16 unit. */
export function pyJsonDumps(value) {
	return JSON.stringify(value, null, 4).replace(/[\u0080-\uffff]/g, ch => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export const sleep = ms => new Promise(resolve => setTimeout(resolve, Math.max(0, ms)));
