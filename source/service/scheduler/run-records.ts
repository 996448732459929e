// How the scheduler writes a run: one guarded update, the final patch from an executor's result,
// and the executor events that become log lines, progress records and store updates.
import {readFile} from 'node:fs/promises';
import {ConflictError, NotFoundError, ValidationError} from '../../domain/errors.js';
import {type Progress, type PromptInputs, type Run, isActive} from '../../domain/model.js';
import {NO_UPSAMPLED_TEXT_HINT} from '../../executor/failure-classifier.js';
import {parseUpsampledPrompt} from '../../executor/upsampler-output.js';
import {enhancedPrompt} from '../enhance.js';
import type {ExecutionResult, ExecutorEvents} from '../../executor/executor.js';
import type {Store} from '../../store/index.js';
import type {ServiceEvents, TypedEmitter} from '../events.js';
import {refreshInput} from '../inputs.js';
import type {LogWriter} from '../log-writer.js';
import type {RunFiles} from '../run-files.js';

/** Applies change(current) in one transaction; null from change writes nothing and gives null. */
export async function updateRun(store: Store, runId: string, change: (current: Run) => Partial<Run> | null): Promise<Run | null> {
	return store.write(tx => {
		const current = tx.get('runs', runId);
		if (!current) throw new ConflictError(`run ${runId} was deleted`);
		const patch = change(current);
		if (patch === null) return null;
		return Object.keys(patch).length === 0 ? current : tx.update('runs', runId, patch);
	});
}

/** The patch that ends a run with an executor's result (or a cancel that was asked for). */
export function finishPatch(current: Run, result: ExecutionResult, now: Date): Partial<Run> {
	const cancelled = current.cancel_requested_at !== null || result.status === 'cancelled';
	const started = current.started_at ? Date.parse(current.started_at) : now.getTime();
	const success = result.status === 'success' && !cancelled;
	return {
		status: cancelled ? 'cancelled' : result.status,
		stage: success ? 'done' : current.stage,
		progress: success ? {stage: 'done', fraction: 1, message: 'done', at: now.toISOString()} : current.progress,
		completed_at: current.completed_at ?? now.toISOString(),
		outputs: {...current.outputs, ...result.outputs},
		failure_kind: cancelled ? null : result.failureKind,
		error_message: cancelled ? cancelMessage(current) : result.errorMessage,
		stalled: false,
		metrics: {
			...current.metrics,
			...result.metrics,
			...(result.exitCode === null ? {} : {exit_code: result.exitCode}),
			reconnects: Number(current.metrics['reconnects'] ?? 0) + Number(result.metrics['reconnects'] ?? 0),
			duration_s: Math.round((now.getTime() - started) / 100) / 10,
		},
	};
}

export function cancelMessage(run: Run): string {
	return run.status === 'queued' ? 'cancelled while queued' : run.status === 'launching' ? 'cancelled while launching' : 'cancelled by user';
}

/** A result for runs that end without an executor's word (start failures, lost hosts, cancels). */
export function endResult(status: ExecutionResult['status'], failureKind: ExecutionResult['failureKind'], errorMessage: string | null): ExecutionResult {
	return {status, exitCode: null, failureKind, errorMessage, outputs: {}, metrics: {}};
}

/** Back to the queue at its place, as if never placed (a launch or a batch that did not get to it). */
export const REQUEUE: Partial<Run> = {status: 'queued', stage: 'queued', placement: null, started_at: null, progress: null, remote: null, batch: null, stalled: false};

/** One set of events standing for several (a batch's launch: every run sees the upload). */
export function fanOut(all: readonly ExecutorEvents[]): ExecutorEvents {
	return {
		log: line => all.forEach(events => events.log(line)),
		progress: update => all.forEach(events => events.progress(update)),
		stalled: stalled => all.forEach(events => events.stalled?.(stalled)),
	};
}

type EventDeps = {store: Store; files: RunFiles; events: TypedEmitter<ServiceEvents>; now: () => Date};

/** Executor events for one run: lines to its log, progress to progress.jsonl and the store, in order. */
export function runEvents(deps: EventDeps, runId: string, writer: LogWriter, extra: Partial<ExecutorEvents> = {}): ExecutorEvents {
	let chain: Promise<unknown> = Promise.resolve();
	const queue = (work: () => Promise<unknown>) => {
		chain = chain.then(work).catch(() => undefined);
	};
	return {
		log: line => {
			writer.write(line);
			deps.events.emit('log', {runId, line});
		},
		progress: ({stage, fraction, message}) => {
			const timestamp = deps.now().toISOString();
			const progress: Progress = {run_id: runId, stage, fraction, message, timestamp};
			deps.events.emit('progress', progress);
			queue(async () => {
				if (!deps.store.get('runs', runId)) return; // deleted: its folder must not come back
				await deps.files.appendProgress(progress);
				await updateRun(deps.store, runId, current =>
					current.status === 'running' || current.status === 'launching' ? {stage, progress: {stage, fraction, message, at: timestamp}} : null,
				);
			});
		},
		stalled: stalled => queue(() => updateRun(deps.store, runId, () => ({stalled}))),
		...extra,
	};
}

