// Puts a prompt's input videos on the host by content: <remote_dir>/.cosmos-tui/inputs/<sha256>/<role>.mp4.
// A file already there with the right size is reused, so a rerun sends no video bytes. Uploads go
// to a temporary name and are renamed into place, so a cut upload never looks complete.
import {randomBytes} from 'node:crypto';
import path from 'node:path';
import {HostError} from '../domain/errors.js';
import {type ControlName, INPUT_ROLES, type InputFile, type InputRole, type PromptInputs} from '../domain/model.js';
import {type HostShell, abortReason} from './host-shell.js';
import {retryOnLoss} from './log-follower.js';
import {WORKSPACE, inputPath} from './remote-layout.js';

export type UploadProgress = {sent: number; total: number; message: string};

export type UploadReport = {
	uploadedBytes: number;
	uploadedFiles: number;
	reusedFiles: number;
};

type Planned = {role: InputRole; input: InputFile; hostPath: string; present: boolean};

const megabytes = (bytes: number): string => `${(bytes / 1_000_000).toFixed(1)} MB`;

async function uploadOne(shell: HostShell, item: Planned, onBytes: (sent: number) => void): Promise<void> {
	await shell.mkdirp(path.posix.dirname(item.hostPath));
	const partial = `${item.hostPath}.part-${randomBytes(6).toString('hex')}`;
	try {
		await shell.putFile(item.input.path, partial, onBytes);
		const sent = await shell.stat(partial);
		if (sent?.size !== item.input.size) {
			throw new HostError(`upload of ${item.input.path} arrived with ${sent?.size ?? 0} of ${item.input.size} bytes`);
		}
		await shell.rename(partial, item.hostPath);
	} catch (error) {
		await shell.remove(partial).catch(() => undefined);
		throw error;
	}
}

export async function uploadInputs(
	shell: HostShell,
	remoteDir: string,
	inputs: readonly PromptInputs[],
	onProgress: (progress: UploadProgress) => void,
	signal?: AbortSignal,
): Promise<UploadReport> {
	// A batch's runs often share videos: each one goes once.
	const wanted = new Map<string, {role: InputRole; input: InputFile}>();
	for (const set of inputs) {
		for (const role of INPUT_ROLES) {
			const input = set[role];
			if (input) wanted.set(inputPath(remoteDir, input.sha256, role), {role, input});
		}
	}
	const planned: Planned[] = await Promise.all(
		[...wanted].map(async ([hostPath, {role, input}]) => {
			const existing = await retryOnLoss(() => shell.stat(hostPath), signal);
			return {role, input, hostPath, present: existing?.type === 'file' && existing.size === input.size};
		}),
	);
	const missing = planned.filter(item => !item.present);
	const total = missing.reduce((sum, item) => sum + item.input.size, 0);
	let done = 0;
	onProgress({sent: 0, total, message: missing.length === 0 ? 'inputs already on the host' : `uploading ${missing.length} video(s), ${megabytes(total)}`});
	for (const item of missing) {
		if (signal?.aborted) throw abortReason(signal);
		await retryOnLoss(
			() =>
				uploadOne(shell, item, sent => {
					onProgress({sent: done + sent, total, message: `uploading ${item.role} video (${megabytes(done + sent)} of ${megabytes(total)})`});
				}),
			signal,
		);
		done += item.input.size;
	}
	return {uploadedBytes: total, uploadedFiles: missing.length, reusedFiles: planned.length - missing.length};
}

/** Where the container finds each input video (they are named by content, so known before upload). */
export function containerInputPaths(inputs: PromptInputs): {video: string} & Partial<Record<ControlName, string>> {
	const paths: {video: string} & Partial<Record<ControlName, string>> = {video: inputPath(WORKSPACE, inputs.video.sha256, 'video')};
	for (const role of INPUT_ROLES) {
		const input = inputs[role];
		if (input && role !== 'video') paths[role] = inputPath(WORKSPACE, input.sha256, role);
	}
	return paths;
}
