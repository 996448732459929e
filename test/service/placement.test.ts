// The pure parts of the scheduler: queue order and moves, GPU placement, expected starts.
import test from 'ava';
import {expectedEnd} from '../../source/service/queue.js';
import {type HostView, expectedStarts, freeSlots, planPlacements} from '../../source/service/scheduler/placement.js';
import {type Move, type QueueKey, MOVES, moveInQueue, sortQueue} from '../../source/service/scheduler/queue-order.js';

const run = (id: string, gpus = 1, host: string | null = null) => ({id, host, parameters: {num_gpus: gpus, num_steps: 35}});
const host = (name: string, gpus: number, more: Partial<HostView> = {}): HostView => ({name, paused: false, gpus: Array.from({length: gpus}, (_, i) => i), busy: [], taken: [], ...more});

test('placement: free GPUs in order, lowest indexes first, never a taken or busy one', t => {
	const plan = planPlacements([run('a'), run('b'), run('c')], [host('h', 4, {taken: [0], busy: [2]})]);
	t.deepEqual(plan.placed, [{runId: 'a', host: 'h', gpus: [1]}, {runId: 'b', host: 'h', gpus: [3]}]);
	t.regex(plan.waiting.get('c')!, /waiting for 1 GPU\(s\): h: 0 of 4 free, GPU 2 busy with other processes/);
});

test('free GPU sets for a run: its size, its hosts, not paused, not a cluster', t => {
	const hosts = [host('a', 4, {taken: [0]}), host('b', 2, {busy: [1]}), host('p', 4, {paused: true}), host('c', 0, {gpus: null, cluster: {submitted: 0, maxSubmitted: 0}})];
	t.is(freeSlots(run('x'), hosts), 4);
	t.is(freeSlots(run('x', 2), hosts), 1);
	t.is(freeSlots(run('x', 1, 'b'), hosts), 1);
});

test('placement: a run that cannot start holds back the runs behind it on its hosts (no backfill)', t => {
	const plan = planPlacements([run('big', 2), run('small')], [host('h', 2, {taken: [0]})]);
	t.deepEqual(plan.placed, []);
	t.regex(plan.waiting.get('big')!, /h: 1 of 2 free/);
	t.is(plan.waiting.get('small'), 'waiting for 1 GPU(s): h: behind big');
});

test('placement: a run held back on one host does not block another host', t => {
	const plan = planPlacements([run('pinned', 2, 'a'), run('any')], [host('a', 2, {taken: [1]}), host('b', 1)]);
	t.deepEqual(plan.placed, [{runId: 'any', host: 'b', gpus: [0]}]);
});

test('placement: spreads over hosts by most free GPUs; a named host only; paused and unknown hosts explained', t => {
	const plan = planPlacements([run('x'), run('y'), run('z', 1, 'c'), run('w', 1, 'nowhere'), run('v', 8)], [host('a', 2), host('b', 3), host('c', 2, {paused: true})]);
	t.deepEqual(plan.placed.map(p => [p.runId, p.host]), [['x', 'b'], ['y', 'a']]);
	t.is(plan.waiting.get('z'), 'needs 1 GPU(s): c is paused');
	t.is(plan.waiting.get('w'), 'host nowhere is not configured');
	t.is(plan.waiting.get('v'), 'needs 8 GPU(s): a has 2 GPU(s); b has 3 GPU(s); c is paused');
	const unknown = planPlacements([run('u')], [host('d', 0, {gpus: null, problem: 'nvidia-smi failed'})]);
	t.is(unknown.waiting.get('u'), 'needs 1 GPU(s): d: GPUs unknown (nvidia-smi failed)');
});

test('placement invariants on random queues: no GPU twice, none busy or taken, order kept per host', t => {
	let seed = 7;
	const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
	for (let round = 0; round < 300; round++) {
		const hosts = ['a', 'b', 'c'].slice(0, 1 + Math.floor(random() * 3)).map(name => {
			const size = 1 + Math.floor(random() * 4);
			const gpus = Array.from({length: size}, (_, i) => i);
			return host(name, size, {busy: gpus.filter(() => random() < 0.2), taken: gpus.filter(() => random() < 0.3), paused: random() < 0.1});
		});
		const queue = Array.from({length: 1 + Math.floor(random() * 8)}, (_, i) => run(`r${i}`, 1 + Math.floor(random() * 3), random() < 0.3 ? hosts[0]!.name : null));
		const plan = planPlacements(queue, hosts);
		const used = new Set<string>();
		for (const placed of plan.placed) {
			const target = hosts.find(h => h.name === placed.host)!;
			t.false(target.paused);
			for (const gpu of placed.gpus) {
				t.false(used.has(`${placed.host}/${gpu}`), 'a GPU given twice');
				used.add(`${placed.host}/${gpu}`);
				t.false(target.busy.includes(gpu) || target.taken.includes(gpu));
			}
			t.is(placed.gpus.length, queue.find(r => r.id === placed.runId)!.parameters.num_gpus);
		}
		t.is(plan.placed.length + plan.waiting.size, queue.length);
	}
});

