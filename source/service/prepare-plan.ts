// prepare, the pure part: from the names and PNG sizes in a render folder to a plan of ffmpeg
// conversions, with errors (nothing can be made) and warnings (something is left out or changed).
//
// Rules chosen here:
// - color is the reference: it must exist, have no gaps between its first and last frame, one
//   size for every frame, and consistently zero-padded frame numbers. Anything else is an error.
// - Another modality is converted only when it has every one of color's frames, at color's size,
//   with consistent padding. Frames it has beyond color's range are left out (warning); a missing
//   frame, another size or unreadable PNGs skip the whole modality (warning naming why), since a
//   control video that drifts from the color video by a frame or a few pixels is worse than none.
// - Odd sizes are padded (not scaled) by one black row/column to even sizes, since yuv420p needs
//   even sizes and scaling would blend segmentation colours.
import path from 'node:path';
import {COLOR_FILE, CONTROL_FILES} from '../domain/model.js';

/** Modalities in the order they are converted; each one's video keeps its name (color.mp4, …). */
export const MODALITIES = ['color', 'depth', 'segmentation', 'edge', 'vis'] as const;
export type Modality = (typeof MODALITIES)[number];

/** The file name a prompt's input folder uses for each modality (domain/model.ts). */
export const MODALITY_FILES: Record<Modality, string> = {
	color: COLOR_FILE,
	depth: CONTROL_FILES.depth,
	segmentation: CONTROL_FILES.seg,
	edge: CONTROL_FILES.edge,
	vis: CONTROL_FILES.vis,
};

export type Size = {width: number; height: number};
/** One PNG of the render folder; size null when its header is not a PNG header. */
export type RenderFile = {name: string; size: Size | null};
export type FrameRange = {first: number; last: number; count: number};

export type PlanOptions = {
	/** Absolute path of the render folder. */
	renderDir: string;
	/** Absolute path, or undefined for the folder beside the render folder. */
	out?: string;
	name?: string;
	fps: number;
};

/** What was found for one modality, converted or not. */
export type ModalityFound = {
	modality: Modality;
	frames: FrameRange;
	/** Null when the frames have several sizes or an unreadable header. */
	size: Size | null;
	/** The ffmpeg image2 pattern of its file names, e.g. color.%04d.png. */
	pattern: string | null;
	/** Why it is not converted; absent when it is. */
	skipped?: string;
};

export type Conversion = {modality: Modality; file: string; args: string[]};

export type PreparePlan = {
	source: string;
	name: string;
	output: string;
	fps: number;
	found: ModalityFound[];
	conversions: Conversion[];
	/** color's frames, which every video has; null when there are no usable color frames. */
	frames: FrameRange | null;
	/** The size of the videos (even); null without usable color frames. */
	resolution: [number, number] | null;
	/** PNG names that are no <modality>.<frame>.png. */
	unknown: string[];
	errors: string[];
	warnings: string[];
};

const FRAME_NAME = new RegExp(`^(${MODALITIES.join('|')})\\.(\\d+)\\.png$`);
const SHOWN_NAMES = 5;
const SHOWN_RANGES = 10;

type Frame = {number: number; digits: string; size: Size | null};

