// The planner (indexes, created_at walks, top-k) must return exactly what the naive evaluation
// returns: join every row, filter, stable-sort over the base order (created_at, id), slice.
// Random data with many ties and nulls, random queries, fixed seeds so failures reproduce.
import test from 'ava';
import {RUN_STATUSES, type Prompt, type Run} from '../../source/domain/model.js';
import {type AnyCondition, type Row, compareValues, compile} from '../../source/store/conditions.js';
import {type Condition, type Query, type Store, openStore} from '../../source/store/index.js';
import {makePrompt, makeRun, tempDir} from './fixtures/records.js';

type Step =
	| {kind: 'where'; condition: AnyCondition}
	| {kind: 'order'; field: keyof Run & string; direction: 'asc' | 'desc'}
	| {kind: 'limit'; count: number}
	| {kind: 'offset'; count: number};
type Plan = {steps: Step[]; join: boolean; terminal: 'all' | 'count' | 'first' | 'group'; groupField: keyof Run & string};

function random(seed: number): () => number {
	let state = seed;
	return () => {
		state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
		return state / 2_147_483_648;
	};
}

const TIMES = ['2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z', '2026-01-04T00:00:00.000Z'];
const WORDS = ['Out of memory', 'CUDA error', 'killed', 'NCCL timeout', 'out_of%range', 'ok'];
const ORDER_FIELDS: Array<keyof Run & string> = ['created_at', 'status', 'prompt_id', 'parent_run_id', 'error_message', 'stalled', 'id', 'failure_kind'];

function makeData(rand: () => number): {prompts: Prompt[]; runs: Run[]} {
	const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
	const prompts = Array.from({length: 1 + Math.floor(rand() * 12)}, (_, i) =>
		makePrompt(`p${i}`, {name: pick(['Harbor', 'desert', 'Forest']), created_at: pick(TIMES)}),
	);
	const runs: Run[] = [];
	for (let i = 0; i < Math.floor(rand() * 250); i++) {
		runs.push(
			makeRun(`r${Math.floor(rand() * 1e9).toString(36)}${i}`, rand() < 0.1 ? 'missing' : pick(prompts).id, {
				status: pick(RUN_STATUSES),
				created_at: pick(TIMES),
				parent_run_id: runs.length > 0 && rand() < 0.3 ? pick(runs).id : null,
				error_message: rand() < 0.5 ? null : pick(WORDS),
				failure_kind: rand() < 0.6 ? null : pick(['oom', 'killed', 'other'] as const),
				stalled: rand() < 0.2,
			}),
		);
	}

	return {prompts, runs};
}

function makeCondition(rand: () => number, runs: Run[], depth = 0): AnyCondition {
	const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
	const someRunId = () => (runs.length > 0 && rand() < 0.8 ? pick(runs).id : 'none');
	if (depth < 2 && rand() < 0.2) {
		return {kind: rand() < 0.5 ? 'and' : 'or', conditions: [makeCondition(rand, runs, depth + 1), makeCondition(rand, runs, depth + 1)]};
	}

	const options: Array<() => AnyCondition> = [
		() => ({kind: 'test', field: 'status', op: pick(['=', '!=']), value: pick(RUN_STATUSES)}),
		() => ({kind: 'test', field: 'status', op: 'in', value: RUN_STATUSES.filter(() => rand() < 0.4)}),
		() => ({kind: 'test', field: 'prompt_id', op: '=', value: pick(['p0', 'p1', 'p2', 'missing', 'p99'])}),
		() => ({kind: 'test', field: 'prompt_id', op: 'in', value: ['p0', 'p3', 'missing'].filter(() => rand() < 0.6)}),
		() => ({kind: 'test', field: 'parent_run_id', op: pick(['=', '!=']), value: rand() < 0.5 ? null : someRunId()}),
		() => ({kind: 'test', field: 'created_at', op: pick(['<', '<=', '>', '>=']), value: pick(TIMES)}),
		() => ({kind: 'test', field: 'stalled', op: pick(['=', '!=', '>']), value: rand() < 0.5}),
		() => ({kind: 'test', field: 'error_message', op: 'contains', value: pick(['OUT', 'error', 'x', '%'])}),
		() => ({kind: 'test', field: 'error_message', op: 'like', value: pick(['out%', '%ERROR', '_illed', 'out\\_of\\%%', '%o%'])}),
		() => ({kind: 'test', field: 'id', op: pick(['=', 'in']), value: rand() < 0.5 ? someRunId() : [someRunId(), someRunId()]}),
		() => ({kind: 'test', field: 'failure_kind', op: '=', value: rand() < 0.5 ? null : 'oom'}),
	];
	const condition = pick(options)();
	// '=' takes one value and 'in' an array, whichever the option drew.
	if (condition.kind === 'test' && condition.op === '=' && Array.isArray(condition.value)) {
		return {...condition, op: 'in'};
	}

	if (condition.kind === 'test' && condition.op === 'in' && !Array.isArray(condition.value)) {
		return {...condition, value: [condition.value]};
	}

	return condition;
}

