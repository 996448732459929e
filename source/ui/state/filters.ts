// What "/" matches in the prompts and runs panes: the text shown and the status, smart case;
// in the runs pane a rating as `list runs --rating` takes it (4, 4+, 2-) matches the rated runs.
import {RUN_STATUSES, type Prompt} from '../../domain/model.js';
import {parseRatingFilter} from '../../domain/rating.js';
import {matchesNeedle} from '../text/styled.js';
import type {RunRow} from '../data/live-data.js';

export function promptMatches(prompt: Prompt, filter: string): boolean {
	const needle = filter.trim();
	return needle === '' || matchesNeedle(`${prompt.name} ${prompt.prompt_text} ${prompt.id} ${prompt.video_dir}`, needle);
}

/** A filter that names a status ("failed", "queued") matches that status only; text also matches sweep and host. */
export function runMatches(run: RunRow, filter: string): boolean {
	const needle = filter.trim();
	if (needle === '') return true;
	if ((RUN_STATUSES as readonly string[]).includes(needle.toLowerCase())) return run.status === needle.toLowerCase();
	if (/^[1-5][+-]?$/.test(needle)) {
		const {min, max} = parseRatingFilter(needle);
		return run.rating != null && run.rating >= min && run.rating <= max;
	}

	return matchesNeedle(`${run.id} ${run.status} ${run.promptName} ${run.failure_kind ?? ''} ${run.stage ?? ''} ${run.sweep_id ?? ''} ${run.placement?.host ?? ''} ${run.note ?? ''}`, needle);
}
