// The selected run's and the prompts pane's key controllers: what applies to a selection (the
// bar shows only that), and what a key says when it does not apply.
import test from 'ava';
import {newRun, type Run} from '../../source/domain/model.js';
import {barHints} from '../../source/ui/keys/help.js';
import {disabledPromptCommands, runPromptCommand, whyNotPromptCommand, type PromptHandlers} from '../../source/ui/keys/prompt-keys.js';
import {disabledRunCommands, runRunCommand, runTarget, whyNotRunCommand, type RunHandlers, type RunTarget} from '../../source/ui/keys/run-keys.js';

function run(overrides: Partial<Run> = {}): Run & {promptName: string} {
	return {
		...newRun({id: 'rs_000000000001', prompt_id: 'ps_1', status: 'success', created_at: '2026-01-01T00:00:00.000Z', started_at: '2026-01-01T00:00:00.000Z'}),
		promptName: 'street',
		...overrides,
	};
}

const withOutput = (overrides: Partial<Run> = {}) => run({outputs: {video: '/data/rs_000000000001/output.mp4'} as Run['outputs'], ...overrides});
const target = (selected: Run & {promptName: string}): RunTarget => ({run: selected, instead: null});
const barLabels = (hidden: ReadonlySet<string>) => barHints(['run'], hidden).map(hint => hint.label);

test('a finished run: no cancel; open video only with a video; delete and rerun apply', t => {
	const done = disabledRunCommands(target(withOutput()));
	t.true(done.has('run.cancel'));
	t.false(done.has('run.open-output') || done.has('run.delete') || done.has('run.rerun') || done.has('run.save-log'));
	t.deepEqual(barLabels(done), ['rerun', 'open video']);
	const failed = disabledRunCommands(target(run({status: 'failed'})));
	t.true(failed.has('run.cancel') && failed.has('run.open-output'));
	t.false(failed.has('run.delete') || failed.has('run.rerun'));
	t.deepEqual(barLabels(failed), ['rerun']);
	t.is(whyNotRunCommand('run.cancel', target(run({status: 'failed'}))), 'rs_000000000001 is failed: nothing to cancel');
	t.is(whyNotRunCommand('run.open-output', target(run({status: 'failed'}))), 'rs_000000000001 has no output video (failed)');
});

test('an active run: cancel applies (once), delete does not', t => {
	const running = run({status: 'running', completed_at: null});
	const active = disabledRunCommands(target(running));
	t.true(active.has('run.delete') && active.has('run.open-output'));
	t.false(active.has('run.cancel') || active.has('run.rerun'));
	t.deepEqual(barLabels(disabledRunCommands(target(running))), ['rerun', 'cancel']);
	t.is(whyNotRunCommand('run.delete', target(running)), 'rs_000000000001 is running: cancel it first (x)');
	t.regex(whyNotRunCommand('run.cancel', target({...running, cancel_requested_at: '2026-01-01T00:01:00.000Z'})) ?? '', /cancel already asked/);
	const queued = run({status: 'queued', started_at: null, completed_at: null});
	t.is(whyNotRunCommand('run.save-log', target(queued)), 'rs_000000000001 is queued: no log yet');
});

test('without a run no run key applies, and each says what is selected instead', t => {
	const sweep = runTarget('runs', {selectedRun: null, selectedRunItem: {kind: 'sweep', id: 'sw_1'}, selectedQueueItem: null});
	t.is(whyNotRunCommand('run.rerun', sweep), 'sw_1 is a sweep: select one of its runs (Enter unfolds it)');
	const host = runTarget('queue', {selectedRun: null, selectedRunItem: {kind: 'sweep', id: 'sw_1'}, selectedQueueItem: {kind: 'host'}});
	t.is(whyNotRunCommand('run.cancel', host), 'a host: select a run');
	const nothing = runTarget('logs', {selectedRun: null, selectedRunItem: null, selectedQueueItem: null});
	t.is(whyNotRunCommand('run.save-log', nothing), 'no run selected');
	t.deepEqual(barLabels(disabledRunCommands(nothing)), []);
});

test('the controller runs the handler when the key applies, else says why and runs nothing', t => {
	const calls: string[] = [];
	const said: string[] = [];
	const handlers: RunHandlers = {
		rerun: selected => calls.push(`rerun ${selected.id}`),
		cancel: selected => calls.push(`cancel ${selected.id}`),
		delete: selected => calls.push(`delete ${selected.id}`),
		openOutput: selected => calls.push(`open ${selected.id}`),
		saveLog: selected => calls.push(`save ${selected.id}`),
		openFolder: selected => calls.push(`folder ${selected.id}`),
		rate: (selected, delta) => calls.push(`rate ${selected.id} ${delta}`),
		note: selected => calls.push(`note ${selected.id}`),
		upscale: selected => calls.push(`upscale ${selected.id}`),
		enhance: selected => calls.push(`enhance ${selected.id}`),
	};
	runRunCommand('run.open-output', target(withOutput()), handlers, why => said.push(why));
	runRunCommand('run.cancel', target(withOutput()), handlers, why => said.push(why));
	runRunCommand('run.rate-up', target(run({rating: 4})), handlers, why => said.push(why));
	runRunCommand('run.rate-up', target(run({rating: 5})), handlers, why => said.push(why));
	runRunCommand('run.rate-down', target(run()), handlers, why => said.push(why));
	t.deepEqual(calls, ['open rs_000000000001', 'rate rs_000000000001 1']);
	t.deepEqual(said, ['rs_000000000001 is success: nothing to cancel', 'rs_000000000001 already has 5 stars', 'rs_000000000001 is not rated']);
});

test('prompt keys need a prompt, and say how to get one', t => {
	t.deepEqual([...disabledPromptCommands(null)].sort(), ['prompt.delete', 'prompt.enhance', 'prompt.open', 'prompt.run']);
	t.deepEqual([...disabledPromptCommands({id: 'ps_1'} as never)], []);
	t.is(whyNotPromptCommand(null, ''), 'no prompts yet: c creates one');
	t.is(whyNotPromptCommand(null, 'zzz'), 'no prompt matches the filter (Esc clears it)');
	const said: string[] = [];
	const handlers: PromptHandlers = {open: () => said.push('opened'), run: () => said.push('ran'), delete: () => said.push('deleted'), enhance: () => said.push('enhanced')};
	runPromptCommand('prompt.run', null, '', handlers, why => said.push(why));
	runPromptCommand('prompt.run', {id: 'ps_1'} as never, '', handlers, why => said.push(why));
	t.deepEqual(said, ['no prompts yet: c creates one', 'ran']);
});
