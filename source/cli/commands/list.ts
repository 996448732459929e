// list, search and show: read-only views of the store.
import {batchText} from '../../domain/batch.js';
import {UsageError} from '../../domain/errors.js';
import {CONTROL_NAMES, INPUT_ROLES, type Prompt, type Run} from '../../domain/model.js';
import {parseRatingFilter, ratingStars} from '../../domain/rating.js';
import {formatAxis} from '../../domain/sweep.js';
import {elapsedSeconds, formatDate, formatDuration, formatWeights, truncate} from '../../format/format.js';
import {sanitizeForTerminal, stripAnsi} from '../../format/sanitize.js';
import {CLUSTER_WAIT_PREFIX, clusterWaitReason} from '../../format/slurm-cluster.js';
import type {WorkflowService} from '../../service/workflow-service.js';
import type {Command, Context} from '../command.js';
import {limitFlag, statusFlag} from '../flags.js';

export const listCommand: Command = {
	name: 'list',
	args: '[prompts|runs]',
	summary: 'list runs (default) or prompts, newest first',
	flags: ['status', 'prompt', 'rating', 'sort', 'limit', 'json'],
	flagHelp: {rating: 'runs rated this (4), this and up (4+) or this and down (2-)', sort: 'runs: created (default, newest first) or rating (best first, unrated last)'},
	minArgs: 0,
	maxArgs: 1,
	complete: {args: [['prompts', 'runs']]},
	async run(context, [what = 'runs']) {
		if (what !== 'runs' && what !== 'prompts') throw new UsageError(`list what? "${what}" (use: list prompts | list runs)`);
		const limit = limitFlag(context.flags, 50);
		const status = statusFlag(context.flags);
		const service = await context.service();
		if (what === 'prompts') {
			if (status || context.flags.prompt || context.flags.rating || context.flags.sort) throw new UsageError('--status, --prompt, --rating and --sort apply to list runs');
			const prompts = service.listPrompts({limit});
			return context.flags.json ? context.out.json(prompts) : printPrompts(context, prompts);
		}
		const promptId = context.flags.prompt ? service.resolveId('prompts', context.flags.prompt) : undefined;
		const rating = context.flags.rating === undefined ? undefined : parseRatingFilter(context.flags.rating);
		const sort = sortFlag(context.flags.sort);
		const runs = service.listRuns({status, promptId, limit, ...(rating && {rating}), ...(sort && {sort})});
		return context.flags.json ? context.out.json(runs) : printRuns(context, service, runs);
	},
};

export const searchCommand: Command = {
	name: 'search',
	args: '<query>',
	summary: 'find prompts whose text or name contains the query (case-insensitive)',
	flags: ['limit', 'json'],
	minArgs: 1,
	maxArgs: 1,
	async run(context, [query]) {
		const service = await context.service();
		const prompts = service.searchPrompts(query!, {limit: limitFlag(context.flags, 50)});
		if (context.flags.json) return context.out.json(prompts);
		if (prompts.length === 0) return context.out.info(`no prompts match "${query}"`);
		const {out} = context;
		out.table(
			['ID', 'NAME', 'TEXT', 'CREATED'],
			prompts.map(p => [p.id, shown(p.name, 30), highlight(context, p.prompt_text, query!.trim()), formatDate(p.created_at)]),
		);
	},
};

