// Time left for a running run: first from how long similar runs took (the median duration of past
// successful runs with the same num_steps and num_gpus), then from its own progress.
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

/**
 * Seconds left, or null when it cannot be told (not running). While the run is younger than the
 * median of similar runs, that median says; past it (a slower run, a busier GPU), the progress so
 * far is extrapolated, so the estimate never sits at "0s left".
 */
export function estimateRemaining(run: Run, samples: readonly DurationSample[], now: number): number | null {
	if (run.status !== 'running') return null;
	const elapsed = elapsedSeconds(run.started_at, null, now);
	if (elapsed === null) return null;
	const typical = medianDuration(samples, run.parameters.num_steps, run.parameters.num_gpus);
	if (typical !== null && elapsed < typical) return typical - elapsed;
	const fraction = run.progress?.fraction ?? 0;
	if (fraction >= MIN_FRACTION && fraction < 1) return (elapsed * (1 - fraction)) / fraction;
	return null;
}

/** Below this share done, the progress says too little to extrapolate from. */
const MIN_FRACTION = 0.05;
