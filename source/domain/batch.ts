// Batches: queued runs that can share one Cosmos process, which loads the model once and then
// generates each run's sample in turn (transfer.py --batch_input_path). One process has one
// negative prompt, one set of parameters and one set of controls; prompts, input videos and
// control weights are per sample.
import {type BatchPlace, CONTROL_NAMES, type Prompt, type Run} from './model.js';

/** Put before a shared line (loading the model, before the first sample) in each run's own log. */
export const SHARED_LOG_MARK = '[batch] ';

type Batchable = Pick<Run, 'id' | 'host' | 'parameters' | 'control_weights' | 'upscale' | 'enhance_prompt'> & {enhance?: unknown};

/**
 * What every run of a batch shares, as one string; null for a run that is never batched (an
 * upscale: upstream forces batch size 1 for it; a prompt enhance: another program).
 */
export function batchKey(run: Batchable, prompt: Pick<Prompt, 'negative_prompt'>): string | null {
	if (run.upscale || run.enhance) return null;
	const p = run.parameters;
	// The controls in use decide which control networks the process loads and runs.
	const controls = CONTROL_NAMES.filter(name => run.control_weights[name] > 0);
	return JSON.stringify([prompt.negative_prompt, p.num_steps, p.guidance, p.seed, p.fps, p.sigma_max, p.blur_strength, p.canny_threshold, p.num_gpus, Boolean(run.enhance_prompt), controls, run.host]);
}

/**
 * Groups a queue (in queue order) into batches: each run joins the first earlier group with its
 * key that has room (maxFor: the most its group may hold), else starts one. A group keeps the
 * place of its first run. Runs without a key are alone.
 */
export function groupBatches<T extends Batchable>(queue: readonly T[], keyOf: (run: T) => string | null, maxFor: (run: T) => number): T[][] {
	const groups: T[][] = [];
	const open = new Map<string, T[]>();
	for (const run of queue) {
		const key = keyOf(run);
		const group = key === null ? undefined : open.get(key);
		if (group && group.length < maxFor(group[0]!)) {
			group.push(run);
			continue;
		}
		const fresh = [run];
		groups.push(fresh);
		if (key !== null && maxFor(run) > 1) open.set(key, fresh);
	}
	return groups;
}

/**
 * How many runs one batch of `count` compatible runs may hold: spread over the GPU sets free now
 * (6 runs and 2 free GPUs: two batches of 3, each loading the model once), at most batchMax.
 */
export function batchLimit(count: number, freeSlots: number, batchMax: number): number {
	return Math.max(1, Math.min(batchMax, Math.ceil(count / Math.max(1, freeSlots))));
}

/** A run's place in its batch, short: "batch 2/4" (sample 2 of 4). */
export function batchLabel(batch: BatchPlace): string {
	return `batch ${batch.index + 1}/${batch.size}`;
}

/** One line on a run's place in its batch, for details and `show`. */
export function batchText(batch: BatchPlace, runId: string): string {
	const others = batch.size - 1;
	return `sample ${batch.index + 1} of ${batch.size}: one process with ${others} other run${others === 1 ? '' : 's'}, ${batch.id === runId ? 'named after this run' : `named after ${batch.id}`}`;
}
