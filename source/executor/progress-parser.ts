// Turns Cosmos-Transfer1 log lines into progress: a stage and a fraction of the whole job.
// Transfer1 has no per-step progress (contract §4), so the signal is its milestone messages plus
// the tqdm bar over clips (`k/N`). The fraction only ever goes forward, even when a stray line
// (another rank, a repeated bar) looks like an earlier milestone.
import {STAGES, type Stage} from '../domain/model.js';

export type ProgressUpdate = {stage: Stage; fraction: number; message: string};

/**
 * Share of the whole job per stage, in job order. Uploading and downloading are reported by the
 * executor itself; they are here so every stage maps into one 0..1 scale. Diffusion and decoding
 * alternate inside the clip loop, so they share one span (CLIP_LOOP) split per clip.
 */
export const STAGE_SPANS: Readonly<Record<Stage, readonly [start: number, end: number]>> = {
	queued: [0, 0],
	uploading: [0, 0.03],
	starting: [0.03, 0.03],
	loading_models: [0.03, 0.1],
	preprocessing: [0.1, 0.15],
	text_encoding: [0.15, 0.2],
	diffusion: [0.2, 0.94],
	decoding: [0.2, 0.94],
	saving: [0.94, 0.97],
	downloading: [0.97, 1],
	done: [1, 1],
};

const CLIP_LOOP = STAGE_SPANS.diffusion;
/**
 * Where the phases of one clip start, as a share of that clip (diffusion dominates). `decoded`
 * is 0 because clipsDone already counts the finished clip: it is the start of the next one.
 */
const CLIP_PHASE = {encoding: 0, sampling: 0.04, sampled: 0.9, decoding: 0.9, decoded: 0} as const;
type ClipPhase = keyof typeof CLIP_PHASE;

export type ParserState = {
	/** Highest fraction reported so far; nothing below it is ever reported. */
	fraction: number;
	stage: Stage | null;
	/** Clips in the job, from the tqdm bar or `N_clip: N`; null until known. */
	clipsTotal: number | null;
	/** Clips finished, from the bar or counted from `Completed VAE decode`. */
	clipsDone: number;
	clipPhase: ClipPhase | null;
	/** Milestones seen within the loading stage, to step through it. */
	loadingSteps: number;
	/** The clip loop has begun (text encoding is over), so a bare tqdm bar counts clips. */
	inClipLoop: boolean;
};

export function createParserState(): ParserState {
	return {fraction: 0, stage: null, clipsTotal: null, clipsDone: 0, clipPhase: null, loadingSteps: 0, inClipLoop: false};
}

export type LoguruRecord = {
	/** `MM-DD HH:mm:ss` as logged (no year, host local time). */
	time: string;
	level: string;
	/** `path/to/file.py:LINE:function`. */
	source: string;
	message: string;
	/** From a `[RANK n]` or `[rankN]:` prefix; null when absent. */
	rank: number | null;
};

const LOGURU = /\[(\d{2}-\d{2} \d{2}:\d{2}:\d{2})\|([A-Z]+)\|([^\]|]*)\] ?(.*)$/;
const RANK_PREFIX = /^\s*\[(?:rank\s*(\d+)\]:?|RANK\s*(\d+)\])\s?/i;

/** Remove `[rankN]:` (torchrun) and `[RANK n]` (Cosmos) prefixes, keeping the rank number. */
export function stripRankPrefix(text: string): {rank: number | null; rest: string} {
	let rank: number | null = null;
	let rest = text;
	for (let match = RANK_PREFIX.exec(rest); match; match = RANK_PREFIX.exec(rest)) {
		rank = Number(match[1] ?? match[2]);
		rest = rest.slice(match[0].length);
	}
	return {rank, rest};
}

/**
 * Parse `[MM-DD HH:mm:ss|LEVEL|file:line:function] message`. The record may follow other text on
 * the same line (a tqdm bar on stderr without a newline, merged with stdout).
 */
export function parseLoguru(line: string): LoguruRecord | null {
	const outer = stripRankPrefix(line);
	const match = LOGURU.exec(outer.rest);
	if (!match) return null;
	const inner = stripRankPrefix(match[4]!);
	return {time: match[1]!, level: match[2]!, source: match[3]!, message: inner.rest, rank: inner.rank ?? outer.rank};
}

