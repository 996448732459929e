// What a launch uploaded, written beside the run on the host so that whichever process follows the
// run (maybe not the one that launched it) reports the same upload figures.
import type {HostShell} from './host-shell.js';
import type {UploadReport} from './input-upload.js';
import {retryOnLoss} from './log-follower.js';

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
