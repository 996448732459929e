// Reads a prompt's input folder: color.mp4 is required, control videos are picked up when present.
import {createHash} from 'node:crypto';
import {createReadStream} from 'node:fs';
import {open, stat} from 'node:fs/promises';
import path from 'node:path';
import {ValidationError} from '../domain/errors.js';
import {COLOR_FILE, CONTROL_FILES, CONTROL_NAMES, type InputFile, type PromptInputs} from '../domain/model.js';

export async function scanInputFolder(folder: string): Promise<PromptInputs> {
	const dir = path.resolve(folder);
	const info = await stat(dir).catch(() => null);
	if (!info) throw new ValidationError(`video folder not found: ${dir}`);
	if (!info.isDirectory()) throw new ValidationError(`not a folder: ${dir} (give the folder that holds color.mp4)`);
	const video = await readInput(path.join(dir, COLOR_FILE));
	if (!video) throw new ValidationError(`no ${COLOR_FILE} in ${dir}`);
	const inputs: PromptInputs = {video};
	for (const control of CONTROL_NAMES) {
		const file = await readInput(path.join(dir, CONTROL_FILES[control]));
		if (file) inputs[control] = file;
	}
	return inputs;
}

/** Describes one video, or null when an optional file is absent. */
async function readInput(file: string): Promise<InputFile | null> {
	const info = await stat(file).catch(() => null);
	if (!info) return null;
	if (!info.isFile()) throw new ValidationError(`cannot read video ${file}: not a regular file`);
	await checkMp4(file);
	return {path: file, sha256: await sha256File(file), size: info.size, mtime_ms: Math.trunc(info.mtimeMs)};
}

/** An MP4 starts with a box whose type is "ftyp"; anything else would fail on the GPU host much later. */
async function checkMp4(file: string): Promise<void> {
	let handle;
	try {
		handle = await open(file, 'r');
		const header = Buffer.alloc(12);
		const {bytesRead} = await handle.read(header, 0, 12, 0);
		if (bytesRead < 12 || header.toString('latin1', 4, 8) !== 'ftyp') {
			throw new ValidationError(`cannot read video ${file}: not an MP4 file`);
		}
	} catch (error) {
		if (error instanceof ValidationError) throw error;
		throw new ValidationError(`cannot read video ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
	} finally {
		await handle?.close();
	}
}

export async function sha256File(file: string): Promise<string> {
	const hash = createHash('sha256');
	for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
	return hash.digest('hex');
}

/** Re-hashes only when size or mtime changed since the prompt was made. */
export async function refreshInput(input: InputFile): Promise<InputFile> {
	const info = await stat(input.path).catch(() => null);
	if (!info?.isFile()) throw new ValidationError(`input video is gone: ${input.path}`);
	if (info.size === input.size && Math.trunc(info.mtimeMs) === input.mtime_ms) return input;
	return {...input, sha256: await sha256File(input.path), size: info.size, mtime_ms: Math.trunc(info.mtimeMs)};
}