export function planPrepare(files: readonly RenderFile[], options: PlanOptions): PreparePlan {
	const errors: string[] = [];
	const warnings: string[] = [];
	const {name, output} = outputFolder(options, errors);
	const byModality = new Map<Modality, Frame[]>();
	const unknown: string[] = [];
	for (const file of files) {
		const match = FRAME_NAME.exec(file.name);
		if (!match) {
			unknown.push(file.name);
			continue;
		}
		const modality = match[1] as Modality;
		const list = byModality.get(modality) ?? [];
		list.push({number: Number(match[2]), digits: match[2]!, size: file.size});
		byModality.set(modality, list);
	}
	unknown.sort();
	if (unknown.length > 0) {
		warnings.push(`${unknown.length} PNG file(s) not named <modality>.<frame>.png (modality: ${MODALITIES.join(', ')}) are ignored: ${listNames(unknown)}`);
	}

	const found: ModalityFound[] = [];
	const color = byModality.get('color');
	let reference: {frames: FrameRange; size: Size} | null = null;
	if (!color) {
		const others = unknown.length > 0 ? `; other PNGs found: ${listNames(unknown)}` : '';
		errors.push(`no color frames (color.<frame>.png) in ${options.renderDir}${others}`);
	} else {
		const checked = checkFrames('color', color);
		found.push(checked.found);
		const problems = checked.problems.map(problem => `color ${problem}`);
		const missing = missingFrames(checked.found.frames, color);
		if (missing.length > 0) problems.push(`color frames ${compactRanges(missing)} are missing`);
		errors.push(...problems);
		if (problems.length === 0 && checked.found.size) reference = {frames: checked.found.frames, size: checked.found.size};
	}

	for (const modality of MODALITIES) {
		const frames = byModality.get(modality);
		if (modality === 'color' || !frames) continue;
		const checked = checkFrames(modality, frames);
		const problems = [...checked.problems];
		if (reference) problems.push(...againstColor(frames, checked.found, reference));
		if (problems.length > 0) {
			checked.found.skipped = problems.join('; ');
			warnings.push(`${modality} is skipped: ${checked.found.skipped}`);
		} else if (reference && checked.found.frames.count > reference.frames.count) {
			const extra = frames.map(f => f.number).filter(n => n < reference.frames.first || n > reference.frames.last);
			warnings.push(`${modality} frames ${compactRanges(extra)} are outside color's frames ${rangeText(reference.frames)} and are left out`);
		}
		found.push(checked.found);
	}

	if (!reference) {
		return {source: options.renderDir, name, output, fps: options.fps, found, conversions: [], frames: null, resolution: null, unknown, errors, warnings};
	}
	const even = {width: roundUpEven(reference.size.width), height: roundUpEven(reference.size.height)};
	const padded = even.width !== reference.size.width || even.height !== reference.size.height;
	if (padded) {
		warnings.push(`frames are ${sizeText(reference.size)}; videos are padded to ${sizeText(even)} (H.264 yuv420p needs even sizes)`);
	}
	const conversions = found
		.filter(f => f.skipped === undefined && f.pattern !== null)
		.map(f => ({
			modality: f.modality,
			file: MODALITY_FILES[f.modality],
			args: ffmpegArgs({
				input: path.join(options.renderDir, f.pattern!),
				first: reference.frames.first,
				count: reference.frames.count,
				fps: options.fps,
				pad: padded,
				output: path.join(output, MODALITY_FILES[f.modality]),
			}),
		}));
	return {
		source: options.renderDir, name, output, fps: options.fps, found, conversions,
		frames: reference.frames, resolution: [even.width, even.height], unknown, errors, warnings,
	};
}

type FfmpegInput = {input: string; first: number; count: number; fps: number; pad: boolean; output: string};

/** ffmpeg's arguments (argv after "ffmpeg"). Paths must be absolute, so none can read as an option or protocol. */
export function ffmpegArgs(spec: FfmpegInput): string[] {
	return [
		// -nostdin: ffmpeg would otherwise read keys from our stdin.
		'-nostdin', '-y', '-loglevel', 'error',
		'-framerate', String(spec.fps),
		'-start_number', String(spec.first),
		// The image2 pattern reads % specially: a % in the folder's path must be doubled.
		'-i', escapePattern(spec.input),
		'-frames:v', String(spec.count),
		'-c:v', 'libx264', '-pix_fmt', 'yuv420p',
		...(spec.pad ? ['-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2'] : []),
		spec.output,
	];
}

/** Replaces the output folder in argv (the plan names the final folder; ffmpeg writes a temp one). */
export function retarget(args: readonly string[], output: string): string[] {
	return [...args.slice(0, -1), path.join(output, path.basename(args.at(-1)!))];
}

function escapePattern(input: string): string {
	const dir = path.dirname(input);
	return path.join(dir.replaceAll('%', '%%'), path.basename(input));
}