export const showCommand: Command = {
	name: 'show',
	args: '<id>',
	summary: 'a prompt with its runs, or a run with its prompt and progress',
	flags: ['json'],
	minArgs: 1,
	maxArgs: 1,
	complete: {args: ['any-id']},
	async run(context, [id]) {
		const service = await context.service();
		if (id!.startsWith('sw_')) {
			const {sweep, runs} = service.getSweepWithRuns(service.resolveId('sweeps', id!));
			if (context.flags.json) return context.out.json({sweep, runs});
			context.out.line(`${context.out.paint('bold', sweep.id)}  prompt ${sweep.prompt_id}${sweep.base_run_id ? ` from run ${sweep.base_run_id}` : ''}`);
			context.out.line(`axes      ${Object.entries(sweep.axes).map(([axis, values]) => `${axis}=${formatAxis(values ?? [])}`).join(' ')}`);
			context.out.line();
			return printRuns(context, service, runs);
		}
		const isRun = id!.startsWith('rs_');
		const fullId = service.resolveId(isRun ? 'runs' : 'prompts', id!);
		if (isRun) {
			const {run, prompt} = service.getRunWithPrompt(fullId);
			const progress = await service.files.readProgress(run.id);
			return context.flags.json ? context.out.json({run, prompt, progress}) : printRun(context, run, prompt);
		}
		const {prompt, runs} = service.getPromptWithRuns(fullId);
		if (context.flags.json) return context.out.json({prompt, runs});
		printPrompt(context, prompt);
		context.out.line();
		printRuns(context, service, runs);
	},
};

function printPrompts(context: Context, prompts: Prompt[]): void {
	if (prompts.length === 0) return context.out.info(`no prompts yet: ${context.invocation} prompt create <text> <video_dir>`);
	context.out.table(
		['ID', 'NAME', 'TEXT', 'INPUTS', 'CREATED'],
		prompts.map(p => [
			p.id,
			shown(p.name, 30),
			shown(p.prompt_text, 47),
			INPUT_ROLES.filter(role => role !== 'video' && p.inputs[role]).join(',') || '-',
			formatDate(p.created_at),
		]),
	);
}

function printRuns(context: Context, service: WorkflowService, runs: Run[]): void {
	if (runs.length === 0) return context.out.info('no runs');
	const names = new Map<string, string>();
	const nameOf = (id: string) => {
		if (!names.has(id)) names.set(id, service.getPromptOrNull(id)?.name ?? '?');
		return names.get(id)!;
	};
	context.out.table(
		['ID', 'STATUS', 'PROMPT', 'WEIGHTS', 'CREATED', 'DURATION', 'RATING'],
		runs.map(run => [
			run.id,
			context.out.status(run.status) + statusNotes(run),
			shown(nameOf(run.prompt_id), 30),
			CONTROL_NAMES.map(c => run.control_weights[c]).join('/'),
			formatDate(run.created_at),
			formatDuration(elapsedSeconds(run.started_at, run.completed_at)),
			run.rating == null && run.upscale && run.parent_run_id ? parentRating(service, run.parent_run_id) : ratingStars(run.rating),
		]),
	);
}

/** An upscale shows its parent's rating, in brackets, while it has none of its own. */
function parentRating(service: WorkflowService, parentId: string): string {
	const stars = ratingStars(service.getRunOrNull(parentId)?.rating);
	return stars === '' ? '' : `(${stars})`;
}

function sortFlag(value: string | undefined): 'created' | 'rating' | undefined {
	if (value === undefined || value === 'created' || value === 'rating') return value;
	throw new UsageError(`--sort takes created or rating, got "${value}"`);
}

/** " (oom)", " (stalled)", " (queued on cluster: Resources)": what the status alone does not say. */
function statusNotes(run: Run): string {
	const waiting = clusterWaitReason(run);
	return (
		(run.failure_kind ? ` (${run.failure_kind})` : '') +
		(waiting ? ` (${CLUSTER_WAIT_PREFIX}${waiting})` : '') +
		(run.stalled ? ' (stalled)' : '') +
		(run.outputs_missing ? ' (outputs missing)' : '')
	);
}

function printPrompt({out}: Context, prompt: Prompt): void {
	out.line(`${out.paint('bold', prompt.id)}  ${prompt.name}`);
	out.line(`created   ${formatDate(prompt.created_at)}`);
	out.line(`folder    ${prompt.video_dir}`);
	out.line(`inputs    ${INPUT_ROLES.filter(role => prompt.inputs[role]).join(', ')}`);
	out.line(`text      ${prompt.prompt_text}`);
	out.line(`negative  ${shown(prompt.negative_prompt, 100)}`);
	if (prompt.enhanced_from) out.line(`enhanced  from ${prompt.enhanced_from.prompt_id} by run ${prompt.enhanced_from.run_id}`);
}

