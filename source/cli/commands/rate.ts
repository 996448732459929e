// rate and note: a person's verdict on a run (1–5, or none) and a free-text remark.
import {parseRating, ratingStars} from '../../domain/rating.js';
import type {Command} from '../command.js';

export const rateCommand: Command = {
	name: 'rate',
	args: '<run-id> <1-5|none>',
	summary: 'rate a run 1 to 5 (none removes the rating); list runs --rating 4+ and --sort rating use it',
	flags: ['json'],
	minArgs: 2,
	maxArgs: 2,
	complete: {args: ['run-id', ['1', '2', '3', '4', '5', 'none']]},
	async run(context, [id, value]) {
		const rating = parseRating(value!);
		const service = await context.service();
		const run = await service.rateRun(service.resolveId('runs', id!), rating);
		if (context.flags.json) return context.out.json(run);
		context.out.info(rating === null ? `${run.id}: rating removed` : `${run.id} rated ${ratingStars(rating)} (${rating})`);
	},
};

export const noteCommand: Command = {
	name: 'note',
	args: '<run-id> <text>',
	summary: 'put a note on a run ("" removes it); show and the UI\'s details show it',
	flags: ['json'],
	minArgs: 2,
	maxArgs: 2,
	complete: {args: ['run-id', 'none']},
	async run(context, [id, text]) {
		const service = await context.service();
		const run = await service.noteRun(service.resolveId('runs', id!), text!);
		if (context.flags.json) return context.out.json(run);
		context.out.info(run.note ? `${run.id}: note saved` : `${run.id}: note removed`);
	},
};