/** The prompt id names its content; a video changed since then would run something else. */
export async function checkInputsUnchanged(inputs: PromptInputs): Promise<void> {
	for (const input of Object.values(inputs)) {
		const now = await refreshInput(input);
		if (now.sha256 !== input.sha256) {
			throw new ValidationError(`input video changed since the prompt was made: ${input.path}; create a new prompt`);
		}
	}
}

/** An enhanced run's upsampled prompt: the prompt text transfer.py saved (output.txt), once it succeeded. */
export async function upsampledPrompt(run: Run | undefined, result: ExecutionResult): Promise<Pick<Run, 'upsampled_prompt'>> {
	const file = result.outputs.prompt_text;
	if (!run?.enhance_prompt || result.status !== 'success' || !file) return {};
	const text = await readFile(file, 'utf8').catch(() => null);
	return text === null ? {} : {upsampled_prompt: text.trim()};
}

/**
 * The end of a prompt upsampler run (`enhance`) that succeeded: the upsampled text parsed from its
 * stdout copy (output.txt), and the new prompt made from it, linked to the original, which stays
 * as it was. The prompt is written first, in its own transaction: its id is a hash of its content,
 * so an end carried out again (after a crash before the run was updated) finds it and links the
 * same prompt. The patch records it on the run (enhance.prompt_id, upsampled_prompt); a success
 * without text, or whose prompt is gone, becomes a failure saying so. {} for any other run.
 */
export async function enhancedPromptRecords(store: Store, runId: string, result: ExecutionResult, now: () => Date): Promise<Partial<Run>> {
	const run = store.get('runs', runId);
	if (!run?.enhance || !isActive(run.status) || run.cancel_requested_at !== null || result.status !== 'success') return {};
	const file = result.outputs.prompt_text;
	const stdout = file ? await readFile(file, 'utf8').catch(() => null) : null;
	const text = stdout === null ? null : parseUpsampledPrompt(stdout);
	const failed = (message: string): Partial<Run> => ({status: 'failed', failure_kind: 'other', error_message: message, stage: run.stage, progress: run.progress});
	if (text === null) return failed(NO_UPSAMPLED_TEXT_HINT);
	try {
		const prompt = await store.write(tx => {
			const original = tx.get('prompts', run.prompt_id);
			if (!original) throw new NotFoundError(`its prompt ${run.prompt_id} was deleted meanwhile`);
			const taken = (name: string) => tx.select('prompts').where('name', '=', name).first() !== undefined;
			const made = enhancedPrompt(original, text, run, now().toISOString(), taken);
			const existing = tx.get('prompts', made.id);
			if (existing) return existing; // the same text and videos: that prompt already exists
			tx.insert('prompts', made);
			return made;
		});
		return {upsampled_prompt: text, enhance: {prompt_id: prompt.id}};
	} catch (error) {
		if (!(error instanceof ValidationError || error instanceof NotFoundError)) throw error;
		return {...failed(`the upsampled prompt could not become a prompt: ${error.message}`), upsampled_prompt: text};
	}
}

/** Ends a run with an executor's result (a no-op once it has ended), with what the prompt upsampler wrote: on a `run --enhance`, or as a new prompt (`enhance`). */
export async function endRun(deps: EventDeps, runId: string, result: ExecutionResult): Promise<void> {
	const upsampled = await upsampledPrompt(deps.store.get('runs', runId), result);
	const enhanced = await enhancedPromptRecords(deps.store, runId, result, deps.now);
	await updateRun(deps.store, runId, current => (isActive(current.status) ? {...finishPatch(current, result, deps.now()), ...upsampled, ...enhanced} : null));
}

/**
 * A run of a batch that was stopped (or crashed in another sample) before its sample ended:
 * cancelled if that was asked, else queued again, its cut-short log set aside.
 */
export async function requeueUnfinished(deps: EventDeps, runId: string): Promise<void> {
	const run = deps.store.get('runs', runId);
	if (!run) return;
	if (run.cancel_requested_at !== null) {
		await endRun(deps, runId, endResult('cancelled', null, null));
		return;
	}
	await deps.files.setAsideLog(deps.files.logPath(runId));
	await updateRun(deps.store, runId, current => (current.status === 'running' ? REQUEUE : null));
	deps.events.emit('notice', {runId, message: `${runId}: its batch stopped before its sample ended; queued again`});
}
