// The Slurm output-file follower against this machine's `tail` (LocalHostShell): live lines, the
// final read with the unterminated last line, lines saved locally skipped, a file that appears
// late, and a connection dropped mid-file continued with no gap and no repeat.
import {appendFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {ChannelLimiter} from '../../source/executor/channel-limiter.js';
import {ConnectionLostError, type ExecOptions, type ExecResult} from '../../source/executor/host-shell.js';
import {LocalHostShell} from '../../source/executor/local-host-shell.js';
import {startFileFollower} from '../../source/executor/slurm/file-follower.js';
import {tempDir} from '../helpers/temp.js';
import {waitFor} from '../ui/helpers/wait-for.js';

const numbered = (from: number, to: number) => Array.from({length: to - from + 1}, (_, index) => `line ${from + index}`);

/** Records log lines and progress messages. */
function recorder() {
	const lines: string[] = [];
	const progress: string[] = [];
	return {lines, progress, events: {log: (line: string) => lines.push(line), progress: (update: {message: string}) => progress.push(update.message)}};
}

test('lines appended while following arrive live; finish() adds the unterminated last line', async t => {
	const {dir, cleanup} = await tempDir('cosmos-follow-');
	t.teardown(cleanup);
	const file = path.join(dir, 'slurm.out');
	writeFileSync(file, `${numbered(1, 3).join('\n')}\n`);
	const seen = recorder();
	let newOutput = 0;
	const follower = startFileFollower({shell: new LocalHostShell(), file, skipLines: 0, events: seen.events, onNewOutput: () => newOutput++});
	await waitFor(() => seen.lines.length === 3);
	appendFileSync(file, 'line 4\nline 5\npartial');
	await waitFor(() => seen.lines.length === 5);
	t.deepEqual(seen.lines, numbered(1, 5), 'the partial line waits for its end');
	t.true(newOutput > 0);

	const result = await follower.finish();
	t.deepEqual(seen.lines, [...numbered(1, 5), 'partial']);
	t.is(result.lines, 6);
	t.deepEqual(result.tail, [...numbered(1, 5), 'partial']);
	t.is(result.reconnects, 0);
});

test('lines saved locally are skipped but still parsed; a file that appears late is followed', async t => {
	const {dir, cleanup} = await tempDir('cosmos-follow-');
	t.teardown(cleanup);
	const file = path.join(dir, 'late.out');
	const seen = recorder();
	const follower = startFileFollower({shell: new LocalHostShell(), file, skipLines: 2, events: seen.events});
	// The job has not started: the file is not there yet.
	const milestone = '[12-02 09:44:44|INFO|cosmos_transfer1/diffusion/inference/transfer.py:300:demo] Starting diffusion sampling';
	writeFileSync(file, `${milestone}\nline 2\nline 3\n`);
	await waitFor(() => seen.lines.length === 1, {timeoutMs: 10_000});
	const result = await follower.finish();
	t.deepEqual(seen.lines, ['line 3']);
	t.is(result.lines, 3);
	t.is(result.parser.stage, 'diffusion', 'a skipped line still moves the parser');
	t.deepEqual(seen.progress, [], 'no progress event for a saved line');
});

/** LocalHostShell whose first `tail -F` drops like a lost SSH connection once `dropAfter` has been sent. */
class DroppingShell extends LocalHostShell {
	drops = 1;
	constructor(private readonly dropAfter: string) {
		super();
	}

	override async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
		if (!argv.includes('-F') || this.drops === 0) return super.exec(argv, options);
		this.drops--;
		const cut = new AbortController();
		options.signal?.addEventListener('abort', () => cut.abort(), {once: true});
		let sent = '';
		await super.exec(argv, {
			signal: cut.signal,
			onStdout: text => {
				options.onStdout?.(text);
				sent += text;
				if (sent.includes(this.dropAfter)) cut.abort();
			},
		}).catch(() => undefined);
		throw new ConnectionLostError('connection lost (test)');
	}
}

test('a connection dropped mid-file: the follower reattaches with no gap and no repeat', async t => {
	const {dir, cleanup} = await tempDir('cosmos-follow-');
	t.teardown(cleanup);
	const file = path.join(dir, 'slurm.out');
	writeFileSync(file, `${numbered(1, 50).join('\n')}\n`);
	const shell = new DroppingShell('line 20\n');
	const seen = recorder();
	const follower = startFileFollower({shell, file, skipLines: 0, events: seen.events, restartMs: 10});
	await waitFor(() => shell.drops === 0 && seen.lines.length === 50);
	appendFileSync(file, `${numbered(51, 60).join('\n')}\n`);
	await waitFor(() => seen.lines.length === 60);
	const result = await follower.finish();
	t.deepEqual(seen.lines, numbered(1, 60));
	t.is(result.reconnects, 1);
});

test('finish() on a file that never appeared (a job cancelled while pending) gives no lines', async t => {
	const {dir, cleanup} = await tempDir('cosmos-follow-');
	t.teardown(cleanup);
	const seen = recorder();
	const follower = startFileFollower({shell: new LocalHostShell(), file: path.join(dir, 'never.out'), skipLines: 0, events: seen.events});
	const result = await follower.finish();
	t.is(result.lines, 0);
	t.deepEqual(seen.lines, []);
});

test('without a free tail slot the follower waits; finish() still reads the whole file', async t => {
	const {dir, cleanup} = await tempDir('cosmos-follow-');
	t.teardown(cleanup);
	const slots = new ChannelLimiter(1);
	const held = await slots.acquire();
	const waiting = path.join(dir, 'waiting.out');
	writeFileSync(waiting, `${numbered(1, 3).join('\n')}\n`);
	const seen = recorder();
	const follower = startFileFollower({shell: new LocalHostShell(), file: waiting, skipLines: 0, events: seen.events, slots});
	// A second follower that gets the slot once it is free follows live.
	const later = path.join(dir, 'later.out');
	writeFileSync(later, 'first\n');
	const laterSeen = recorder();
	const laterFollower = startFileFollower({shell: new LocalHostShell(), file: later, skipLines: 0, events: laterSeen.events, slots});
	await waitFor(() => slots.waiting === 2);
	t.deepEqual(seen.lines, [], 'no slot, no tail');
	const result = await follower.finish();
	t.deepEqual(seen.lines, numbered(1, 3));
	t.is(result.lines, 3);
	t.is(slots.waiting, 1, 'a finished follower leaves the queue');
	held();
	await waitFor(() => laterSeen.lines.length === 1);
	t.is(slots.available, 0, 'the waiting follower took the slot');
	await laterFollower.finish();
	t.is(slots.available, 1, 'and gave it back');
});
