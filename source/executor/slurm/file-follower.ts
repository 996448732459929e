// Follows a growing file on the host (a Slurm job's --output file) with `tail -n +1 -F`, exactly
// once per line, the way log-follower.ts follows `docker logs -f`: the first `skipLines` lines
// (already saved locally) only feed the progress parser, and every new pass (after a dropped
// connection, or the final read) replays the file from its start and skips what was seen. This is
// exact because the file only grows and the line splitter gives the same lines for the same text
// however it is chunked. The job's end is not visible in the file, so the caller says when it is
// over (finish()): the follower stops `tail -F`, reads the whole file once more without following,
// and emits what the last pass had not seen, the unterminated last line included.
import type {ChannelLimiter} from '../channel-limiter.js';
import type {ExecutorEvents} from '../executor.js';
import {ConnectionLostError, type HostShell, abortReason} from '../host-shell.js';
import {createLogIntake} from '../log-follower.js';
import type {ParserState} from '../progress-parser.js';

export type FileFollowerParams = {
	shell: HostShell;
	/** Absolute path of the file on the host; it may not exist yet. */
	file: string;
	skipLines: number;
	events: Pick<ExecutorEvents, 'log' | 'progress'>;
	/** New output arrived (not a replay): for the stall watchdog. */
	onNewOutput?: () => void;
	signal?: AbortSignal;
	/** Lines kept for the failure classifier. */
	tailSize?: number;
	/** Wait before starting `tail -F` again after it ended by itself. */
	restartMs?: number;
	/**
	 * Slots for `tail -F`, shared by an executor's followers: each holds an SSH channel for as long
	 * as its job runs, and the channels must not all go to followers (the state polls need some).
	 * A follower without a slot waits for one; finish() reads the whole file all the same.
	 */
	slots?: ChannelLimiter;
};

export type FileFollowResult = {
	lines: number;
	tail: string[];
	parser: ParserState;
	reconnects: number;
};

export type FileFollower = {
	/** The job is over: read the rest of the file and resolve with everything followed. */
	finish(): Promise<FileFollowResult>;
	/** Stops following without a final read (an abandoned follow). */
	stop(): void;
	/** Lines emitted or skipped so far. */
	readonly lines: number;
};

/** `tail -n +1 -F FILE`: the whole file, then what is appended; waits for the file to appear. */
export function tailFollowArgs(file: string): string[] {
	return ['tail', '-n', '+1', '-F', '--', file];
}

/** The whole file once (the final read). */
export function readAllArgs(file: string): string[] {
	return ['tail', '-n', '+1', '--', file];
}

/** Waits ms, or less when the signal aborts; the listener goes with the timer. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise(resolve => {
		const onAbort = () => {
			clearTimeout(timer);
			resolve();
		};
		const timer = setTimeout(() => {
			signal.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		signal.addEventListener('abort', onAbort, {once: true});
	});
}

export function startFileFollower(params: FileFollowerParams): FileFollower {
	const {shell, file, skipLines, events, signal} = params;
	const intake = createLogIntake(events, skipLines, params.tailSize ?? 200);
	const {tail, parser} = intake;
	let reconnects = 0;
	// Ends the `tail -F` passes: finish(), stop() or the caller's signal.
	const following = new AbortController();
	const onOuterAbort = () => following.abort(signal?.reason);
	signal?.addEventListener('abort', onOuterAbort, {once: true});

	/** One read of the file from its start; the intake skips what an earlier pass handled. */
	const pass = async (argv: string[], passSignal: AbortSignal, flushAtEnd: boolean): Promise<void> => {
		const {splitter, isNew} = intake.pass();
		await shell.exec(argv, {
			signal: passSignal,
			onStdout: text => {
				if (isNew()) params.onNewOutput?.();
				splitter.push(text);
			},
			// tail's notes ("cannot open", "has appeared") are not the job's output.
			onStderr: () => undefined,
		});
		if (flushAtEnd) splitter.flush();
	};

	const followLoop = (async () => {
		while (!following.signal.aborted) {
			let release: (() => void) | undefined;
			try {
				release = await params.slots?.acquire(following.signal);
				await pass(tailFollowArgs(file), following.signal, false);
				release?.();
				release = undefined;
				// tail ended by itself (its session died on the host): start it again.
				await pause(params.restartMs ?? 500, following.signal);
			} catch (error) {
				if (following.signal.aborted) return;
				if (!(error instanceof ConnectionLostError)) throw error;
				reconnects++;
			} finally {
				release?.();
			}
		}
	})();
	// Errors surface through finish(); an abandoned follower must not leave an unhandled rejection.
	followLoop.catch(() => undefined);

	return {
		get lines() {
			return intake.lines;
		},
		async finish() {
			following.abort();
			try {
				await followLoop;
			} finally {
				signal?.removeEventListener('abort', onOuterAbort);
			}
			for (;;) {
				if (signal?.aborted) throw abortReason(signal);
				try {
					await pass(readAllArgs(file), signal ?? new AbortController().signal, true);
					return {lines: intake.lines, tail, parser, reconnects};
				} catch (error) {
					if (!(error instanceof ConnectionLostError) || signal?.aborted) throw error;
					reconnects++;
				}
			}
		},
		stop() {
			following.abort();
			signal?.removeEventListener('abort', onOuterAbort);
		},
	};
}
