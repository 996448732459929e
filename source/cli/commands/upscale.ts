// upscale: a finished run's output to 4K with upstream's upscaler, as a new run linked to it.
import {UsageError} from '../../domain/errors.js';
import {parseDecimal} from '../../domain/validate.js';
import type {Command} from '../command.js';
import {SUBMIT_FLAGS, submitOptions} from '../flags.js';
import {watchRuns} from './run.js';

export const upscaleCommand: Command = {
	name: 'upscale',
	args: '<run-id>',
	summary: "queue a 4K upscale of a finished run's output (a new run; its video arrives as output_4k.mp4)",
	flags: ['weight', 'prompt', ...SUBMIT_FLAGS],
	flagHelp: {weight: "the upscale control's weight, 0 to 1 (default 0.5)", prompt: "the upscaler's prompt (default: the run's prompt text)"},
	minArgs: 1,
	maxArgs: 1,
	complete: {args: ['run-id']},
	async run(context, [id]) {
		const {flags} = context;
		const weight = flags.weight === undefined ? undefined : parseDecimal(flags.weight);
		if (weight !== undefined && !(weight >= 0 && weight <= 1)) throw new UsageError(`--weight must be a number from 0 to 1, got "${flags.weight}"`);
		const submit = submitOptions(flags);
		const service = await context.service();
		service.hosts.requireAny();
		const run = await service.upscaleRun(service.resolveId('runs', id!), {...(weight !== undefined && {weight}), ...(flags.prompt !== undefined && {prompt: flags.prompt})}, submit);
		return watchRuns(context, service, [run]);
	},
};
