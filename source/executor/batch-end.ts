// The end of a batch whose process has exited: each run's outputs from output/video_<i>/ and its
// own verdict. A run whose sample saved its video succeeded, whatever happened later; one whose
// sample never ran, or ran when the batch was stopped, is unfinished (null: the scheduler queues
// it again); any other is judged by the failure classifier on its own share of the log.
import type {BatchJob, BatchResult, ExecutorEvents} from './executor.js';
import {type Failure, classifyFailure} from './failure-classifier.js';
import type {HostShell} from './host-shell.js';
import {collectOutputs} from './output-download.js';

export type BatchEnd = {
	exitCode: number | null;
	killedByUser: boolean;
	/** From the batch router: each run's share of the log and whether its sample began. */
	tail: (index: number) => readonly string[];
	started: (index: number) => boolean;
	anyStarted: () => boolean;
	metrics: Record<string, number | string>;
};

/** Sample i of a batch writes here (upstream transfer.py). */
export const sampleDir = (outputDir: string, index: number): string => `${outputDir}/video_${index}`;

export async function collectBatchOutputs(
	shell: HostShell,
	outputDir: string,
	batch: BatchJob,
	members: readonly ExecutorEvents[],
	end: BatchEnd,
	signal?: AbortSignal,
): Promise<BatchResult> {
	const results: BatchResult = [];
	for (const [index, job] of batch.members.entries()) {
		const classify = (outputExists: boolean): Failure | 'unfinished' | null => {
			if (outputExists) return null;
			const cutShort = end.killedByUser || (end.exitCode !== 0 && end.anyStarted() && !end.started(index));
			if (cutShort) return 'unfinished';
			return classifyFailure({exitCode: end.exitCode, logTail: end.tail(index), outputExists, killedByUser: false});
		};
		const {failure, download} = await collectOutputs(shell, sampleDir(outputDir, index), job, members[index]!, classify, signal);
		if (failure === 'unfinished') {
			results.push(null);
			continue;
		}
		results.push({
			status: failure === null ? 'success' : 'failed',
			exitCode: end.exitCode,
			failureKind: failure?.kind ?? null,
			errorMessage: failure?.hint ?? null,
			outputs: download.outputs,
			metrics: {...end.metrics, batch_index: index, download_bytes: download.downloadedBytes},
		});
	}
	return results;
}
