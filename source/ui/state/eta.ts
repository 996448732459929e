// Time left for a running run, from how long similar runs took: the median duration of past
// successful runs with the same num_steps and num_gpus. No estimate without such runs.
import type {Run} from '../../domain/model.js';
import {elapsedSeconds} from '../../format/format.js';

export type DurationSample = {steps: number; gpus: number; seconds: number};

/** How long a finished run took, or null if unknown. */
export function runDuration(run: Run): number | null {
	const recorded = run.metrics['duration_s'];
	if (typeof recorded === 'number' && Number.isFinite(recorded)) return recorded;
	return run.completed_at ? elapsedSeconds(run.started_at, run.completed_at) : null;
}

export function durationSample(run: Run): DurationSample | null {
	if (run.status !== 'success') return null;
	const seconds = runDuration(run);
	return seconds === null ? null : {steps: run.parameters.num_steps, gpus: run.parameters.num_gpus, seconds};
}

export function medianDuration(samples: readonly DurationSample[], steps: number, gpus: number): number | null {
	const similar = samples
		.filter(sample => sample.steps === steps && sample.gpus === gpus)
		.map(sample => sample.seconds)
		.sort((a, b) => a - b);
	if (similar.length === 0) return null;
	const middle = similar.length >> 1;
	return similar.length % 2 === 1 ? similar[middle]! : (similar[middle - 1]! + similar[middle]!) / 2;
}

/** Seconds left (never below 0), or null with no similar runs or when not running. */
export function estimateRemaining(run: Run, samples: readonly DurationSample[], now: number): number | null {
	if (run.status !== 'running') return null;
	const typical = medianDuration(samples, run.parameters.num_steps, run.parameters.num_gpus);
	const elapsed = elapsedSeconds(run.started_at, null, now);
	if (typical === null || elapsed === null) return null;
	return Math.max(0, typical - elapsed);
}