/** A description-less tqdm bar at the start of a line: ` 33%|███▎      | 1/3 [...]`. */
const CLIP_BAR = /^\s*(\d{1,3})%\|[^|]*\|\s*(\d+)\/(\d+)(?:\s|\[|$)/;

type Milestone = {
	pattern: RegExp;
	apply: (state: ParserState, match: RegExpExecArray) => {stage: Stage; at: number; message: string} | null;
};

/** Position inside a non-clip stage: `share` of the way through it. */
const inStage = (stage: Stage, share: number, message: string) => {
	const [start, end] = STAGE_SPANS[stage];
	return {stage, at: start + (end - start) * Math.min(1, Math.max(0, share)), message};
};

const loadingStep = (message: string) => (state: ParserState) => {
	state.loadingSteps++;
	// Unknown number of steps: each one covers part of what is left of the stage.
	return inStage('loading_models', 1 - 0.8 ** state.loadingSteps, message);
};

/** Position inside the clip loop for the current clip and phase. */
function clipPosition(state: ParserState, phase: ClipPhase, message: string): {stage: Stage; at: number; message: string} {
	state.inClipLoop = true;
	state.clipPhase = phase;
	const total = Math.max(state.clipsTotal ?? 1, state.clipsDone + (phase === 'decoded' ? 0 : 1));
	const share = Math.min(1, (Math.min(state.clipsDone, total) + CLIP_PHASE[phase]) / total);
	const [start, end] = CLIP_LOOP;
	const stage: Stage = phase === 'decoding' || phase === 'decoded' ? 'decoding' : 'diffusion';
	return {stage, at: start + (end - start) * share, message: `${clipLabel(state)}: ${message}`};
}

function clipLabel(state: ParserState): string {
	const current = state.clipPhase === 'decoded' ? state.clipsDone : state.clipsDone + 1;
	return state.clipsTotal === null ? `Clip ${current}` : `Clip ${Math.min(current, state.clipsTotal)}/${state.clipsTotal}`;
}

const CONTROL_FROM_CKPT = /\/(\w+?)(?:_control)?(?:_distilled)?\.pt\b/;

/** Milestones in job order, matched at the start of the log message (contract §4). */
const MILESTONES: readonly Milestone[] = [
	{pattern: /^control_inputs:/, apply: loadingStep('Reading the control spec')},
	{pattern: /^args in json:/, apply: loadingStep('Reading the control spec')},
	{pattern: /^final args:/, apply: loadingStep('Arguments resolved')},
	{pattern: /^Initialized distributed training/, apply: loadingStep('Starting distributed workers')},
	{pattern: /^Training with (\d+) GPUs/, apply: loadingStep('Starting distributed workers')},
	{pattern: /^Enabling CP in/, apply: loadingStep('Enabling context parallelism')},
	{
		pattern: /^Loading ctrl model from ckpt_path:\s*(\S*)/,
		apply: (state, match) => {
			const control = CONTROL_FROM_CKPT.exec(match[1] ?? '')?.[1];
			return loadingStep(control ? `Loading ${control} control model` : 'Loading control model')(state);
		},
	},
	{pattern: /^Initializing prompt upsampler/, apply: loadingStep('Loading prompt upsampler')},
	{pattern: /^Prompt upsampler initialized/, apply: loadingStep('Prompt upsampler loaded')},
	{pattern: /^running preprocessor/i, apply: () => inStage('preprocessing', 0.1, 'Preparing control inputs')},
	{
		pattern: /^no input_control provided for (\w+)\. generating input control video/i,
		apply: (_state, match) => inStage('preprocessing', 0.3, `Generating ${match[1] ?? 'control'} control video`),
	},
	{pattern: /^Loading Depth Anything model/, apply: () => inStage('preprocessing', 0.4, 'Loading depth model')},
	{pattern: /^Running batch generation/, apply: () => inStage('preprocessing', 0.7, 'Starting generation')},
	{pattern: /^Upsampling prompt/, apply: () => inStage('preprocessing', 0.8, 'Upsampling prompt')},
	{pattern: /^Upsampled prompt/, apply: () => inStage('preprocessing', 0.95, 'Prompt upsampled')},
	{pattern: /^Running guardrail checks on all prompts/, apply: () => inStage('text_encoding', 0.05, 'Checking prompt with guardrails')},
	{pattern: /^Running text embedding on all prompts/, apply: () => inStage('text_encoding', 0.3, 'Encoding prompt')},
	{pattern: /^Starting T5 compute/, apply: () => inStage('text_encoding', 0.4, 'Encoding prompt (T5)')},
	{pattern: /^Completed T5 compute/, apply: () => inStage('text_encoding', 0.8, 'Prompt encoded')},
	{pattern: /^Finish text embedding on prompt/, apply: () => inStage('text_encoding', 0.9, 'Prompt encoded')},
	{
		pattern: /^Run generation/,
		apply: state => {
			state.inClipLoop = true;
			return inStage('text_encoding', 1, 'Starting generation');
		},
	},
	{pattern: /^Starting data augmentation/, apply: state => clipPosition(state, 'encoding', 'preparing inputs')},
	{
		pattern: /^N_clip:\s*(\d+)/,
		apply: (state, match) => {
			const total = Number(match[1]);
			if (total > 0) state.clipsTotal = total;
			return clipPosition(state, state.clipPhase ?? 'encoding', 'preparing inputs');
		},
	},
	{pattern: /^Starting latent encoding/, apply: state => clipPosition(state, 'encoding', 'encoding input')},
	{pattern: /^Starting diffusion sampling/, apply: state => clipPosition(state, 'sampling', 'diffusion sampling')},
	{pattern: /^Completed diffusion sampling/, apply: state => clipPosition(state, 'sampled', 'diffusion done')},
	{pattern: /^Starting VAE decode/, apply: state => clipPosition(state, 'decoding', 'decoding video')},
	{
		pattern: /^Completed VAE decode/,
		apply: state => {
			// Only count a decode that follows this clip's decode start, so a repeated line does not skip a clip.
			if (state.clipPhase === 'decoding') state.clipsDone++;
			return clipPosition(state, 'decoded', 'decoded');
		},
	},
	{pattern: /^Finish generation/, apply: () => ({stage: 'decoding', at: CLIP_LOOP[1], message: 'Generation finished'})},
	{pattern: /^Run guardrail on generated videos/, apply: () => inStage('saving', 0.1, 'Checking video with guardrails')},
	{pattern: /^Saved video to/, apply: () => inStage('saving', 0.8, 'Saved video')},
	{pattern: /^Saved prompt to/, apply: () => inStage('saving', 1, 'Saved prompt')},
];

/** The clip-counting tqdm bar: `k/N` clips done. */
function applyClipBar(state: ParserState, done: number, total: number): {stage: Stage; at: number; message: string} | null {
	if (!state.inClipLoop || total < 1 || done > total) return null;
	state.clipsTotal = total;
	if (done > state.clipsDone) {
		state.clipsDone = done;
		state.clipPhase = 'decoded';
	}
	if (state.clipsDone >= total) return clipPosition(state, 'decoded', 'all clips generated');
	return clipPosition(state, state.clipPhase === 'decoded' || state.clipPhase === null ? 'encoding' : state.clipPhase, 'generating');
}

/** Job order of a stage; diffusion and decoding alternate per clip, so they rank the same. */
const stageRank = (stage: Stage): number => STAGES.indexOf(stage === 'decoding' ? 'diffusion' : stage);

function report(state: ParserState, result: {stage: Stage; at: number; message: string}): ProgressUpdate | null {
	// A late or repeated line from an earlier stage (another rank, a reordered stream) is not news.
	if (state.stage !== null && stageRank(result.stage) < stageRank(state.stage)) return null;
	state.fraction = Math.max(state.fraction, Math.min(1, result.at));
	state.stage = result.stage;
	return {stage: result.stage, fraction: state.fraction, message: result.message};
}

/**
 * Read one log line (already split and `\r`-collapsed). Returns the progress it signals, or null
 * for lines that are not milestones. Updates `state` in place; use one state per run.
 */
export function parseProgress(line: string, state: ParserState): ProgressUpdate | null {
	let update: ProgressUpdate | null = null;
	const plain = stripRankPrefix(line).rest;

	const bar = CLIP_BAR.exec(plain);
	if (bar) {
		const result = applyClipBar(state, Number(bar[2]), Number(bar[3]));
		if (result) update = report(state, result) ?? update;
	}

	// Milestones are anchored at the start of the message so that a prompt echoed inside
	// `final args: {...}` cannot pose as one. Lines without a loguru prefix are matched as they are.
	const message = parseLoguru(line)?.message ?? plain;
	for (const milestone of MILESTONES) {
		const match = milestone.pattern.exec(message);
		if (!match) continue;
		const result = milestone.apply(state, match);
		if (result) update = report(state, result) ?? update;
		break;
	}
	return update;
}
