// Brings a run's outputs home: output.mp4, output.txt and the generated control videos, into the
// run's local outputs folder and nowhere else (names are checked in output-files.ts).
import {mkdir} from 'node:fs/promises';
import {type FailureKind, UPSCALE_VIDEO, type Run, type RunOutputs} from '../domain/model.js';
import type {ExecutionResult, ExecutorEvents, Job} from './executor.js';
import {NO_UPSAMPLED_TEXT_HINT} from './failure-classifier.js';
import {UPSAMPLER_STDOUT, parseUpsampledPrompt} from './upsampler-output.js';
import {type HostShell, type RemoteEntry, abortReason} from './host-shell.js';
import {retryOnLoss} from './log-follower.js';
import {localTarget, planDownloads} from './output-files.js';
import {STAGE_SPANS} from './progress-parser.js';

export type DownloadReport = {outputs: RunOutputs; downloadedBytes: number; videoFound: boolean};

/** What the failure classifier says of an exit 0 without the job's output (undefined: the output video's hint). */
export function missingOutputHint(job: {run: Pick<Run, 'enhance'>}): string | undefined {
	return job.run.enhance ? NO_UPSAMPLED_TEXT_HINT : undefined;
}

/** The local name of a job's output video. */
export function videoNameOf(job: {run: Pick<Run, 'upscale'>}): string {
	return job.run.upscale ? UPSCALE_VIDEO : 'output.mp4';
}

/**
 * The end of a run whose process has exited, on any backend: whether the host holds an output
 * video (the failure classifier's question), "downloading" unless it failed, and the download.
 */
export async function collectOutputs<F>(
	shell: HostShell,
	remoteOutputDir: string,
	job: Job,
	events: ExecutorEvents,
	classify: (outputExists: boolean) => F | null,
	signal?: AbortSignal,
): Promise<{failure: F | null; download: DownloadReport}> {
	const entries = await retryOnLoss(() => shell.readdir(remoteOutputDir), signal);
	// A prompt upsampler run writes no video: its output is the upsampled text in its stdout copy.
	const failure = classify(job.run.enhance ? await upsampledTextOnHost(shell, entries, remoteOutputDir, signal) : entries.some(entry => entry.name === 'output.mp4' && entry.type === 'file'));
	if (!failure) events.progress({stage: 'downloading', fraction: STAGE_SPANS.downloading[0], message: 'downloading outputs'});
	return {failure, download: await downloadOutputs(shell, entries, remoteOutputDir, job.outputDir, videoNameOf(job), signal)};
}

/** Whether the upsampler's stdout copy (output.txt) on the host holds an upsampled prompt. */
async function upsampledTextOnHost(shell: HostShell, entries: readonly RemoteEntry[], remoteOutputDir: string, signal?: AbortSignal): Promise<boolean> {
	if (!entries.some(entry => entry.name === UPSAMPLER_STDOUT && entry.type === 'file')) return false;
	const text = await retryOnLoss(() => shell.readFile(`${remoteOutputDir}/${UPSAMPLER_STDOUT}`), signal);
	return text !== null && parseUpsampledPrompt(text) !== null;
}

/** The executor's result from a collected end: success without a failure, else cancelled (asked for) or failed. */
export function resultOf(failure: {kind: FailureKind; hint: string} | null, download: DownloadReport, exitCode: number | null, cancelled: boolean, metrics: Record<string, number | string>): ExecutionResult {
	return {
		status: failure === null ? 'success' : cancelled ? 'cancelled' : 'failed',
		exitCode,
		failureKind: failure?.kind ?? null,
		errorMessage: failure?.hint ?? null,
		outputs: download.outputs,
		metrics,
	};
}

/** `entries`: the remote folder as read; `videoName`: the local name of output.mp4 (an upscale's is output_4k.mp4). */
async function downloadOutputs(
	shell: HostShell,
	entries: readonly RemoteEntry[],
	remoteOutputDir: string,
	localOutputDir: string,
	videoName: string,
	signal?: AbortSignal,
): Promise<DownloadReport> {
	const planned = planDownloads(entries);
	const outputs: RunOutputs = {dir: localOutputDir};
	if (planned.length === 0) return {outputs, downloadedBytes: 0, videoFound: false};
	await mkdir(localOutputDir, {recursive: true});
	let downloadedBytes = 0;
	const controlRanks: Partial<Record<string, number>> = {};
	for (const file of planned) {
		if (signal?.aborted) throw abortReason(signal);
		const target = localTarget(localOutputDir, file.role.kind === 'video' ? videoName : file.name);
		await retryOnLoss(() => shell.getFile(`${remoteOutputDir}/${file.name}`, target), signal);
		downloadedBytes += file.size;
		const {role} = file;
		if (role.kind === 'video') outputs.video = target;
		else if (role.kind === 'prompt_text') outputs.prompt_text = target;
		else if ((controlRanks[role.control] ?? Number.POSITIVE_INFINITY) > role.rank) {
			// Every rank writes its own copy; rank 0's (the lowest) stands for the control.
			controlRanks[role.control] = role.rank;
			outputs.controls = {...outputs.controls, [role.control]: target};
		}
	}
	return {outputs, downloadedBytes, videoFound: outputs.video !== undefined};
}