function makePlan(rand: () => number, runs: Run[]): Plan {
	const steps: Step[] = [];
	for (let i = Math.floor(rand() * 3); i > 0; i--) {
		steps.push({kind: 'where', condition: makeCondition(rand, runs)});
	}

	const orders = rand() < 0.4 ? 1 : Math.floor(rand() * 3);
	for (let i = 0; i < orders; i++) {
		const field = i === 0 && rand() < 0.5 ? 'created_at' : ORDER_FIELDS[Math.floor(rand() * ORDER_FIELDS.length)]!;
		steps.push({kind: 'order', field, direction: rand() < 0.5 ? 'asc' : 'desc'});
	}

	if (rand() < 0.6) {
		steps.push({kind: 'limit', count: Math.floor(rand() * 60)});
	}

	if (rand() < 0.3) {
		steps.push({kind: 'offset', count: Math.floor(rand() * 20)});
	}

	const terminals = ['all', 'all', 'count', 'first', 'group'] as const;
	return {
		steps,
		join: rand() < 0.3,
		terminal: terminals[Math.floor(rand() * terminals.length)]!,
		groupField: (['status', 'prompt_id', 'failure_kind', 'stalled'] as const)[Math.floor(rand() * 4)]!,
	};
}

const strategies = new Map<string, number>();

function runPlan(store: Store, plan: Plan): unknown {
	let query: Query<Run> = store.select('runs');
	for (const step of plan.steps) {
		if (step.kind === 'where') {
			query = query.where(step.condition as Condition<Run>);
		} else if (step.kind === 'order') {
			query = query.orderBy(step.field, step.direction);
		} else {
			query = step.kind === 'limit' ? query.limit(step.count) : query.offset(step.count);
		}
	}

	const final = plan.join ? (query.join('prompts', 'prompt_id', 'prompt') as unknown as Query<Run>) : query;
	const kind = final.explain().split(' ')[0]!;
	strategies.set(kind, (strategies.get(kind) ?? 0) + 1);
	return terminal(plan, {all: () => final.all(), count: () => final.count(), first: () => final.first(), group: () => final.groupBy(plan.groupField).count()});
}

/** The reference: no indexes, no walks, no heaps. */
function naive(data: {prompts: Prompt[]; runs: Run[]}, plan: Plan): unknown {
	const prompts = new Map(data.prompts.map(prompt => [prompt.id, prompt]));
	let rows: Row[] = [...data.runs].sort((a, b) => (a.created_at === b.created_at ? (a.id < b.id ? -1 : 1) : a.created_at < b.created_at ? -1 : 1));
	if (plan.join) {
		rows = rows.flatMap(row => (prompts.has(row.prompt_id as string) ? [{...row, prompt: prompts.get(row.prompt_id as string)}] : []));
	}

	let limit = Number.POSITIVE_INFINITY;
	let offset = 0;
	const orders: Array<{field: string; direction: number}> = [];
	for (const step of plan.steps) {
		if (step.kind === 'where') {
			rows = rows.filter(compile(step.condition));
		} else if (step.kind === 'order') {
			orders.push({field: step.field, direction: step.direction === 'asc' ? 1 : -1});
		} else if (step.kind === 'limit') {
			limit = step.count;
		} else {
			offset = step.count;
		}
	}

	rows.sort((a, b) => {
		for (const {field, direction} of orders) {
			const order = compareValues(a[field], b[field]);
			if (order !== 0) {
				return order * direction;
			}
		}

		return 0; // Array#sort is stable: ties keep the base order
	});
	rows = rows.slice(offset, offset + limit);
	return terminal(plan, {
		all: () => rows,
		count: () => rows.length,
		first: () => rows[0],
		group() {
			const counts = new Map<string, {key: unknown; count: number}>();
			for (const row of rows) {
				const key = JSON.stringify(row[plan.groupField]);
				counts.set(key, {key: row[plan.groupField], count: (counts.get(key)?.count ?? 0) + 1});
			}

			return [...counts.values()].sort((a, b) => compareValues(a.key, b.key));
		},
	});
}