function printRun(context: Context, run: Run, prompt: Prompt): void {
	const {out} = context;
	out.line(`${out.paint('bold', run.id)}  ${out.status(run.status)}${run.stalled ? ' (stalled)' : ''}`);
	out.line(`prompt    ${prompt.id} ${prompt.name}`);
	if (run.parent_run_id) out.line(`${run.upscale ? 'upscale of' : 'rerun of '} ${run.parent_run_id}${run.upscale ? ` (4K, weight ${run.upscale.control_weight})` : ''}`);
	out.line(`weights   ${formatWeights(run.control_weights)}`);
	out.line(`params    ${Object.entries(run.parameters).map(([k, v]) => `${k}=${v}`).join(' ')}`);
	out.line(`created   ${formatDate(run.created_at)}`);
	out.line(`duration  ${formatDuration(elapsedSeconds(run.started_at, run.completed_at))}`);
	if (run.progress) out.line(`progress  ${run.progress.stage} ${Math.round(run.progress.fraction * 100)}% ${run.progress.message}`);
	if (run.outputs.video) out.line(`output    ${run.outputs.video}${run.outputs_missing ? out.paint('yellow', ' (missing: marked by verify --fix)') : ''}`);
	else if (run.outputs_missing) out.line(`output    ${out.paint('yellow', 'missing (marked by verify --fix)')}`);
	if (run.error_message) out.line(`error     ${out.paint('red', run.error_message)}`);
	if (run.placement) out.line(`placed    ${run.placement.host} GPU ${run.placement.gpus.join(',') || '-'}`);
	if (run.remote) out.line(`job       ${run.remote.backend} ${run.remote.job} in ${run.remote.run_dir}`);
	if (run.sweep_id) out.line(`sweep     ${run.sweep_id}`);
	if (run.batch) out.line(`batch     ${batchText(run.batch, run.id)}`);
	if (run.rating != null) out.line(`rating    ${ratingStars(run.rating)} ${run.rating}/5`);
	if (run.note) out.line(`note      ${run.note}`);
	if (run.enhance) out.line(`upsampled ${run.upsampled_prompt ?? '-'}${run.enhance.prompt_id ? ` · new prompt ${run.enhance.prompt_id}` : ''}`);
	if (run.enhance_prompt) out.line(`enhanced  ${run.upsampled_prompt ?? (run.status === 'success' ? '(no upsampled text came back)' : 'the prompt upsampler rewrites the prompt first')}`);
}

/**
 * Stored text as the terminal shows it, cut to a width. Escapes go before cutting, so a cut cannot
 * leave half a sequence that swallows the visible text after it (Output sanitizes again anyway).
 */
function plain(text: string): string {
	return stripAnsi(sanitizeForTerminal(text.replaceAll(/\s+/g, ' ')));
}

function shown(text: string, width: number): string {
	return truncate(plain(text), width);
}

/** Up to ~80 characters around the first match, the match in bold yellow. */
function highlight({out}: Context, text: string, query: string): string {
	// Matched on the visible text: slicing raw text could split an escape sequence.
	const flat = plain(text);
	const at = flat.toLowerCase().indexOf(query.toLowerCase());
	if (at < 0) return truncate(flat, 80);
	const start = Math.max(0, at - 30);
	const end = Math.min(flat.length, at + query.length + 40);
	const before = (start > 0 ? '…' : '') + flat.slice(start, at);
	const after = flat.slice(at + query.length, end) + (end < flat.length ? '…' : '');
	return before + out.paint('bold', out.paint('yellow', flat.slice(at, at + query.length))) + after;
}
