// The queue view's pure parts: its rows, what p and the move keys act on (or why not), the start
// estimates, the controller's "why not now", and the sweep rows of the runs pane.
import test from 'ava';
import {newRun, type Run, type Sweep} from '../../source/domain/model.js';
import type {HostQueueView, QueueView} from '../../source/service/queue.js';
import type {RunRow} from '../../source/ui/data/live-data.js';
import {disabledQueueCommands, runQueueCommand, type QueueHandlers} from '../../source/ui/keys/queue-keys.js';
import {cancelQuestion} from '../../source/ui/state/confirm.js';
import {startsIn} from '../../source/format/format.js';
import {pauseTarget, queueItems, queueSections, whyNotMove} from '../../source/ui/state/queue-items.js';
import {axesText, runItems, sweepRow} from '../../source/ui/state/run-items.js';

const at = '2026-01-01T00:00:00.000Z';
const run = (id: string, fields: Partial<Run> = {}): RunRow => ({...newRun({id, prompt_id: 'ps_1', created_at: at, ...fields}), promptName: 'street'});
const host = (name: string, paused = false): HostQueueView => ({
	name,
	paused,
	gpus: [
		{index: 0, run_id: 'rs_running0001', busy: false, memory_used_mib: 100},
		{index: 1, run_id: null, busy: false, memory_used_mib: 100},
	],
	free: 1,
	problem: null,
});

function view(): QueueView {
	const running = run('rs_running0001', {status: 'running', placement: {host: 'gpu-1', gpus: [0]}});
	return {
		hosts: [host('gpu-1'), host('gpu-2', true)],
		queued: [
			{run: run('rs_queued00001'), position: 1, reason: 'starts next on gpu-1 GPU 1', expected_start: at},
			{run: run('rs_queued00002', {host: 'gpu-2'}), position: 2, reason: 'needs 1 GPU(s): gpu-2 is paused', expected_start: null},
		],
		active: [running],
		worker: null,
	};
}

test('rows: hosts, then active runs, then the queue in order', t => {
	const sections = queueSections(view(), row => ({...row, promptName: 'street'}));
	t.deepEqual(sections.map(section => section.title), ['Hosts (2)', 'Launching and running (1)', 'Queued (2)']);
	t.deepEqual(queueItems(sections).map(item => item.id), ['host:gpu-1', 'host:gpu-2', 'rs_running0001', 'rs_queued00001', 'rs_queued00002']);
	t.deepEqual(queueSections(null, row => ({...row, promptName: ''})), []);
});

test('only a queued run can move; p pauses the row host, the run host, or says why not', t => {
	const items = queueItems(queueSections(view(), row => ({...row, promptName: 'street'})));
	const [gpu1, gpu2, running, anyHost, onGpu2] = items;
	t.is(whyNotMove(null), 'nothing selected');
	t.regex(whyNotMove(gpu1!) ?? '', /only a queued run can move/);
	t.is(whyNotMove(running!), 'rs_running0001 is running: only a queued run can move');
	t.is(whyNotMove(anyHost!), null);
	const hosts = view().hosts;
	t.deepEqual(pauseTarget(gpu2!, hosts), {host: 'gpu-2', paused: true});
	t.deepEqual(pauseTarget(running!, hosts), {host: 'gpu-1', paused: false}, 'a placed run: its host');
	t.deepEqual(pauseTarget(onGpu2!, hosts), {host: 'gpu-2', paused: true}, 'a queued run for one host: that host');
	t.regex((pauseTarget(anyHost!, hosts) as {why: string}).why, /may go to any host/);
});

test('the queue controller runs a command or says why not, and the bar leaves out what cannot run', t => {
	const items = queueItems(queueSections(view(), row => ({...row, promptName: 'street'})));
	const calls: string[] = [];
	const handlers: QueueHandlers = {
		details: id => calls.push(`details ${id}`),
		move: (id, move) => calls.push(`move ${id} ${move}`),
		setPaused: (name, paused) => calls.push(`${paused ? 'pause' : 'resume'} ${name}`),
	};
	const said: string[] = [];
	const target = (index: number) => ({item: items[index]!, hosts: view().hosts});
	runQueueCommand('queue.up', target(3), handlers, why => said.push(why));
	runQueueCommand('queue.top', target(2), handlers, why => said.push(why));
	runQueueCommand('queue.pause', target(1), handlers, why => said.push(why));
	runQueueCommand('queue.details', target(0), handlers, why => said.push(why));
	t.deepEqual(calls, ['move rs_queued00001 up', 'resume gpu-2']);
	t.deepEqual(said, ['rs_running0001 is running: only a queued run can move', 'a host: p pauses or resumes it']);
	t.deepEqual([...disabledQueueCommands(target(0))].sort(), ['queue.bottom', 'queue.details', 'queue.down', 'queue.top', 'queue.up']);
	t.deepEqual([...disabledQueueCommands(target(3))], ['queue.pause'], 'a run for any host: no host to pause');
	t.deepEqual([...disabledQueueCommands(target(4))], []);
});

test('expected starts read as now, in <1m, in ~Nm, in ~Nh, or ?', t => {
	const now = Date.parse(at);
	t.is(startsIn(null, now), '?');
	t.is(startsIn(at, now), 'now');
	t.is(startsIn(new Date(now + 30_000).toISOString(), now), 'in <1m');
	t.is(startsIn(new Date(now + 3 * 60_000).toISOString(), now), 'in ~3m');
	t.is(startsIn(new Date(now + 90 * 60_000).toISOString(), now), 'in ~1.5h');
});

test('the cancel question says what happens in each state', t => {
	t.regex(cancelQuestion(run('rs_1')).join(' '), /leaves the queue/);
	t.regex(cancelQuestion(run('rs_1', {status: 'launching', placement: {host: 'gpu-1', gpus: [0]}})).join(' '), /while it launches on gpu-1\?.*upload is aborted/);
	t.regex(cancelQuestion(run('rs_1', {status: 'running'})).join(' '), /SIGTERM, then SIGKILL/);
});

test('runs of a sweep sit under one row for the sweep, where its newest run was; folding hides them', t => {
	const sweep: Sweep = {id: 'sw_1', prompt_id: 'ps_1', base_run_id: null, axes: {vis: [0.1, 0.3, 0.5], edge: [0.2, 0.6]}, run_ids: ['rs_a', 'rs_b', 'rs_c'], created_at: at};
	const runs = [run('rs_new'), run('rs_c', {sweep_id: 'sw_1', status: 'running'}), run('rs_b', {sweep_id: 'sw_1'}), run('rs_old'), run('rs_a', {sweep_id: 'sw_1'})];
	const items = runItems(runs, {sw_1: sweep}, []);
	t.deepEqual(items.map(item => item.id), ['rs_new', 'sw_1', 'rs_c', 'rs_b', 'rs_a', 'rs_old']);
	t.deepEqual(items.map(item => item.kind === 'run' && item.inSweep), [false, false, true, true, true, false]);
	t.deepEqual(runItems(runs, {sw_1: sweep}, ['sw_1']).map(item => item.id), ['rs_new', 'sw_1', 'rs_old']);
	t.is(axesText(sweep), 'vis 0.1,0.3,0.5 × edge 0.2,0.6');
	const header = items[1]!;
	if (header.kind !== 'sweep') throw new Error('not a sweep row');
	t.is(sweepRow(header).map(segment => segment.text).join(''), '▾ sw_1 · 3 runs · vis 0.1,0.3,0.5 × edge 0.2,0.6  ○2 ●1');
});
