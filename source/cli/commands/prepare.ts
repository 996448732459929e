// prepare: rendered PNG sequences (color.0001.png, depth.0001.png, …) → a prompt's input folder of MP4s.
import path from 'node:path';
import {UsageError} from '../../domain/errors.js';
import {parseDecimal} from '../../domain/validate.js';
import {buildCommand, quoteArg} from '../../executor/shell-quote.js';
import {MODALITY_FILES, rangeText, sizeText, type PreparePlan} from '../../service/prepare-plan.js';
import {prepareRenders} from '../../service/prepare.js';
import type {Command, Context} from '../command.js';

const DEFAULT_FPS = 24;

export const prepareCommand: Command = {
	name: 'prepare',
	args: '<render_dir>',
	summary: 'turn rendered PNG sequences (color.0001.png, depth.0001.png, …) into an input folder of MP4s for prompt create (needs ffmpeg)',
	flags: ['name', 'fps', 'out', 'dryRun', 'json'],
	flagHelp: {
		name: 'the output folder\'s name, next to the render folder (default: the render folder\'s)',
		fps: 'frames per second of the videos (default 24)',
		out: 'the output folder (default: next to the render folder)',
		dryRun: 'show the frames found, the problems and the ffmpeg commands; write nothing',
	},
	minArgs: 1,
	maxArgs: 1,
	complete: {args: ['dir']},
	async run(context, [renderDir]) {
		const {flags, out} = context;
		const fps = fpsFlag(flags.fps);
		const {plan, metadata} = await prepareRenders(path.resolve(context.cwd, renderDir!), {
			fps,
			dryRun: Boolean(flags.dryRun),
			...(flags.name === undefined ? {} : {name: flags.name}),
			...(flags.out === undefined ? {} : {out: path.resolve(context.cwd, flags.out)}),
		});
		const next = nextStep(context, plan.output);
		if (flags.dryRun) {
			if (flags.json) out.json({dry_run: true, ...plan, next});
			else printPlan(context, plan);
			return plan.errors.length > 0 ? 1 : 0;
		}
		if (flags.json) return out.json({...plan, metadata, next});
		for (const warning of plan.warnings) out.info(`warning: ${warning}`);
		const files = [...plan.conversions.map(c => c.file), 'metadata.json'];
		out.line(`prepared ${plan.output}`);
		out.line(`  ${plan.frames!.count} frames at ${plan.fps} fps, ${plan.resolution!.join('x')}: ${files.join(', ')}`);
		out.line(`  next: ${next}`);
	},
};

/** A whole number of frames per second, 1–240. */
function fpsFlag(text: string | undefined): number {
	if (text === undefined) return DEFAULT_FPS;
	const fps = parseDecimal(text);
	if (!Number.isInteger(fps) || fps < 1 || fps > 240) throw new UsageError(`--fps must be a whole number from 1 to 240, got "${text}"`);
	return fps;
}

/** The prompt create line for the new folder, ready to paste (the folder quoted for the shell). */
function nextStep({invocation, cwd}: Context, output: string): string {
	const relative = path.relative(cwd, output);
	const shown = relative !== '' && relative.length < output.length ? relative : output;
	return `${invocation} prompt create '<describe the scene>' ${quoteArg(shown)}`;
}

function printPlan({out}: Context, plan: PreparePlan): void {
	out.line(`dry run: nothing is written`);
	out.line(`source  ${plan.source}`);
	out.line(`output  ${plan.output}`);
	if (plan.found.length > 0) {
		out.table(['modality', 'frames', 'size', 'video'], plan.found.map(found => [
			found.modality,
			`${rangeText(found.frames)} (${found.frames.count})`,
			found.size ? sizeText(found.size) : '-',
			found.skipped === undefined && plan.errors.length === 0 ? MODALITY_FILES[found.modality] : found.skipped ?? '-',
		]));
	}
	for (const warning of plan.warnings) out.line(`warning: ${warning}`);
	for (const error of plan.errors) out.line(`error: ${error}`);
	if (plan.errors.length > 0) return out.info(`dry run: ${plan.errors.length} error(s); prepare would make nothing`);
	out.line('ffmpeg commands:');
	for (const conversion of plan.conversions) out.line(`  ${buildCommand(['ffmpeg', ...conversion.args])}`);
	out.line(`then metadata.json, and the folder is moved into place`);
}
