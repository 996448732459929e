// logs, kill and status: the commands that look at or act on the GPU host.
import {UsageError} from '../../domain/errors.js';
import {sanitizeForTerminal, stripAnsi} from '../../ui/text/sanitize.js';
import type {Command} from '../command.js';
import {followRuns, summary} from './run.js';

export const logsCommand: Command = {
	name: 'logs',
	args: '<run-id>',
	summary: "print a run's saved log; --follow keeps streaming until the run ends",
	flags: ['follow', 'tail', 'acceptNewHostKey'],
	minArgs: 1,
	maxArgs: 1,
	async run(context, [id]) {
		const tail = context.flags.tail === undefined ? Number.MAX_SAFE_INTEGER : Number(context.flags.tail);
		if (!Number.isInteger(tail) || tail < 0) throw new UsageError(`--tail must be a whole number, got "${context.flags.tail}"`);
		const service = await context.service();
		const run = service.getRun(service.resolveId('runs', id!));
		const {out} = context;
		const clean = (line: string) => (out.color ? sanitizeForTerminal(line) : stripAnsi(sanitizeForTerminal(line)));
		for (const line of await service.readLogTail(run.id, tail)) out.line(clean(line));
		if (!context.flags.follow || (run.status !== 'running' && run.status !== 'pending')) return 0;
		const finished = await followRuns(context, service, [run], false);
		return finished === null ? 130 : finished[0]?.status === 'success' ? 0 : 1;
	},
};

export const killCommand: Command = {
	name: 'kill',
	args: '<run-id>',
	summary: "stop exactly this run's container (SIGTERM, then SIGKILL); the run becomes cancelled",
	flags: ['acceptNewHostKey', 'json'],
	minArgs: 1,
	maxArgs: 1,
	async run(context, [id]) {
		const service = await context.service();
		const run = await service.killRun(service.resolveId('runs', id!));
		if (context.flags.json) return context.out.json(run);
		context.out.info(summary(context, run));
	},
};

export const statusCommand: Command = {
	name: 'status',
	args: '',
	summary: 'the GPU host: connection, docker, GPUs, cosmos-tui containers, and runs out of step with them',
	flags: ['acceptNewHostKey', 'json'],
	minArgs: 0,
	maxArgs: 0,
	async run(context) {
		const service = await context.service();
		const status = await service.hostStatus();
		if (context.flags.json) return context.out.json(status);
		context.out.json(status);
	},
};