test('expected starts: free GPUs now, else when the run on them should end; unknown durations give null', t => {
	const hosts = [host('h', 2)];
	const busyUntil = new Map([['h', new Map<number, number | null>([[0, 1000], [1, 5000]])]]);
	const starts = expectedStarts([run('a'), run('b'), run('c', 2)], hosts, busyUntil, () => 3000, 0);
	t.is(starts.get('a'), 1000);
	t.is(starts.get('b'), 4000, 'after a (1000 + 3000) beats GPU 1 (5000)');
	t.is(starts.get('c'), 7000, 'both GPUs: b ends at 7000, GPU 1 frees at 5000');
	const unknown = expectedStarts([run('a')], hosts, new Map([['h', new Map<number, number | null>([[0, null], [1, null]])]]), () => null, 0);
	t.is(unknown.get('a'), null);
});

test('queue order: priority first, then queue_order', t => {
	const queue = sortQueue([{id: 'a', priority: 0, queue_order: 1}, {id: 'b', priority: 5, queue_order: 3}, {id: 'c', priority: 0, queue_order: 0}]);
	t.deepEqual(queue.map(item => item.id), ['b', 'c', 'a']);
});

test('queue moves on random queues put the run where asked and keep the others in order', t => {
	let seed = 11;
	const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
	let queue: QueueKey[] = Array.from({length: 12}, (_, i) => ({id: `r${i}`, priority: Math.floor(random() * 3), queue_order: i}));
	for (let step = 0; step < 2000; step++) {
		queue = sortQueue(queue);
		const index = Math.floor(random() * queue.length);
		const {id} = queue[index]!;
		const move: Move = MOVES[Math.floor(random() * MOVES.length)]!;
		const patches = moveInQueue(queue, id, move);
		const moved = sortQueue(queue.map(item => ({...item, ...patches.find(patch => patch.id === item.id)})));
		const expected = {top: 0, bottom: queue.length - 1, up: Math.max(0, index - 1), down: Math.min(queue.length - 1, index + 1)}[move];
		t.is(moved.findIndex(item => item.id === id), expected, `${move} from ${index}`);
		const others = (list: QueueKey[]) => list.filter(item => item.id !== id).map(item => item.id);
		t.deepEqual(others(moved), others(queue));
		queue = moved;
	}
});

test('a running run is expected to end by its progress once it has some, else by the estimate', t => {
	const started = new Date(0).toISOString();
	const progress = (fraction: number) => ({stage: 'diffusion' as const, fraction, message: '', at: started});
	t.is(expectedEnd({started_at: started, progress: progress(0.5)}, 1000, 60_000), 120_000, 'half done after a minute: another minute');
	t.is(expectedEnd({started_at: started, progress: progress(0.02)}, 90_000, 60_000), 90_000, 'too little progress to tell: the estimate');
	t.is(expectedEnd({started_at: started, progress: null}, 30_000, 60_000), 60_000, 'past its estimate: now');
	t.is(expectedEnd({started_at: started, progress: null}, null, 60_000), null);
});

test('placement: a cluster takes runs at once up to max_submitted, picks the GPUs itself, and comes after a GPU host with room', t => {
	const cluster = (submitted: number, maxSubmitted: number) => host('slurm', 0, {gpus: null, cluster: {submitted, maxSubmitted}});
	const plan = planPlacements([run('a'), run('b', 8), run('c'), run('d')], [host('box', 1), cluster(1, 3)]);
	t.deepEqual(plan.placed, [
		{runId: 'a', host: 'box', gpus: [0]},
		{runId: 'b', host: 'slurm', gpus: []},
		{runId: 'c', host: 'slurm', gpus: []},
	]);
	t.is(plan.waiting.get('d'), 'waiting for 1 GPU(s): box: 0 of 1 free; slurm: 3 of 3 jobs submitted (max_submitted)');
	const unlimited = planPlacements(Array.from({length: 20}, (_, i) => run(`r${i}`, 2, 'slurm')), [cluster(50, 0)]);
	t.is(unlimited.placed.length, 20, 'max_submitted 0: no limit');
	t.is(planPlacements([run('p')], [host('slurm', 0, {gpus: null, paused: true, cluster: {submitted: 0, maxSubmitted: 0}})]).waiting.get('p'), 'needs 1 GPU(s): slurm is paused');
});
