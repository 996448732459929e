// sweep: queue the cartesian product of weight and parameter values as one sweep.
import {UsageError} from '../../domain/errors.js';
import {SWEEP_AXES, type SweepAxes, parseAxis, pointLabel} from '../../domain/sweep.js';
import type {Command} from '../command.js';
import {type FlagName, submitOptions} from '../flags.js';
import {watchRuns} from './run.js';

const DEFAULT_MAX = 64;

/** Each sweep axis is the flag of the same name (--steps for num_steps). */
const AXIS_FLAGS = SWEEP_AXES satisfies readonly FlagName[];

export const sweepCommand: Command = {
	name: 'sweep',
	args: '<prompt-id|run-id>',
	summary: 'queue one run per combination of the given values (--vis 0.1:0.5:0.2 --edge 0.2,0.6 --seed 1..4)',
	flags: [...AXIS_FLAGS, 'max', 'dryRun', 'priority', 'host', 'detach', 'json', 'acceptNewHostKey'],
	minArgs: 1,
	maxArgs: 1,
	complete: {args: ['prompt-or-run-id']},
	async run(context, [from]) {
		const {flags, out} = context;
		const axes: SweepAxes = {};
		for (const axis of AXIS_FLAGS) {
			const text = flags[axis];
			if (text !== undefined) axes[axis] = parseAxis(axis, text);
		}
		const max = flags.max === undefined ? DEFAULT_MAX : Number(flags.max);
		if (!Number.isInteger(max) || max < 1 || max > 10_000) throw new UsageError(`--max must be a whole number from 1 to 10000, got "${flags.max}"`);
		const service = await context.service();
		const {sweep, runs, points} = await service.createSweep({from: from!, axes, submit: submitOptions(flags), max, dryRun: Boolean(flags.dryRun)});
		if (flags.dryRun) {
			if (flags.json) return out.json({sweep, points});
			out.info(`dry run: ${points.length} run(s) of prompt ${sweep.prompt_id}; nothing was queued`);
			for (const point of points) out.line(pointLabel(point, axes));
			return 0;
		}
		out.info(`sweep ${sweep.id}: ${runs.length} run(s) queued`);
		return watchRuns(context, service, runs);
	},
};
