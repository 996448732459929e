// run, inference and rerun: queue runs, then print their ids (--detach) or stream them to the end.
// The scheduler in a background worker launches and follows them; these commands only watch.
import type {Run} from '../../domain/model.js';
import {formatDuration} from '../../format/format.js';
import {chooseNotifyKind, notification, runEndedText} from '../../format/notify.js';
import type {QueueView} from '../../service/queue.js';
import type {WorkflowService} from '../../service/workflow-service.js';
import type {Command, Context} from '../command.js';
import {RUN_FLAGS, runChanges, submitOptions} from '../flags.js';

export const runCommand: Command = {
	name: 'run',
	args: '<text> [video_dir]',
	summary: 'create a prompt and queue a run of it (without video_dir: the folder used last)',
	flags: [...RUN_FLAGS, 'name', 'negative'],
	minArgs: 1,
	maxArgs: 2,
	complete: {args: ['none', 'dir']},
	async run(context, [text, videoDir]) {
		const changes = runChanges(context.flags);
		const submit = submitOptions(context.flags);
		const service = await context.service();
		const {run} = await service.createPromptAndRun(text!, videoDir, changes, {
			name: context.flags.name,
			negative: context.flags.negative,
		}, submit);
		return watchRuns(context, service, [run]);
	},
};

export const inferenceCommand: Command = {
	name: 'inference',
	args: '<prompt-id>...',
	summary: 'queue a run of each of these prompts',
	flags: RUN_FLAGS,
	minArgs: 1,
	maxArgs: 100,
	complete: {args: ['prompt-id']},
	async run(context, ids) {
		const changes = runChanges(context.flags);
		const submit = submitOptions(context.flags);
		const service = await context.service();
		service.hosts.requireAny(); // before "no such prompt": the setup problem comes first
		const promptIds = ids.map(id => service.resolveId('prompts', id));
		const runs: Run[] = [];
		for (const id of promptIds) runs.push(await service.createRun(id, changes, null, submit));
		return watchRuns(context, service, runs);
	},
};

export const rerunCommand: Command = {
	name: 'rerun',
	args: '<run-id>',
	summary: "queue a run's prompt again with its weights and parameters, changed by the flags",
	flags: RUN_FLAGS,
	minArgs: 1,
	maxArgs: 1,
	complete: {args: ['run-id']},
	async run(context, [id]) {
		const changes = runChanges(context.flags);
		const submit = submitOptions(context.flags);
		const service = await context.service();
		service.hosts.requireAny();
		const run = await service.rerun(service.resolveId('runs', id!), changes, submit);
		return watchRuns(context, service, [run]);
	},
};

/** With --detach prints the queued runs' ids; else streams their logs until they end. */
export async function watchRuns(context: Context, service: WorkflowService, runs: Run[]): Promise<number> {
	const {out, flags} = context;
	if (flags.detach) {
		if (flags.json) out.json(runs);
		else for (const run of runs) out.line(run.id);
		return 0;
	}
	const finished = await followRuns(context, service, runs, 0);
	if (finished === null) return 130;
	announceEnd(context, service, finished);
	if (flags.json) out.json(finished);
	return finished.every(run => run.status === 'success') ? 0 : 1;
}

/**
 * Streams runs' logs (from `fromLine`) and their status and progress until they end. ctrl-c
 * detaches: the runs go on. Returns null when detached.
 */
export async function followRuns(context: Context, service: WorkflowService, runs: Run[], fromLine: number): Promise<Run[] | null> {
	const {out} = context;
	const ids = new Set(runs.map(run => run.id));
	const prefix = (id: string) => (runs.length > 1 ? `${out.paint('dim', id)} ` : '');
	const offLog = service.events.on('log', ({runId, line}) => {
		if (ids.has(runId) && !context.flags.json) out.line(prefix(runId) + out.remote(line));
	});
	const offProgress = service.events.on('progress', ({run_id, stage, fraction, message}) => {
		if (ids.has(run_id)) out.info(`${prefix(run_id)}» ${stage} ${Math.round(fraction * 100)}% ${out.remote(message)}`);
	});
	// Status changes the progress does not tell (placed on a host, a cancel).
	const shown = new Map(runs.map(run => [run.id, run.status as string]));
	const offUpdate = service.events.on('run-updated', run => {
		if (!ids.has(run.id) || shown.get(run.id) === run.status) return;
		shown.set(run.id, run.status);
		if (run.status === 'launching' && run.placement) out.info(`${prefix(run.id)}» placed on ${run.placement.host} GPU ${run.placement.gpus.join(',')}`);
		else if (run.status === 'queued') out.info(`${prefix(run.id)}» queued again`);
	});
	const {queued} = service.queueView();
	for (const run of runs) out.info(`${prefix(run.id)}» ${queuedLine(queued, run)}`);
	const abort = new AbortController();
	const onInterrupt = () => abort.abort();
	process.once('SIGINT', onInterrupt);
	try {
		const finished = await Promise.all(runs.map(run => service.streamRun(run.id, fromLine, {signal: abort.signal})));
		if (abort.signal.aborted) {
			for (const run of runs) out.info(`detached: run ${run.id} goes on; follow it with: ${context.invocation} logs --follow ${run.id}`);
			return null;
		}
		for (const run of finished) out.info(summary(context, run));
		return finished;
	} finally {
		process.removeListener('SIGINT', onInterrupt);
		offLog();
		offProgress();
		offUpdate();
	}
}

/**
 * The bell or a desktop notification ([ui] notify) once the followed runs have ended, for whoever
 * switched to another window meanwhile. Only on a terminal: never into a file or a pipe.
 */
function announceEnd(context: Context, service: WorkflowService, runs: readonly Run[]): void {
	const stderr = context.out.stderr;
	if (!stderr.isTTY || runs.length === 0) return;
	const kind = chooseNotifyKind(context.config.config.ui.notify, context.env);
	const first = runs[0]!;
	const text = runs.length === 1
		? runEndedText({runId: first.id, status: first.status, promptName: service.getPromptOrNull(first.prompt_id)?.name ?? null})
		: `${runs.length} runs ended: ${endedCounts(runs)}`;
	const sequence = notification(kind, 'cosmos-tui', text);
	if (sequence !== '') stderr.write(sequence);
}

/** "2 success, 1 failed" */
function endedCounts(runs: readonly Run[]): string {
	const counts = new Map<string, number>();
	for (const run of runs) counts.set(run.status, (counts.get(run.status) ?? 0) + 1);
	return [...counts].map(([status, count]) => `${count} ${status}`).join(', ');
}

/** "queued (2 of 5: waiting for 1 GPU(s): gpu-1: 0 of 2 free)" for a queued run, else its status. */
function queuedLine(queued: QueueView['queued'], run: Run): string {
	const entry = queued.find(item => item.run.id === run.id);
	return entry ? `queued (${entry.position} of ${queued.length}: ${entry.reason})` : run.status;
}

export function summary({out}: Context, run: Run): string {
	const duration = typeof run.metrics['duration_s'] === 'number' ? ` in ${formatDuration(run.metrics['duration_s'])}` : '';
	const detail = run.status === 'success'
		? run.outputs.video ? `; output: ${run.outputs.video}` : ''
		: run.error_message ? `: ${run.error_message}` : '';
	return `run ${run.id} ${out.status(run.status)}${duration}${detail}`;
}
