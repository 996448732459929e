// run, inference and rerun: create runs, then launch them detached or follow them to the end.
import type {Run} from '../../domain/model.js';
import {formatDuration} from '../../format/format.js';
import type {WorkflowService} from '../../service/workflow-service.js';
import type {Command, Context} from '../command.js';
import {RUN_FLAGS, runChanges} from '../flags.js';

export const runCommand: Command = {
	name: 'run',
	args: '<text> [video_dir]',
	summary: 'create a prompt and run it (without video_dir: the folder used last)',
	flags: [...RUN_FLAGS, 'name', 'negative'],
	minArgs: 1,
	maxArgs: 2,
	async run(context, [text, videoDir]) {
		const changes = runChanges(context.flags);
		const service = await context.service();
		service.execution.requireHost();
		const {run} = await service.createPromptAndRun(text!, videoDir, changes, {
			name: context.flags.name,
			negative: context.flags.negative,
		});
		return startRuns(context, service, [run]);
	},
};

export const inferenceCommand: Command = {
	name: 'inference',
	args: '<prompt-id>...',
	summary: 'run one or more existing prompts',
	flags: RUN_FLAGS,
	minArgs: 1,
	maxArgs: 100,
	async run(context, ids) {
		const changes = runChanges(context.flags);
		const service = await context.service();
		service.execution.requireHost();
		const promptIds = ids.map(id => service.resolveId('prompts', id));
		const runs: Run[] = [];
		for (const id of promptIds) runs.push(await service.createRun(id, changes));
		return startRuns(context, service, runs);
	},
};

export const rerunCommand: Command = {
	name: 'rerun',
	args: '<run-id>',
	summary: "run a run's prompt again with its weights and parameters, changed by the flags",
	flags: RUN_FLAGS,
	minArgs: 1,
	maxArgs: 1,
	async run(context, [id]) {
		const changes = runChanges(context.flags);
		const service = await context.service();
		service.execution.requireHost();
		const run = await service.rerun(service.resolveId('runs', id!), changes);
		return startRuns(context, service, [run]);
	},
};

/** Launches runs; with --detach prints their ids, else streams their logs until they end. */
async function startRuns(context: Context, service: WorkflowService, runs: Run[]): Promise<number> {
	const {out, flags} = context;
	if (flags.detach) {
		const launched: Run[] = [];
		for (const run of runs) {
			launched.push(await service.launchRun(run.id));
			if (!flags.json) out.line(run.id);
		}
		if (flags.json) out.json(launched);
		return 0;
	}
	const finished = await followRuns(context, service, runs, (run, signal) => service.executeRun(run.id, {signal}));
	if (finished === null) return 130;
	if (flags.json) out.json(finished);
	return finished.every(run => run.status === 'success') ? 0 : 1;
}

/**
 * Drives runs (execute, or reattach) while streaming their log and progress.
 * ctrl-c detaches: the runs go on on the host. Returns null when detached.
 */
export async function followRuns(
	context: Context,
	service: WorkflowService,
	runs: Run[],
	drive: (run: Run, signal: AbortSignal) => Promise<Run>,
): Promise<Run[] | null> {
	const {out} = context;
	const ids = new Set(runs.map(run => run.id));
	const prefix = (id: string) => (runs.length > 1 ? `${out.paint('dim', id)} ` : '');
	const offLog = service.events.on('log', ({runId, line}) => {
		if (ids.has(runId) && !context.flags.json) out.line(prefix(runId) + out.remote(line));
	});
	const offProgress = service.events.on('progress', ({run_id, stage, fraction, message}) => {
		if (ids.has(run_id)) out.info(`${prefix(run_id)}» ${stage} ${Math.round(fraction * 100)}% ${out.remote(message)}`);
	});
	const abort = new AbortController();
	const onInterrupt = () => abort.abort();
	process.once('SIGINT', onInterrupt);
	try {
		const finished = await Promise.all(runs.map(run => drive(run, abort.signal)));
		if (abort.signal.aborted) {
			for (const run of runs) {
				out.info(`detached: run ${run.id} keeps going on the host; follow it with: cosmos-tui logs --follow ${run.id}`);
			}
			return null;
		}
		for (const run of finished) out.info(summary(context, run));
		return finished;
	} finally {
		process.removeListener('SIGINT', onInterrupt);
		offLog();
		offProgress();
	}
}

export function summary({out}: Context, run: Run): string {
	const duration = typeof run.metrics['duration_s'] === 'number' ? ` in ${formatDuration(run.metrics['duration_s'])}` : '';
	const detail = run.status === 'success'
		? run.outputs.video ? `; output: ${run.outputs.video}` : ''
		: run.error_message ? `: ${run.error_message}` : '';
	return `run ${run.id} ${out.status(run.status)}${duration}${detail}`;
}