function terminal(plan: Plan, run: Record<Plan['terminal'], () => unknown>): unknown {
	return canonical(run[plan.terminal]());
}

/** JSON with sorted keys, so documents compare by content whatever their key order. */
function canonical(value: unknown): unknown {
	return JSON.parse(
		JSON.stringify(value ?? null, (_, item: unknown) =>
			item && typeof item === 'object' && !Array.isArray(item)
				? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
				: item,
		),
	);
}

test('the planner returns exactly what a naive filter and sort returns', async t => {
	const {dir, cleanup} = tempDir();
	t.teardown(cleanup);
	let checked = 0;
	for (let seed = 1; seed <= 24; seed++) {
		const rand = random(seed);
		const data = makeData(rand);
		const path = `${dir}/${seed}`;
		const store = await openStore(path, {watch: false, warmUp: false});
		// Insert in random order (out-of-order appends), then update and delete some.
		const shuffled = [...data.runs].sort(() => rand() - 0.5);
		await store.write(tx => {
			for (const prompt of data.prompts) {
				tx.insert('prompts', prompt);
			}

			for (const run of shuffled) {
				tx.insert('runs', run);
			}
		});
		for (const run of data.runs.filter(() => rand() < 0.1)) {
			run.status = 'cancelled';
			await store.write(tx => tx.update('runs', run.id, {status: 'cancelled'}));
		}

		const removed = new Set(data.runs.filter(() => rand() < 0.05).map(run => run.id));
		await store.write(tx => {
			for (const id of removed) {
				tx.remove('runs', id);
			}
		});
		data.runs = data.runs.filter(run => !removed.has(run.id));

		// Once on the live store, once reopened from a compacted snapshot (lazy documents).
		const plans = Array.from({length: 50}, () => makePlan(rand, data.runs));
		const reopen = async (store: Store) => {
			await store.close();
			const compacting = await openStore(path, {compactAfterEntries: 1, watch: false});
			await compacting.write(tx => tx.remove('runs', 'nothing-to-remove'));
			await compacting.write(tx => tx.update('prompts', data.prompts[0]!.id, {}));
			await compacting.close();
			return openStore(path, {watch: false, warmUp: false});
		};

		// Sealed: finished runs and all prompts move into segments, then some of them change (retired).
		const seal = async (store: Store) => {
			await store.close();
			const sealing = await openStore(path, {compactAfterEntries: 1, sealAfter: 3, keepHot: 5, watch: false});
			await sealing.write(tx => tx.update('prompts', data.prompts[0]!.id, {}));
			await sealing.close();
			const sealed = await openStore(path, {watch: false, warmUp: false});
			for (const run of data.runs.filter(() => rand() < 0.1)) {
				run.status = 'failed';
				await sealed.write(tx => tx.update('runs', run.id, {status: 'failed'}));
			}

			const gone = new Set(data.runs.filter(() => rand() < 0.05).map(run => run.id));
			await sealed.write(tx => {
				for (const id of gone) {
					tx.remove('runs', id);
				}
			});
			data.runs = data.runs.filter(run => !gone.has(run.id));
			return sealed;
		};

		let current = store;
		for (const pass of ['live', 'reopened', 'sealed']) {
			if (pass === 'reopened') {
				current = await reopen(current);
				t.true(current.info().generation > 1);
			}

			if (pass === 'sealed') {
				current = await seal(current);
				t.true(current.info().sealedSegments > 0);
			}

			for (const plan of plans) {
				const expected = naive(data, plan);
				const actual = runPlan(current, plan);
				if (JSON.stringify(actual) !== JSON.stringify(expected)) {
					t.fail(`seed ${seed} (${pass}): ${JSON.stringify(plan)}\nplan: ${current.select('runs').explain()}`);
				}

				t.deepEqual(actual, expected);
				checked++;
			}
		}

		await current.close();
	}

	t.is(checked, 24 * 50 * 3);
	// Every strategy was exercised, not just the fallback scan.
	for (const kind of ['index', 'walk', 'scan']) {
		t.true((strategies.get(kind) ?? 0) > 100, `${kind}: ${JSON.stringify([...strategies])}`);
	}
});
