import {UsageError} from '../../domain/errors.js';
import {INPUT_ROLES} from '../../domain/model.js';
import type {Command} from '../command.js';

export const promptCommand: Command = {
	name: 'prompt',
	args: 'create <text> <video_dir>',
	summary: 'create a prompt from text and a folder holding color.mp4 (and optional control videos)',
	flags: ['name', 'negative', 'json'],
	minArgs: 3,
	maxArgs: 3,
	complete: {subcommands: {create: ['none', 'dir']}},
	async run(context, [sub, text, videoDir]) {
		if (sub !== 'create') throw new UsageError(`unknown subcommand "prompt ${sub}" (use: prompt create <text> <video_dir>)`);
		const service = await context.service();
		const {prompt, created, kept} = await service.createPrompt({
			text: text!,
			videoDir: videoDir!,
			name: context.flags.name,
			negative: context.flags.negative,
		});
		const {out} = context;
		if (kept.length > 0) {
			out.info(`note: this prompt exists already with another ${kept.join(' and ')}; the stored one was kept (the same text and videos make the same prompt)`);
		}
		if (context.flags.json) return out.json(prompt);
		out.line(`${created ? 'created' : 'already exists:'} prompt ${out.paint('bold', prompt.id)} (${prompt.name})`);
		out.line(`  inputs: ${INPUT_ROLES.filter(role => prompt.inputs[role]).join(', ')} from ${prompt.video_dir}`);
		out.line(`  next:   ${context.invocation} inference ${prompt.id}`);
	},
};
