// A launch's first half, the same on every backend: the inputs uploaded by content (with
// progress), then the run folder with its spec and what the upload did, written beside the run so
// that whichever process follows it (maybe not the one that launched it) reports the same figures.
import {runInputs} from '../domain/model.js';
import type {ExecutorEvents, Job, LaunchOptions} from './executor.js';
import {type HostShell, abortReason} from './host-shell.js';
import {type UploadReport, uploadInputs} from './input-upload.js';
import {retryOnLoss} from './log-follower.js';
import {STAGE_SPANS} from './progress-parser.js';

export const UPLOAD_END = STAGE_SPANS.uploading[1];

export type RunFolder = {remoteDir: string; runDir: string; spec: string; specJson: string; launchInfo: string; files?: ReadonlyArray<[path: string, text: string]>};

/** Uploads the jobs' inputs (runInputs; a batch has several) and writes the run folder; ends with the caller's beforeStart, unless aborted. */
export async function stageRun(shell: HostShell, jobs: ReadonlyArray<Pick<Job, 'run' | 'prompt'>>, folder: RunFolder, events: ExecutorEvents, options: LaunchOptions): Promise<void> {
	const {signal} = options;
	let lastShown = -1;
	const upload = await uploadInputs(shell, folder.remoteDir, jobs.map(job => runInputs(job.run, job.prompt)), ({sent, total, message}) => {
		const fraction = total === 0 ? UPLOAD_END : (UPLOAD_END * sent) / total;
		if (fraction - lastShown < 0.001 && sent !== total) return;
		lastShown = fraction;
		events.progress({stage: 'uploading', fraction, message});
	}, signal);
	await retryOnLoss(async () => {
		await shell.mkdirp(folder.runDir);
		await shell.writeFile(folder.spec, folder.specJson);
		await shell.writeFile(folder.launchInfo, `${JSON.stringify(launchInfoOf(upload))}\n`);
		for (const [file, text] of folder.files ?? []) await shell.writeFile(file, text);
	}, signal);
	if (signal?.aborted) throw abortReason(signal);
	await options.beforeStart?.();
}

export type LaunchInfo = {upload_bytes: number; uploaded_files: number; reused_files: number};

export function launchInfoOf(upload: Pick<UploadReport, 'uploadedBytes' | 'uploadedFiles' | 'reusedFiles'>): LaunchInfo {
	return {upload_bytes: upload.uploadedBytes, uploaded_files: upload.uploadedFiles, reused_files: upload.reusedFiles};
}

/** The recorded figures; {} when the file is missing or unreadable (they are metrics, not state). */
export async function readLaunchInfo(shell: HostShell, file: string, signal?: AbortSignal): Promise<Partial<LaunchInfo>> {
	const text = await retryOnLoss(() => shell.readFile(file), signal).catch(() => null);
	try {
		const parsed: unknown = text ? JSON.parse(text) : {};
		return typeof parsed === 'object' && parsed !== null ? (parsed as Partial<LaunchInfo>) : {};
	} catch {
		return {};
	}
}
