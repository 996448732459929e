// prepare, the I/O part: reads a render folder's PNG headers, plans (prepare-plan.ts), runs ffmpeg
// into a temp folder beside the output, writes metadata.json and renames the folder into place, so a
// failure leaves no half-written output.
import {execFile} from 'node:child_process';
import {lstat, mkdtemp, open, readdir, rename, rm, stat, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {promisify} from 'node:util';
import {UserError, ValidationError} from '../domain/errors.js';
import {planPrepare, retarget, type PreparePlan, type RenderFile, type Size} from './prepare-plan.js';

export type PrepareOptions = {name?: string; fps: number; out?: string; dryRun: boolean};

export type PrepareMetadata = {
	name: string;
	frame_count: number;
	fps: number;
	resolution: [number, number];
	modalities: string[];
	source: string;
	frames: {first: number; last: number};
	warnings: string[];
	created_at: string;
};

/** metadata is null for a dry run. */
export type PrepareResult = {plan: PreparePlan; metadata: PrepareMetadata | null};

export type PrepareDeps = {
	/** Runs ffmpeg with these arguments; rejects with a UserError when ffmpeg is missing. */
	ffmpeg: (args: string[]) => Promise<void>;
	now: () => Date;
};

export const FFMPEG_MISSING = 'ffmpeg is not installed (not found on PATH): install it, e.g. apt-get install ffmpeg (Debian/Ubuntu) or brew install ffmpeg (macOS)';

const defaultDeps: PrepareDeps = {ffmpeg: runFfmpeg, now: () => new Date()};

/** Paths are resolved against the process's folder; the CLI passes absolute ones. */
export async function prepareRenders(dir: string, options: PrepareOptions, deps: PrepareDeps = defaultDeps): Promise<PrepareResult> {
	const renderDir = path.resolve(dir);
	const files = await readRenderFolder(renderDir);
	const plan = planPrepare(files, {
		renderDir,
		fps: options.fps,
		...(options.name === undefined ? {} : {name: options.name}),
		...(options.out === undefined ? {} : {out: path.resolve(options.out)}),
	});
	plan.errors.push(...(await outputProblems(plan.output)));
	if (options.dryRun) return {plan, metadata: null};
	if (plan.errors.length > 0) throw new ValidationError(plan.errors.join('; '));

	const temp = await mkdtemp(path.join(path.dirname(plan.output), `.${path.basename(plan.output)}.prepare-`));
	try {
		for (const conversion of plan.conversions) {
			await deps.ffmpeg(retarget(conversion.args, temp)).catch((error: unknown) => {
				if (error instanceof UserError) throw error;
				throw new UserError(`ffmpeg could not make ${conversion.file}: ${(error as Error).message}`);
			});
		}
		const metadata = metadataOf(plan, deps.now());
		await writeFile(path.join(temp, 'metadata.json'), `${JSON.stringify(metadata, null, 2)}\n`);
		// Checked again: someone may have made the folder while ffmpeg ran (rename would replace an empty one).
		if (await exists(plan.output)) throw new ValidationError(alreadyExists(plan.output));
		await rename(temp, plan.output);
		return {plan, metadata};
	} catch (error) {
		await rm(temp, {recursive: true, force: true});
		throw error;
	}
}

function metadataOf(plan: PreparePlan, now: Date): PrepareMetadata {
	// Only called on a plan without errors, which always has color's frames and size.
	const frames = plan.frames!;
	return {
		name: plan.name,
		frame_count: frames.count,
		fps: plan.fps,
		resolution: plan.resolution!,
		modalities: plan.conversions.map(c => c.modality),
		source: plan.source,
		frames: {first: frames.first, last: frames.last},
		warnings: plan.warnings,
		created_at: now.toISOString(),
	};
}

async function readRenderFolder(renderDir: string): Promise<RenderFile[]> {
	const info = await stat(renderDir).catch(() => null);
	if (!info) throw new ValidationError(`render folder not found: ${renderDir}`);
	if (!info.isDirectory()) throw new ValidationError(`not a folder: ${renderDir} (give the folder that holds the PNG frames)`);
	const entries = await readdir(renderDir, {withFileTypes: true});
	const names = entries.filter(e => (e.isFile() || e.isSymbolicLink()) && e.name.toLowerCase().endsWith('.png')).map(e => e.name);
	const files: RenderFile[] = [];
	// A few at a time: thousands of frames at once would run out of file handles.
	for (let i = 0; i < names.length; i += 64) {
		const batch = names.slice(i, i + 64);
		files.push(...(await Promise.all(batch.map(async name => ({name, size: await pngSize(path.join(renderDir, name))})))));
	}
	return files;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from the IHDR chunk, which a PNG must start with; null if it does not. */
export async function pngSize(file: string): Promise<Size | null> {
	let handle;
	try {
		handle = await open(file, 'r');
		const header = Buffer.alloc(24);
		const {bytesRead} = await handle.read(header, 0, 24, 0);
		if (bytesRead < 24 || !header.subarray(0, 8).equals(PNG_SIGNATURE) || header.toString('latin1', 12, 16) !== 'IHDR') return null;
		const size = {width: header.readUInt32BE(16), height: header.readUInt32BE(20)};
		return size.width > 0 && size.height > 0 ? size : null;
	} catch {
		return null;
	} finally {
		await handle?.close();
	}
}

async function outputProblems(output: string): Promise<string[]> {
	if (await exists(output)) return [alreadyExists(output)];
	const parent = await stat(path.dirname(output)).catch(() => null);
	if (!parent?.isDirectory()) return [`the folder for the output does not exist: ${path.dirname(output)}`];
	return [];
}

const alreadyExists = (output: string) => `output folder already exists: ${output} (nothing is overwritten: remove it, or give another --name or --out)`;

async function exists(file: string): Promise<boolean> {
	return (await lstat(file).catch(() => null)) !== null;
}

const execFileAsync = promisify(execFile);

/** ffmpeg from PATH, argv only (no shell); its last error line becomes the message. */
async function runFfmpeg(args: string[]): Promise<void> {
	try {
		await execFileAsync('ffmpeg', args, {maxBuffer: 16 * 1024 * 1024});
	} catch (error) {
		const failure = error as NodeJS.ErrnoException & {stderr?: string};
		if (failure.code === 'ENOENT') throw new UserError(FFMPEG_MISSING);
		const lines = (failure.stderr ?? '').trim().split('\n').filter(Boolean);
		throw new Error(lines.at(-1) ?? failure.message);
	}
}
