// How the scheduler writes a run: one guarded update, the final patch from an executor's result,
// and the executor events that become log lines, progress records and store updates.
import {readFile} from 'node:fs/promises';
import {ConflictError, ValidationError} from '../../domain/errors.js';
import type {Progress, PromptInputs, Run} from '../../domain/model.js';
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
