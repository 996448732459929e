// enhance: the prompt upsampler (Pixtral) on a prompt, on a GPU host, as a run; its text becomes a
// new prompt linked to the original (service/enhance.ts).
import type {Command} from '../command.js';
import {SUBMIT_FLAGS, submitOptions} from '../flags.js';
import {watchRuns} from './run.js';

export const enhanceCommand: Command = {
	name: 'enhance',
	args: '<prompt-id>',
	summary: 'queue the prompt upsampler (Pixtral) on a prompt: its rewrite becomes a new prompt, linked to the original (which stays as it is)',
	flags: [...SUBMIT_FLAGS],
	minArgs: 1,
	maxArgs: 1,
	complete: {args: ['prompt-id']},
	async run(context, [id]) {
		const {out, flags} = context;
		const submit = submitOptions(flags);
		const service = await context.service();
		service.hosts.requireAny();
		const original = service.getPrompt(service.resolveId('prompts', id!));
		const run = await service.enhancePrompt(original.id, submit);
		const code = await watchRuns(context, service, [run]);
		const made = flags.detach ? null : service.getRunOrNull(run.id)?.enhance?.prompt_id;
		const prompt = made ? service.getPromptOrNull(made) : null;
		if (prompt && !flags.json) out.info(`prompt ${prompt.id} "${out.remote(prompt.name)}" enhanced from ${original.id}: ${out.remote(prompt.prompt_text)}`);
		return code;
	},
};
