// queue, cancel (kill) and worker: the scheduler's commands. Each asks the service and prints.
import {batchLabel} from '../../domain/batch.js';
import {UsageError} from '../../domain/errors.js';
import {formatDuration, formatWeights, startsIn} from '../../format/format.js';
import {MOVES, type Move} from '../../service/scheduler/queue-order.js';
import type {QueueView} from '../../service/queue.js';
import type {Command, Context} from '../command.js';
import type {Flags} from '../flags.js';
import {summary} from './run.js';

export const queueCommand: Command = {
	name: 'queue',
	args: '[move <run-id> | pause | resume]',
	summary: 'the queue and the GPUs; move a queued run (--top/--up/--down/--bottom); pause or resume a host (all without a name)',
	flags: ['json', 'top', 'up', 'down', 'bottom'],
	minArgs: 0,
	maxArgs: 2,
	complete: {subcommands: {move: ['run-id'], pause: ['host'], resume: ['host']}},
	async run(context, [sub, target]) {
		const service = await context.service();
		const {out} = context;
		if (sub === undefined) {
			if (movesIn(context.flags).length > 0) throw new UsageError('--top/--up/--down/--bottom go with: queue move <run-id>');
			const view = service.queueView();
			return context.flags.json ? out.json(view) : printQueue(context, view);
		}
		if (sub === 'move') {
			if (target === undefined) throw new UsageError(`usage: ${context.invocation} queue move <run-id> --top|--up|--down|--bottom`);
			const moves = movesIn(context.flags);
			if (moves.length !== 1) throw new UsageError('give one of --top, --up, --down, --bottom');
			const run = await service.moveRun(service.resolveId('runs', target), moves[0]!);
			if (context.flags.json) return out.json(run);
			const position = service.queueView().queued.findIndex(entry => entry.run.id === run.id) + 1;
			return out.info(`run ${run.id} is now ${position} in the queue`);
		}
		if (sub === 'pause' || sub === 'resume') {
			const names = sub === 'pause' ? await service.pauseHosts(target) : await service.resumeHosts(target);
			if (context.flags.json) return out.json(names);
			return out.info(`${sub === 'pause' ? 'paused (runs there go on; nothing new starts)' : 'resumed'}: ${names.join(', ')}`);
		}
		throw new UsageError(`unknown subcommand "queue ${sub}" (use: queue, queue move, queue pause, queue resume)`);
	},
};

function movesIn(flags: Flags): Move[] {
	return MOVES.filter(move => flags[move]);
}

export const cancelCommand: Command = {
	name: 'cancel',
	args: '<run-id>',
	summary: 'stop a run in any state: queued (leaves the queue), launching (upload aborted), running (SIGTERM, then SIGKILL)',
	flags: ['acceptNewHostKey', 'json'],
	minArgs: 1,
	maxArgs: 1,
	complete: {args: ['run-id']},
	async run(context, [id]) {
		const service = await context.service();
		const runId = service.resolveId('runs', id!);
		await service.cancelRun(runId);
		const run = await service.waitForRun(runId);
		if (context.flags.json) return context.out.json(run);
		context.out.info(summary(context, run));
	},
};

export const killCommand: Command = {...cancelCommand, name: 'kill', summary: 'the same as cancel'};

export const workerCommand: Command = {
	name: 'worker',
	args: '',
	summary: 'dispatch queued runs in the foreground (started in the background by itself when needed); --once: until the queue is empty',
	flags: ['once', 'acceptNewHostKey'],
	minArgs: 0,
	maxArgs: 0,
	async run(context) {
		const service = await context.service();
		const abort = new AbortController();
		const onSignal = () => abort.abort();
		process.once('SIGINT', onSignal);
		process.once('SIGTERM', onSignal);
		const offNotice = service.events.on('notice', ({message}) => context.out.info(`${new Date().toISOString()} ${context.out.remote(message)}`));
		const said = new Map<string, string>();
		const offUpdate = service.events.on('run-updated', run => {
			if (said.get(run.id) === run.status) return;
			said.set(run.id, run.status);
			context.out.info(`${new Date().toISOString()} ${run.id} ${run.status}${run.placement ? ` on ${run.placement.host} GPU ${run.placement.gpus.join(',')}` : ''}`);
		});
		try {
			const holder = service.queueView().worker;
			if (holder) context.out.info(`another worker (pid ${holder.pid}) dispatches; this one takes over if it stops`);
			const result = await service.runWorker({
				once: Boolean(context.flags.once),
				standby: true,
				signal: abort.signal,
				onDispatching: () => context.out.info(`${new Date().toISOString()} dispatching runs (pid ${process.pid}); ctrl-c stops dispatching, runs go on`),
			});
			if (result === 'idle' && holder) context.out.info('the queue is empty; nothing to take over');
			return 0;
		} finally {
			offNotice();
			offUpdate();
			process.removeListener('SIGINT', onSignal);
			process.removeListener('SIGTERM', onSignal);
		}
	},
};

function printQueue({out}: Context, view: QueueView): void {
	out.line(view.worker ? `worker    pid ${view.worker.pid} (${view.worker.holder})` : 'worker    none (one starts when a run is queued)');
	for (const host of view.hosts) {
		const gpus = host.gpus === null
			? `GPUs unknown${host.problem ? `: ${host.problem}` : ''}`
			: host.gpus.map(gpu => `${gpu.index}:${gpu.run_id ?? (gpu.busy ? 'busy (other processes)' : 'free')}`).join('  ');
		out.line(`${out.paint('bold', host.name)}${host.paused ? out.paint('yellow', ' (paused)') : ''}  ${out.remote(gpus)}`);
	}
	if (view.active.length > 0) {
		out.line();
		out.table(
			['RUN', 'STATUS', 'HOST', 'GPUS', 'STAGE', 'ELAPSED'],
			view.active.map(run => [
				run.id,
				out.status(run.status),
				run.placement?.host ?? '-',
				run.placement?.gpus.join(',') ?? '-',
				`${run.progress ? `${run.progress.stage} ${Math.round(run.progress.fraction * 100)}%` : '-'}${run.batch ? ` (${batchLabel(run.batch)})` : ''}`,
				formatDuration(run.started_at ? (Date.now() - Date.parse(run.started_at)) / 1000 : null),
			]),
		);
	}
	out.line();
	if (view.queued.length === 0) return out.line('queue is empty');
	out.table(
		['#', 'RUN', 'PRIO', 'HOST', 'GPUS', 'WEIGHTS', 'EXPECTED START', 'WHY'],
		view.queued.map(entry => [
			String(entry.position),
			entry.run.id,
			String(entry.run.priority),
			entry.run.host ?? 'any',
			String(entry.run.parameters.num_gpus),
			formatWeights(entry.run.control_weights),
			startsIn(entry.expected_start, Date.now()),
			out.remote(entry.reason),
		]),
	);
}
