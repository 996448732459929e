// How a run reads in one line of the runs pane and in the details strip: status icon, progress
// bar, elapsed time and ETA, outcome. Pure text and colour names; components only lay them out.
import {CONTROL_NAMES, type Run} from '../../domain/model.js';
import {ratingStars} from '../../domain/rating.js';
import {elapsedSeconds, formatDuration, STATUS_COLORS, type ColorName} from '../../format/format.js';
import {stripAnsi, sanitizeForTerminal} from '../../format/sanitize.js';
import {CLUSTER_WAIT_PREFIX, clusterWaitReason} from '../../format/slurm-cluster.js';
import {estimateRemaining, runDuration, type DurationSample} from './eta.js';

export type Segment = {text: string; color?: ColorName; dim?: boolean; bold?: boolean};

export const STATUS_ICONS: Record<Run['status'], string> = {
	queued: '○',
	launching: '◐',
	running: '●',
	success: '✓',
	failed: '✗',
	cancelled: '■',
};

/** Text from the store or the host, made one plain line. */
export function plain(text: string): string {
	return stripAnsi(sanitizeForTerminal(text));
}

export function progressBar(fraction: number, width: number): string {
	const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
	return '█'.repeat(filled) + '░'.repeat(width - filled);
}

/** "on gpu-1 GPU 0,1" for a run given GPUs; '' before. */
export function placementText(run: Pick<Run, 'placement'>): string {
	return run.placement ? `on ${run.placement.host} GPU ${run.placement.gpus.join(',')}` : '';
}

/** "diffusion ███░░░ 52% 3m10s ~4m00s left" for a running run; outcome and duration otherwise. */
export function runProgress(run: Run, now: number, durations: readonly DurationSample[], barWidth = 10): Segment[] {
	const cancelling = run.cancel_requested_at !== null;
	switch (run.status) {
		case 'queued':
			return [{text: cancelling ? 'cancelling' : run.host ? `waiting for ${run.host}` : 'waiting for GPUs', dim: true}];
		case 'launching':
			return [{text: `${cancelling ? 'cancelling' : (run.stage ?? 'uploading')} `}, {text: placementText(run), dim: true}];
		case 'running': {
			const elapsed = elapsedSeconds(run.started_at, null, now);
			// Slurm holds the job back: why says more than an empty bar.
			const waiting = clusterWaitReason(run);
			if (waiting !== null) {
				return [
					{text: `${CLUSTER_WAIT_PREFIX}${plain(waiting)}`, color: 'yellow'},
					{text: ` ${formatDuration(elapsed)}`, dim: true},
					...(cancelling ? [{text: ' cancelling', color: 'yellow' as const}] : []),
				];
			}
			const fraction = run.progress?.fraction ?? 0;
			const remaining = estimateRemaining(run, durations, now);
			const segments: Segment[] = [
				{text: `${run.stage ?? 'starting'} `},
				{text: progressBar(fraction, barWidth), color: 'cyan'},
				{text: ` ${String(Math.floor(fraction * 100)).padStart(2)}% ${formatDuration(elapsed)}`},
			];
			if (remaining !== null) segments.push({text: ` ~${formatDuration(remaining)} left`, dim: true});
			if (run.stalled) segments.push({text: ' stalled', color: 'yellow'});
			if (cancelling) segments.push({text: ' cancelling', color: 'yellow'});
			return segments;
		}
		case 'success':
			return [{text: `done in ${formatDuration(runDuration(run))}`}];
		case 'failed':
			return [{text: run.failure_kind ?? 'failed', color: 'red'}, {text: ` after ${formatDuration(runDuration(run))}`, dim: true}];
		case 'cancelled':
			return [{text: `cancelled after ${formatDuration(runDuration(run))}`, dim: true}];
	}
}

export function weightsText(run: Pick<Run, 'control_weights'>): string {
	return CONTROL_NAMES.map(name => `${name} ${run.control_weights[name]}`).join(' ');
}

export function parametersText(run: Pick<Run, 'parameters'>): string {
	const p = run.parameters;
	return `steps ${p.num_steps} guidance ${p.guidance} seed ${p.seed} fps ${p.fps} sigma ${p.sigma_max} blur ${p.blur_strength} canny ${p.canny_threshold} gpus ${p.num_gpus}`;
}

/** One row of the runs pane, cut to `width` columns; `indent` for a run under its sweep's row. */
export function runRow(
	run: Run & {promptName: string},
	options: {now: number; durations: readonly DurationSample[]; width: number; showPrompt: boolean; pad?: boolean; indent?: boolean; parentRating?: number | null | undefined},
): Segment[] {
	const color = STATUS_COLORS[run.status];
	// A running run shows its stage where the others show their status: the icon says running.
	const segments: Segment[] = [
		...(options.indent ? [{text: '  ', dim: true}] : []),
		{text: `${run.stalled ? '!' : STATUS_ICONS[run.status]} `, color: run.stalled ? 'yellow' : color},
		{text: `${run.id} `},
		...(run.status === 'running' ? [] : [{text: run.status.padEnd(10), color}]),
		// Before the progress, so that a narrow pane still shows them: 4K for an upscale, the stars
		// (an unrated upscale's parent's, dimmed).
		...(run.upscale ? [{text: '4K ', color: 'cyan' as const}] : []),
		// A prompt upsampler run (enhance) writes a prompt, not a video.
		...(run.enhance ? [{text: 'enhance ', color: 'cyan' as const}] : []),
		...(run.rating != null
			? [{text: `${ratingStars(run.rating)} `, color: 'yellow' as const}]
			: options.parentRating != null
				? [{text: `${ratingStars(options.parentRating)} `, dim: true}]
				: []),
		...runProgress(run, options.now, options.durations, options.width < 60 ? 6 : 10),
		{text: `  ${CONTROL_NAMES.map(name => String(run.control_weights[name]).replace(/^0\./, '.')).join('/')}`, dim: true},
	];
	if (options.showPrompt) segments.push({text: `  ${plain(run.promptName)}`, dim: true});
	return fitSegments(segments, options.width, options.pad);
}

/**
 * Cuts segments to `width` characters (the last one shown ends with …); `pad` fills the rest
 * with spaces (for a highlighted row). Unpadded rows draw less, which Ink pays for per cell.
 */
export function fitSegments(segments: readonly Segment[], width: number, pad = false): Segment[] {
	const out: Segment[] = [];
	let used = 0;
	for (const segment of segments) {
		const room = width - used;
		if (room <= 0) break;
		if ([...segment.text].length <= room) {
			out.push(segment);
			used += [...segment.text].length;
			continue;
		}
		out.push({...segment, text: `${[...segment.text].slice(0, Math.max(0, room - 1)).join('')}…`});
		used = width;
	}
	if (pad && used < width) out.push({text: ' '.repeat(width - used)});
	return out;
}
