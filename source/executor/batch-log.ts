// The log of a batch: one process's output, which interleaves its samples. Each line belongs to
// one sample or is shared (loading the model, before the first sample). The router sends each
// run of the batch its own sample's lines and the shared ones (marked), and keeps a progress
// parser per run, so each run of a batch has its own log, progress and failure evidence.
import {SHARED_LOG_MARK} from '../domain/batch.js';
import type {ExecutorEvents} from './executor.js';
import {meaningful} from './log-follower.js';
import {type ParserState, type ProgressUpdate, createParserState, parseLoguru, parseProgress} from './progress-parser.js';


/** `[i/N] Processing sample ...` (the marker a sample starts with; 1-based). */
const SAMPLE_MARKER = /^\[(\d+)\/(\d+)\]\s/;

/**
 * Which sample each line of a batch log belongs to (0-based), or null for a shared line. Samples
 * start at their `[i/N]` marker; a log without markers (upstream Transfer1, batch size 1) starts
 * the next sample at each `running preprocessor`, which transfer.py logs once per sample.
 */
export function createSampleSplitter(size: number): (line: string) => number | null {
	let current: number | null = null;
	let markers = false;
	return line => {
		const message = parseLoguru(line)?.message;
		if (message !== undefined) {
			const marker = SAMPLE_MARKER.exec(message);
			if (marker) {
				markers = true;
				const index = Number(marker[1]) - 1;
				if (index >= 0 && index < size) current = index;
			} else if (!markers && message.trim() === 'running preprocessor') {
				current = current === null ? 0 : Math.min(size - 1, current + 1);
			}
		}
		return current;
	};
}

const IGNORED: ExecutorEvents = {log: () => undefined, progress: () => undefined};

type Member = {events: ExecutorEvents; parser: ParserState; last: ProgressUpdate | null; tail: string[]; started: boolean};

/**
 * The events a batch's log follower reports to: every new line goes to `batch` (the whole log) and
 * to the runs it belongs to; replayed lines (already saved) only move the splitter and parsers.
 */
export function createBatchRouter(batch: ExecutorEvents, runs: ReadonlyArray<ExecutorEvents | null>, onSaved: (index: number) => void = () => undefined, tailSize = 200) {
	// A run no longer followed (null) still has its sample in the log: its lines go nowhere.
	const members: Member[] = runs.map(events => ({events: events ?? IGNORED, parser: createParserState(), last: null, tail: [], started: false}));
	const sampleOf = createSampleSplitter(members.length);
	let current: number | null = null;

	const take = (member: Member, line: string, shown: string, fresh: boolean) => {
		member.tail.push(line);
		if (member.tail.length > tailSize) member.tail.shift();
		const update = parseProgress(line, member.parser);
		if (!fresh) return;
		member.events.log(shown);
		if (update && meaningful(update, member.last)) {
			member.last = update;
			member.events.progress(update);
		}
	};

	const route = (line: string, fresh: boolean) => {
		const sample = sampleOf(line);
		if (sample === null) {
			for (const member of members) take(member, line, `${SHARED_LOG_MARK}${line}`, fresh);
			return;
		}
		const member = members[sample]!;
		member.started = true;
		take(member, line, line, fresh);
		// transfer.py's last words on a sample: its video and prompt are saved.
		if (fresh && parseLoguru(line)?.message.startsWith('Saved prompt to ')) onSaved(sample);
		if (sample !== current) {
			current = sample;
			if (fresh) waiting(sample);
		}
	};

	/** The other runs learn where the batch is: their sample still to come, or done while the batch goes on. */
	const waiting = (running: number) => {
		for (const [index, member] of members.entries()) {
			if (index === running) continue;
			const where = `sample ${running + 1} of ${members.length} is running`;
			const message = index > running ? `in a batch: ${where}, this run's is ${index + 1}` : `its sample is done; the batch goes on (${where})`;
			const update = {stage: member.parser.stage ?? 'loading_models', fraction: member.parser.fraction, message};
			member.last = update;
			member.events.progress(update);
		}
	};

	const events: ExecutorEvents = {
		log: line => {
			batch.log(line);
			route(line, true);
		},
		replay: line => route(line, false),
		// The follower's own parser reads the whole interleaved log: each run's parser speaks instead.
		progress: () => undefined,
		stalled: stalled => {
			for (const member of members) member.events.stalled?.(stalled);
		},
		exited: () => {
			for (const member of members) member.events.exited?.();
		},
	};
	return {
		events,
		/** The last lines of each run's share of the log (its sample and the shared lines). */
		tail: (index: number): readonly string[] => members[index]!.tail,
		/** Whether the run's sample has begun. */
		started: (index: number): boolean => members[index]!.started,
		anyStarted: (): boolean => members.some(member => member.started),
		clipsTotal: (index: number): number | null => members[index]!.parser.clipsTotal,
	};
}
