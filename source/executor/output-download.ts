// Brings a run's outputs home: output.mp4, output.txt and the generated control videos, into the
// run's local outputs folder and nowhere else (names are checked in output-files.ts).
import {mkdir} from 'node:fs/promises';
import {UPSCALE_VIDEO, type Run, type RunOutputs} from '../domain/model.js';
import {type HostShell, abortReason} from './host-shell.js';
import {retryOnLoss} from './log-follower.js';
import {localTarget, planDownloads} from './output-files.js';

export type DownloadReport = {outputs: RunOutputs; downloadedBytes: number; videoFound: boolean};

/** The local name of a job's output video. */
export function videoNameOf(job: {run: Pick<Run, 'upscale'>}): string {
	return job.run.upscale ? UPSCALE_VIDEO : 'output.mp4';
}

export async function downloadOutputs(
	shell: HostShell,
	remoteOutputDir: string,
	localOutputDir: string,
	signal?: AbortSignal,
	onFile?: (name: string, index: number, count: number) => void,
	/** The local name of output.mp4 (an upscale's is output_4k.mp4). */
	videoName = 'output.mp4',
): Promise<DownloadReport> {
	const entries = await retryOnLoss(() => shell.readdir(remoteOutputDir), signal);
	const planned = planDownloads(entries);
	const outputs: RunOutputs = {dir: localOutputDir};
	if (planned.length === 0) return {outputs, downloadedBytes: 0, videoFound: false};
	await mkdir(localOutputDir, {recursive: true});
	let downloadedBytes = 0;
	const controlRanks: Partial<Record<string, number>> = {};
	for (const [index, file] of planned.entries()) {
		if (signal?.aborted) throw abortReason(signal);
		onFile?.(file.name, index, planned.length);
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
