// Follows a container's log to its end with `docker logs -f`, exactly once per line: the first
// `skipLines` lines (already saved locally) only feed the progress parser, and after a dropped
// connection the log is replayed and everything already seen is skipped. This is exact because
// the container writes one merged stream (MERGE_STDERR), and the line splitter gives the same
// lines for the same text however it is chunked.
import {HostError} from '../domain/errors.js';
import {dockerInspectArgs, dockerLogsArgs, parseInspectState, type ContainerState} from './docker-command.js';
import type {ExecutorEvents} from './executor.js';
import {ConnectionLostError, type HostShell, sleep} from './host-shell.js';
import {createLineSplitter} from './line-splitter.js';
import {type ParserState, type ProgressUpdate, createParserState, parseProgress} from './progress-parser.js';
import {createStallWatchdog} from './stall-watchdog.js';

export type FollowLogsParams = {
	shell: HostShell;
	docker: string;
	container: string;
	skipLines: number;
	events: ExecutorEvents;
	stallMs: number;
	signal?: AbortSignal;
	/** Lines kept for the failure classifier. */
	tailSize?: number;
};

export type FollowLogsResult = {
	/** null: the container is gone (removed, or the host's Docker lost it). */
	state: ContainerState | null;
	lines: number;
	tail: string[];
	parser: ParserState;
	reconnects: number;
};

const GONE = /no such (?:container|object)|no container with (?:name|id)/i;
const STILL_RUNNING = new Set(['running', 'created', 'restarting', 'paused', 'configured', 'initialized']);

/** Worth telling the service: a new stage or message, or the fraction moved by at least 0.1 %. */
export function meaningful(update: ProgressUpdate, last: ProgressUpdate | null): boolean {
	return last === null || update.stage !== last.stage || update.message !== last.message || update.fraction - last.fraction >= 0.001;
}

/** Runs an operation again while the connection drops under it (the shell reconnects with backoff). */
export async function retryOnLoss<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
	for (;;) {
		try {
			return await work();
		} catch (error) {
			if (!(error instanceof ConnectionLostError) || signal?.aborted) throw error;
		}
	}
}

export async function inspectContainer(shell: HostShell, docker: string, container: string, signal?: AbortSignal): Promise<ContainerState | null> {
	const result = await retryOnLoss(() => shell.exec(dockerInspectArgs(docker, container), {signal}), signal);
	if (result.code === 0) {
		const state = parseInspectState(result.stdout);
		if (state) return state;
	}
	if (GONE.test(result.stderr) || GONE.test(result.stdout)) return null;
	throw new HostError(`docker inspect ${container} failed: ${result.stderr.trim().split('\n')[0] || `exit ${result.code}`}`);
}

/**
 * The lines of a log read in passes, each from its start (a re-attached `docker logs -f`, a new
 * `tail -F`): every line is handled once, however many passes replay it. The first `skipLines`
 * (saved locally already) only feed the progress parser; the rest go to events.
 */
export function createLogIntake(events: ExecutorEvents, skipLines: number, tailSize: number) {
	const parser = createParserState();
	const tail: string[] = [];
	let parsed = 0;
	let lastProgress: ProgressUpdate | null = null;
	const take = (line: string) => {
		parsed++;
		tail.push(line);
		if (tail.length > tailSize) tail.shift();
		const update = parseProgress(line, parser);
		if (parsed <= skipLines) {
			if (update) lastProgress = update;
			events.replay?.(line);
			return;
		}
		events.log(line);
		if (update && meaningful(update, lastProgress)) {
			lastProgress = update;
			events.progress(update);
		}
	};
	return {
		parser,
		tail,
		/** Lines handled so far. */
		get lines(): number {
			return parsed;
		},
		/** A new pass: a line splitter that skips what earlier passes handled, and whether its output is new yet. */
		pass() {
			let seen = 0;
			// Lines up to here were read before (an earlier pass, or saved locally): not new output.
			const replayUntil = Math.max(parsed, skipLines);
			const splitter = createLineSplitter(line => {
				seen++;
				if (seen > parsed) take(line);
			});
			return {splitter, isNew: () => seen >= replayUntil};
		},
	};
}

export async function followLogs(params: FollowLogsParams): Promise<FollowLogsResult> {
	const {shell, docker, container, skipLines, events, signal} = params;
	const intake = createLogIntake(events, skipLines, params.tailSize ?? 200);
	const {tail, parser} = intake;
	let reconnects = 0;
	const watchdog = createStallWatchdog(params.stallMs, stalled => events.stalled?.(stalled));

	try {
		for (;;) {
			const {splitter, isNew} = intake.pass();
			let stderr = '';
			try {
				const result = await shell.exec(dockerLogsArgs(docker, container), {
					signal,
					onStdout: text => {
						if (isNew()) watchdog.activity();
						splitter.push(text);
					},
					onStderr: text => {
						stderr = (stderr + text).slice(-4096);
					},
				});
				if (result.code !== 0) {
					if (GONE.test(stderr)) return {state: null, lines: intake.lines, tail, parser, reconnects};
					throw new HostError(`docker logs ${container} failed: ${stderr.trim().split('\n')[0] || `exit ${result.code}`}`);
				}
				const state = await inspectContainer(shell, docker, container, signal);
				// `logs -f` ended while the container runs (its client died): read on from where we are.
				if (state && STILL_RUNNING.has(state.status)) {
					await sleep(500, signal);
					continue;
				}
				splitter.flush();
				return {state, lines: intake.lines, tail, parser, reconnects};
			} catch (error) {
				if (!(error instanceof ConnectionLostError) || signal?.aborted) throw error;
				reconnects++;
			}
		}
	} finally {
		watchdog.stop();
	}
}