/** Frame range, one size, and a padding the %0Nd pattern reproduces for every frame. */
function checkFrames(modality: Modality, frames: Frame[]): {found: ModalityFound; problems: string[]} {
	const problems: string[] = [];
	const sorted = [...frames].sort((a, b) => a.number - b.number);
	const first = sorted[0]!;
	const last = sorted.at(-1)!;
	const range = {first: first.number, last: last.number, count: new Set(sorted.map(f => f.number)).size};
	// The first frame's digits set the width: color.0001.png → %04d, color.1.png → %01d.
	const width = first.digits.length;
	const badPadding = sorted.filter(f => f.digits !== String(f.number).padStart(width, '0'));
	if (badPadding.length > 0) {
		problems.push(`frame numbers are not padded alike (${modality}.${first.digits}.png but ${listNames(badPadding.map(f => `${modality}.${f.digits}.png`))})`);
	}
	const unreadable = sorted.filter(f => f.size === null);
	if (unreadable.length > 0) problems.push(`not PNG files: ${listNames(unreadable.map(f => `${modality}.${f.digits}.png`))}`);
	const sizes = new Set(sorted.filter(f => f.size).map(f => sizeText(f.size!)));
	if (sizes.size > 1) problems.push(`frames have different sizes (${[...sizes].join(', ')})`);
	const size = unreadable.length === 0 && sizes.size === 1 ? first.size : null;
	const pattern = badPadding.length === 0 ? `${modality}.%0${width}d.png` : null;
	return {found: {modality, frames: range, size, pattern}, problems};
}

/** Why a control modality cannot go with the color video, if it cannot. */
function againstColor(frames: Frame[], found: ModalityFound, color: {frames: FrameRange; size: Size}): string[] {
	const problems: string[] = [];
	const missing = missingFrames(color.frames, frames);
	if (missing.length > 0) problems.push(`frames ${compactRanges(missing)} are missing (color has ${rangeText(color.frames)})`);
	if (found.size && sizeText(found.size) !== sizeText(color.size)) {
		problems.push(`frames are ${sizeText(found.size)}, color is ${sizeText(color.size)}`);
	}
	return problems;
}

/** The numbers in range that no frame has. */
function missingFrames(range: FrameRange, frames: readonly Frame[]): number[] {
	const have = new Set(frames.map(f => f.number));
	const missing: number[] = [];
	for (let n = range.first; n <= range.last; n++) if (!have.has(n)) missing.push(n);
	return missing;
}

/** Where the videos go, and the name: --name or the render folder's name, made safe. */
function outputFolder(options: PlanOptions, errors: string[]): {name: string; output: string} {
	const base = path.basename(options.renderDir);
	const name = sanitizeName(options.name ?? base);
	if (name === '') {
		errors.push(options.name === undefined
			? `cannot make a name from the folder name "${base}": give --name`
			: `--name "${options.name}" has no letters or digits`);
	}
	if (options.out !== undefined) return {name, output: options.out};
	const beside = path.join(path.dirname(options.renderDir), name);
	if (beside !== options.renderDir) return {name, output: beside};
	// The render folder's own name would put the videos into it: keep them apart.
	if (options.name === undefined) return {name, output: `${beside}_inputs`};
	errors.push(`--name "${options.name}" would write into the render folder itself: give another --name or --out`);
	return {name, output: beside};
}

/** Lower case letters, digits, _ and -; anything else becomes _ (runs of it one _). */
export function sanitizeName(text: string): string {
	return text.toLowerCase().replaceAll(/[^a-z0-9_-]+/g, '_').replaceAll(/^[_-]+|[_-]+$/g, '').slice(0, 80);
}

/** 12–14, 20 for [12, 13, 14, 20]; at most SHOWN_RANGES ranges, then how many more frames. */
export function compactRanges(numbers: readonly number[]): string {
	const ranges: Array<[number, number]> = [];
	for (const n of [...numbers].sort((a, b) => a - b)) {
		const lastRange = ranges.at(-1);
		if (lastRange && n === lastRange[1] + 1) lastRange[1] = n;
		else if (!lastRange || n !== lastRange[1]) ranges.push([n, n]);
	}
	const shown = ranges.slice(0, SHOWN_RANGES).map(([a, b]) => (a === b ? String(a) : `${a}–${b}`));
	const hidden = ranges.slice(SHOWN_RANGES).reduce((sum, [a, b]) => sum + b - a + 1, 0);
	return hidden > 0 ? `${shown.join(', ')} and ${hidden} more` : shown.join(', ');
}

export const rangeText = (range: FrameRange): string => (range.first === range.last ? `${range.first}` : `${range.first}–${range.last}`);
export const sizeText = (size: Size): string => `${size.width}x${size.height}`;
const roundUpEven = (n: number): number => n + (n % 2);

function listNames(names: readonly string[]): string {
	const shown = names.slice(0, SHOWN_NAMES).join(', ');
	return names.length > SHOWN_NAMES ? `${shown} and ${names.length - SHOWN_NAMES} more` : shown;
}
