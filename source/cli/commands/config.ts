// config show: the effective configuration and where each value came from.
import {configReport, formatConfigReport} from '../../config/config-report.js';
import {configCandidates} from '../../config/load-config.js';
import {UsageError} from '../../domain/errors.js';
import type {Command} from '../command.js';

export const configCommand: Command = {
	name: 'config',
	args: 'show',
	summary: 'print the effective config and where each value came from: the file, an environment variable, a flag, or the default',
	flags: ['json'],
	minArgs: 1,
	maxArgs: 1,
	complete: {subcommands: {show: []}},
	async run(context, [sub]) {
		if (sub !== 'show') throw new UsageError(`unknown subcommand "config ${sub}" (use: config show)`);
		const report = configReport(context.config, {dataDir: context.flags.dataDir});
		if (context.flags.json) return context.out.json(report);
		const lookedIn = configCandidates({flag: context.flags.config, env: context.env, cwd: context.cwd}).map(candidate => candidate.file);
		for (const line of formatConfigReport(report, lookedIn)) context.out.line(line);
	},
};
