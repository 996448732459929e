// The end of a batch whose process has exited: each run's outputs from output/video_<i>/ and its
// own verdict. A run whose sample saved its video succeeded, whatever happened later; one whose
// sample never ran, or ran when the batch was stopped, is unfinished (null: the scheduler queues
// it again); any other is judged by the failure classifier on its own share of the log.
import type {BatchEvents, BatchJob, BatchResult, ExecutionResult, ExecutorEvents} from './executor.js';
import {type Failure, classifyFailure} from './failure-classifier.js';
import type {HostShell} from './host-shell.js';
import {collectOutputs, resultOf} from './output-download.js';

export type BatchEnd = {
	/** Members whose sample ended while the batch went on (collectSample): their result, already reported (null: not a success then). */
	ended: ReadonlyMap<number, ExecutionResult | null>;
	exitCode: number | null;
	killedByUser: boolean;
	/** From the batch router: each run's share of the log and whether its sample began. */
	tail: (index: number) => readonly string[];
	started: (index: number) => boolean;
	anyStarted: () => boolean;
	metrics: Record<string, number | string>;
	/** The backend's failure classifier for member i's end (default: the Docker host's, classifyFailure). */
	judge?: (index: number, outputExists: boolean) => Failure | null;
};

/** Sample i of a batch writes here (upstream transfer.py). */
export const sampleDir = (outputDir: string, index: number): string => `${outputDir}/video_${index}`;

/**
 * A sample that logged "Saved prompt to" while the batch goes on: its outputs downloaded now, and
 * its success reported through sampleEnded. Null (nothing reported) when its video is not there:
 * the end of the batch judges it then.
 */
export async function collectSample(
	shell: HostShell,
	outputDir: string,
	batch: BatchJob,
	events: BatchEvents,
	index: number,
	metrics: Record<string, number | string>,
	signal?: AbortSignal,
): Promise<ExecutionResult | null> {
	const job = batch.members[index];
	const member = events.members[index];
	if (!job || !member) return null;
	const {failure, download} = await collectOutputs(shell, sampleDir(outputDir, index), job, member, outputExists => (outputExists ? null : 'missing'), signal);
	if (failure !== null) return null;
	const result: ExecutionResult = {status: 'success', exitCode: null, failureKind: null, errorMessage: null, outputs: download.outputs, metrics: {...metrics, batch_index: index, download_bytes: download.downloadedBytes}};
	events.sampleEnded?.(index, result);
	return result;
}

/**
 * The samples that saved their video while the batch goes on (the router's onSaved), each brought
 * home at once. Not the last one: its run holds the batch's GPUs until the job has exited.
 */
export function earlySamples(shell: HostShell, outputDir: string, batch: BatchJob, events: BatchEvents, metrics: Record<string, number | string>, signal?: AbortSignal) {
	const early = new Map<number, Promise<ExecutionResult | null>>();
	return {
		saved(index: number): void {
			if (index < batch.members.length - 1) early.set(index, collectSample(shell, outputDir, batch, events, index, metrics, signal).catch(() => null));
		},
		/** Each early sample's result, once its download is over. */
		async settled(): Promise<Map<number, ExecutionResult | null>> {
			const ended = new Map<number, ExecutionResult | null>();
			for (const [index, result] of early) ended.set(index, await result);
			return ended;
		},
	};
}

export async function collectBatchOutputs(
	shell: HostShell,
	outputDir: string,
	batch: BatchJob,
	members: ReadonlyArray<ExecutorEvents | null>,
	end: BatchEnd,
	signal?: AbortSignal,
): Promise<BatchResult> {
	const results: BatchResult = [];
	for (const [index, job] of batch.members.entries()) {
		const member = members[index];
		const already = end.ended.get(index);
		if (already) {
			results.push(already);
			continue;
		}
		if (!job || !member) {
			results.push(null);
			continue;
		}
		const classify = (outputExists: boolean): Failure | 'unfinished' | null => {
			if (outputExists) return null;
			const cutShort = end.killedByUser || (end.exitCode !== 0 && end.anyStarted() && !end.started(index));
			if (cutShort) return 'unfinished';
			return end.judge ? end.judge(index, outputExists) : classifyFailure({exitCode: end.exitCode, logTail: end.tail(index), outputExists, killedByUser: false});
		};
		const {failure, download} = await collectOutputs(shell, sampleDir(outputDir, index), job, member, classify, signal);
		if (failure === 'unfinished') {
			results.push(null);
			continue;
		}
		results.push(resultOf(failure, download, end.exitCode, false, {...end.metrics, batch_index: index, download_bytes: download.downloadedBytes}));
	}
	return results;
}
