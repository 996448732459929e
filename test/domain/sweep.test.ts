import test from 'ava';
import {UsageError} from '../../source/domain/errors.js';
import {DEFAULT_PARAMETERS, DEFAULT_WEIGHTS, type Parameters} from '../../source/domain/model.js';
import {
	SWEEP_AXES,
	formatAxis,
	gridSize,
	parseAxis,
	pointLabel,
	sweepGrid,
	type SweepAxes,
	type SweepAxis,
	type SweepPoint,
} from '../../source/domain/sweep.js';
import {checkParameters, checkWeight} from '../../source/domain/validate.js';

const base = (): SweepPoint => ({
	weights: {vis: 0.9, edge: 0.8, depth: 0.7, seg: 0.6},
	parameters: {...DEFAULT_PARAMETERS, num_steps: 12, seed: 42, guidance: 3.5},
});

/** A small seeded generator (mulberry32) so the property loops are repeatable. */
function random(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d_2b_79_f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

const int = (next: () => number, min: number, max: number): number => min + Math.floor(next() * (max - min + 1));

/** units / 10^digits as a decimal string, the way a user would type it. */
function decimal(units: number, digits: number): string {
	const text = String(units).padStart(digits + 1, '0');
	return digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

test('the issue example: --vis 0.1:0.5:0.2 --edge 0.2,0.6 makes 6 runs', t => {
	const axes: SweepAxes = {vis: parseAxis('vis', '0.1:0.5:0.2'), edge: parseAxis('edge', '0.2,0.6')};
	t.deepEqual(axes, {vis: [0.1, 0.3, 0.5], edge: [0.2, 0.6]});
	t.is(gridSize(axes), 6);
	const start = base();
	const points = sweepGrid(start, axes);
	t.is(points.length, 6);
	t.deepEqual(
		points.map(point => [point.weights.vis, point.weights.edge]),
		[
			[0.1, 0.2],
			[0.1, 0.6],
			[0.3, 0.2],
			[0.3, 0.6],
			[0.5, 0.2],
			[0.5, 0.6],
		],
	);
	for (const point of points) {
		t.is(point.weights.depth, 0.7);
		t.is(point.weights.seg, 0.6);
		t.deepEqual(point.parameters, start.parameters);
	}
	t.deepEqual(start, base(), 'the base is not changed');
	t.deepEqual(
		points.map(point => pointLabel(point, axes)),
		['vis=0.1 edge=0.2', 'vis=0.1 edge=0.6', 'vis=0.3 edge=0.2', 'vis=0.3 edge=0.6', 'vis=0.5 edge=0.2', 'vis=0.5 edge=0.6'],
	);
});

test('a single value and a list', t => {
	t.deepEqual(parseAxis('vis', '0.3'), [0.3]);
	t.deepEqual(parseAxis('vis', ' 0.3 '), [0.3]);
	t.deepEqual(parseAxis('edge', '0.2,0.6'), [0.2, 0.6]);
	t.deepEqual(parseAxis('edge', ' 0.2 ,  0.6 ,1,0, .5'), [0.2, 0.6, 1, 0, 0.5]);
	t.deepEqual(parseAxis('guidance', '7'), [7]);
	t.deepEqual(parseAxis('guidance', '1e1,2.5'), [10, 2.5]);
	t.deepEqual(parseAxis('steps', '10,20,35'), [10, 20, 35]);
	t.true(Object.is(parseAxis('vis', '-0')[0], 0), '-0 is folded into 0');
});

test('ranges include both ends and have no floating-point drift', t => {
	t.deepEqual(parseAxis('vis', '0.1:0.5:0.2'), [0.1, 0.3, 0.5]);
	t.deepEqual(parseAxis('vis', ' 0.1 : 0.5 : 0.2 '), [0.1, 0.3, 0.5]);
	const tenths = parseAxis('vis', '0:1:0.1');
	t.deepEqual(tenths, [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
	t.is(tenths.length, 11);
	t.is(tenths[3], 0.3);
	t.is(tenths[7], 0.7);
	t.is(tenths[10], 1);
	t.deepEqual(parseAxis('guidance', '0.1:0.7:0.3'), [0.1, 0.4, 0.7]);
	t.deepEqual(parseAxis('guidance', '1:2:0.05').slice(0, 4), [1, 1.05, 1.1, 1.15]);
	t.deepEqual(parseAxis('guidance', '5:7:0.5'), [5, 5.5, 6, 6.5, 7]);
	t.deepEqual(parseAxis('vis', '0.25:0.25:0.1'), [0.25], 'start = end is one value');
	t.deepEqual(parseAxis('vis', '0.1:0.50:0.20'), [0.1, 0.3, 0.5], 'trailing zeros do not matter');
	t.deepEqual(parseAxis('vis', '1e-1:5e-1:2e-1'), [0.1, 0.3, 0.5], 'exponents are exact too');
	t.deepEqual(parseAxis('steps', '10:50:20'), [10, 30, 50]);
	t.deepEqual(parseAxis('seed', '0:4000000000:1000000000'), [0, 1e9, 2e9, 3e9, 4e9]);
});

test('property: every range value is the double nearest its exact decimal', t => {
	const next = random(1);
	for (let trial = 0; trial < 500; trial++) {
		const digits = int(next, 1, 4);
		const scale = 10 ** digits;
		const stepUnits = int(next, 1, scale / 2);
		const startUnits = int(next, 0, scale / 2);
		const count = int(next, 1, Math.min(40, Math.floor((scale - startUnits) / stepUnits) + 1));
		const endUnits = startUnits + (count - 1) * stepUnits;
		const text = `${decimal(startUnits, digits)}:${decimal(endUnits, digits)}:${decimal(stepUnits, digits)}`;
		// An integer divided by a power of ten is correctly rounded: the double that typing the decimal gives.
		const expected = Array.from({length: count}, (_, index) => (startUnits + index * stepUnits) / scale);
		t.deepEqual(parseAxis('vis', text), expected, text);
	}
});

test('a range must reach its end exactly; the message names the nearest ends that work', t => {
	t.throws(() => parseAxis('vis', '0.1:0.6:0.2'), {
		instanceOf: UsageError,
		message: '--vis: 0.1:0.6:0.2 does not reach 0.6; use 0.1:0.5:0.2 or 0.1:0.7:0.2',
	});
	t.throws(() => parseAxis('guidance', '1:10:4'), {message: '--guidance: 1:10:4 does not reach 10; use 1:9:4 or 1:13:4'});
	t.throws(() => parseAxis('vis', '0.5:0.9:0.3'), {
		message: '--vis: 0.5:0.9:0.3 does not reach 0.9; use 0.5:0.8:0.3',
		// 0.5:1.1:0.3 would go past the weight limit, so it is not offered.
	});
	t.throws(() => parseAxis('vis', '0.1:0.2:0.5'), {message: '--vis: 0.1:0.2:0.5 does not reach 0.2; use 0.1 or 0.1:0.6:0.5'});
	t.throws(() => parseAxis('vis', '1e-1:0.6:2e-1'), {message: '--vis: 1e-1:0.6:2e-1 does not reach 0.6; use 0.1:0.5:0.2 or 0.1:0.7:0.2'});
});

test('property: the suggested ranges of a range that misses its end are accepted', t => {
	const next = random(2);
	let checked = 0;
	for (let trial = 0; trial < 300; trial++) {
		const startUnits = int(next, 0, 50);
		const stepUnits = int(next, 2, 30);
		const endUnits = startUnits + int(next, 1, 50); // at most 1: ends must be valid weights
		if ((endUnits - startUnits) % stepUnits === 0) continue;
		const text = `${decimal(startUnits, 2)}:${decimal(endUnits, 2)}:${decimal(stepUnits, 2)}`;
		const error = t.throws(() => parseAxis('vis', text), {instanceOf: UsageError});
		const match = /; use (\S+)(?: or (\S+))?$/.exec(error?.message ?? '');
		t.truthy(match, error?.message);
		for (const suggestion of [match?.[1], match?.[2]].filter((s): s is string => s !== undefined)) {
			const values = parseAxis('vis', suggestion);
			t.is(values[0], startUnits / 100, suggestion);
			checked++;
		}
	}
	t.true(checked > 100);
});

test('a range needs a positive step, a start not above its end, and at most 1000 values', t => {
	t.throws(() => parseAxis('vis', '0:1:0'), {instanceOf: UsageError, message: '--vis: step 0 in 0:1:0 must be greater than 0'});
	t.throws(() => parseAxis('vis', '0:1:-0.1'), {message: '--vis: step -0.1 in 0:1:-0.1 must be greater than 0'});
	t.throws(() => parseAxis('vis', '0.5:0.1:0.1'), {message: '--vis: 0.5:0.1:0.1 starts after its end (0.5 > 0.1)'});
	t.throws(() => parseAxis('guidance', '0:100:0.1'), {message: '--guidance: 0:100:0.1 makes 1001 values; the limit is 1000'});
	t.throws(() => parseAxis('vis', '0:1:0.0001'), {message: '--vis: 0:1:0.0001 makes 10001 values; the limit is 1000'});
	t.is(parseAxis('seed', '1:1000:1').length, 1000);
	t.is(parseAxis('guidance', '0:99.9:0.1').length, 1000);
	// Huge counts are refused without being generated.
	t.throws(() => parseAxis('seed', '0:4294967295:1'), {message: /makes 4294967296 values; the limit is 1000$/});
});

test('integer ranges a..b are inclusive', t => {
	t.deepEqual(parseAxis('seed', '1..4'), [1, 2, 3, 4]);
	t.deepEqual(parseAxis('seed', ' 3 .. 5 '), [3, 4, 5]);
	t.deepEqual(parseAxis('seed', '7..7'), [7]);
	t.deepEqual(parseAxis('seed', '0..2'), [0, 1, 2]);
	t.deepEqual(parseAxis('steps', '+10..12'), [10, 11, 12]);
	t.deepEqual(parseAxis('vis', '0..1'), [0, 1]);
	t.deepEqual(parseAxis('seed', '4294967290..4294967295').length, 6);
	t.is(parseAxis('seed', '0..999').length, 1000);
	t.throws(() => parseAxis('seed', '0..1000'), {instanceOf: UsageError, message: '--seed: 0..1000 makes 1001 values; the limit is 1000'});
	t.throws(() => parseAxis('seed', '0..99999999999999999999'), {message: '--seed: 0..99999999999999999999 makes 100000000000000000000 values; the limit is 1000'});
	t.throws(() => parseAxis('seed', '4..1'), {message: '--seed: 4..1 starts after its end (4 > 1)'});
	for (const bad of ['1.5..3', '1..', '..3', '1..2..3', 'a..b', '1e1..20', '0.1..0.5']) {
		t.throws(() => parseAxis('seed', bad), {
			instanceOf: UsageError,
			message: `--seed: ${JSON.stringify(bad)} is not a whole-number range (use start..end, e.g. 1..4)`,
		}, bad);
	}
	t.throws(() => parseAxis('seed', '4294967295..4294967296'), {message: '--seed: seed must be a whole number from 0 to 4294967295, got 4294967296'});
	t.throws(() => parseAxis('steps', '0..3'), {message: '--steps: num_steps must be a whole number from 1 to 1000, got 0'});
});

test('lists may mix single values and ranges; duplicates keep their first place', t => {
	t.deepEqual(parseAxis('vis', '0.1,0.3:0.5:0.1'), [0.1, 0.3, 0.4, 0.5]);
	t.deepEqual(parseAxis('vis', '0.5,0.1:0.5:0.2'), [0.5, 0.1, 0.3]);
	t.deepEqual(parseAxis('vis', '0:0.4:0.2,0.1:0.5:0.2'), [0, 0.2, 0.4, 0.1, 0.3, 0.5]);
	t.deepEqual(parseAxis('vis', '0.2, 0.20, 2e-1,.2'), [0.2]);
	t.deepEqual(parseAxis('vis', '0,-0'), [0]);
	t.deepEqual(parseAxis('seed', '1..3,2,5,1..2'), [1, 2, 3, 5]);
	t.deepEqual(parseAxis('steps', '10:30:10,15,20..21'), [10, 20, 30, 15, 21]);
	// 0.1 + 0.2 by float addition is not 0.3; the range's 0.3 is, so it matches the typed 0.3.
	t.deepEqual(parseAxis('vis', '0.3,0.1:0.3:0.2'), [0.3, 0.1]);
	t.deepEqual(parseAxis('vis', '0.3,0:0.9:0.3'), [0.3, 0, 0.6, 0.9]);
	t.is(parseAxis('seed', '0..999,0..999').length, 1000, 'the limit counts distinct values');
	t.throws(() => parseAxis('seed', '0..999,1000..1999'), {message: '--seed: 2000 values in all; the limit is 1000'});
});

test('malformed text is refused with one line naming the axis and the bad part', t => {
	const cases: Array<[SweepAxis, string, string]> = [
		['vis', '0.1.2', '--vis: "0.1.2" is not a number'],
		['vis', 'abc', '--vis: "abc" is not a number'],
		['edge', 'NaN', '--edge: "NaN" is not a number'],
		['edge', 'Infinity', '--edge: "Infinity" is not a number'],
		['guidance', '0x10', '--guidance: "0x10" is not a number'],
		['guidance', '1,5x', '--guidance: "5x" is not a number'],
		['vis', '', '--vis: no values given'],
		['vis', '   ', '--vis: no values given'],
		['vis', ',', '--vis: empty value in ","'],
		['vis', '0.1,', '--vis: empty value in "0.1,"'],
		['vis', '0.1,,0.2', '--vis: empty value in "0.1,,0.2"'],
		['depth', '0.1:0.5', '--depth: "0.1:0.5" is not a range (use start:end:step, e.g. 0.1:0.5:0.2)'],
		['depth', '0.1:0.5:0.1:0.1', '--depth: "0.1:0.5:0.1:0.1" is not a range (use start:end:step, e.g. 0.1:0.5:0.2)'],
		['depth', '0.1:x:0.1', '--depth: "x" in "0.1:x:0.1" is not a number'],
		['depth', '0.1::0.1', '--depth: "" in "0.1::0.1" is not a number'],
		['depth', '0.1:0.5:0.1.1', '--depth: "0.1.1" in "0.1:0.5:0.1.1" is not a number'],
		['seed', '1..3:5:1', '--seed: "1..3" in "1..3:5:1" is not a number'],
		['seg', '0:1e400:1', '--seg: "1e400" in "0:1e400:1" is too large'],
		['seg', '1e-999999999:1:0.5', '--seg: "1e-999999999" in "1e-999999999:1:0.5" has more than 30 decimal places'],
		['vis', '0.1\n0.2', '--vis: "0.1\\n0.2" is not a number'],
		['vis', '0.1,"x"', '--vis: "\\"x\\"" is not a number'],
	];
	for (const [axis, text, message] of cases) {
		const error = t.throws(() => parseAxis(axis, text), {instanceOf: UsageError, message}, text);
		t.false(error?.message.includes('\n'), text);
	}
});

test('every value follows the domain rules of its axis', t => {
	t.throws(() => parseAxis('vis', '1.01'), {instanceOf: UsageError, message: '--vis: weight vis must be a number from 0 to 1, got 1.01'});
	t.throws(() => parseAxis('seg', '-0.1'), {message: '--seg: weight seg must be a number from 0 to 1, got -0.1'});
	t.throws(() => parseAxis('edge', '1e400'), {message: '--edge: weight edge must be a number from 0 to 1, got Infinity'});
	t.throws(() => parseAxis('vis', '0.5:1.5:0.5'), {message: '--vis: weight vis must be a number from 0 to 1, got 1.5'});
	t.throws(() => parseAxis('vis', '-0.2:0.2:0.2'), {message: '--vis: weight vis must be a number from 0 to 1, got -0.2'});
	t.throws(() => parseAxis('steps', '0'), {message: '--steps: num_steps must be a whole number from 1 to 1000, got 0'});
	t.throws(() => parseAxis('steps', '1001'), {message: /--steps: num_steps must be a whole number from 1 to 1000, got 1001/});
	t.throws(() => parseAxis('steps', '1:3:0.5'), {message: '--steps: num_steps must be a whole number from 1 to 1000, got 1.5'});
	t.throws(() => parseAxis('seed', '-1'), {message: '--seed: seed must be a whole number from 0 to 4294967295, got -1'});
	t.throws(() => parseAxis('seed', '4294967296'), {message: /--seed: seed must be/});
	t.throws(() => parseAxis('seed', '2.5'), {message: /--seed: seed must be a whole number/});
	t.throws(() => parseAxis('guidance', '100.5'), {message: '--guidance: guidance must be a number from 0 to 100, got 100.5'});
	t.throws(() => parseAxis('guidance', '-1'), {message: /--guidance: guidance must be/});
	t.deepEqual(parseAxis('steps', '1,1000'), [1, 1000]);
	t.deepEqual(parseAxis('seed', '0,4294967295'), [0, 4_294_967_295]);
	t.deepEqual(parseAxis('guidance', '0,100,7.5'), [0, 100, 7.5]);
	t.deepEqual(parseAxis('vis', '0,1'), [0, 1]);
});

test('property: parseAxis accepts a value exactly when the domain checks do', t => {
	const field: Record<SweepAxis, keyof Parameters | null> = {
		vis: null,
		edge: null,
		depth: null,
		seg: null,
		seed: 'seed',
		steps: 'num_steps',
		guidance: 'guidance',
	};
	const domainAccepts = (axis: SweepAxis, value: number): boolean => {
		try {
			const key = field[axis];
			if (key === null) checkWeight(axis, value);
			else checkParameters({[key]: value});
			return true;
		} catch {
			return false;
		}
	};
	const samples = [-1, -0.5, 0, 0.25, 0.5, 1, 1.5, 2, 7.5, 35, 99.9, 100, 100.5, 999, 1000, 1001, 4_294_967_295, 4_294_967_296, 1e10];
	for (const axis of SWEEP_AXES) {
		for (const value of samples) {
			const accepted = (() => {
				try {
					parseAxis(axis, String(value));
					return true;
				} catch (error) {
					t.true(error instanceof UsageError);
					return false;
				}
			})();
			t.is(accepted, domainAccepts(axis, value), `${axis}=${value}`);
		}
	}
});

test('every error is a one-line UsageError starting with the axis flag', t => {
	const bad = ['', 'x', '0.1:0.6:0.2', '1e10', '-1', '1..', '0:1:0', '1:0:1', '0..5000', '0.1,,', 'a:b:c'];
	for (const axis of SWEEP_AXES) {
		for (const text of bad) {
			const error = t.throws(() => parseAxis(axis, text), {instanceOf: UsageError}, `${axis} ${text}`);
			t.true(error?.message.startsWith(`--${axis}: `), error?.message);
			t.false(error?.message.includes('\n'));
		}
	}
});

test('the product is taken in SWEEP_AXES order, the last given axis varying fastest', t => {
	// Object key order does not matter: steps is listed first but varies fastest.
	const axes: SweepAxes = {steps: [10, 20], seed: [1, 2, 3], vis: [0.1, 0.2]};
	const points = sweepGrid(base(), axes);
	t.is(points.length, 12);
	t.deepEqual(
		points.map(point => [point.weights.vis, point.parameters.seed, point.parameters.num_steps]),
		[
			[0.1, 1, 10],
			[0.1, 1, 20],
			[0.1, 2, 10],
			[0.1, 2, 20],
			[0.1, 3, 10],
			[0.1, 3, 20],
			[0.2, 1, 10],
			[0.2, 1, 20],
			[0.2, 2, 10],
			[0.2, 2, 20],
			[0.2, 3, 10],
			[0.2, 3, 20],
		],
	);
	t.deepEqual(
		points.slice(0, 3).map(point => pointLabel(point, axes)),
		['vis=0.1 seed=1 steps=10', 'vis=0.1 seed=1 steps=20', 'vis=0.1 seed=2 steps=10'],
	);
});

test('each axis sets its own field and nothing else', t => {
	const start = base();
	const cases: Array<[SweepAxis, (point: SweepPoint) => number]> = [
		['vis', point => point.weights.vis],
		['edge', point => point.weights.edge],
		['depth', point => point.weights.depth],
		['seg', point => point.weights.seg],
		['seed', point => point.parameters.seed],
		['steps', point => point.parameters.num_steps],
		['guidance', point => point.parameters.guidance],
	];
	for (const [axis, read] of cases) {
		const [point] = sweepGrid(start, {[axis]: [1]});
		t.is(point && read(point), 1, axis);
		const expected = base();
		t.notDeepEqual(point, expected);
		// Put the base value back: the rest of the point must equal the base.
		const restored = sweepGrid(point!, {[axis]: [read(start)]})[0];
		t.deepEqual(restored, expected, axis);
	}
});

test('points are fresh objects; no axes gives the base once', t => {
	const start = base();
	const [only, ...rest] = sweepGrid(start, {});
	t.deepEqual(only, start);
	t.is(rest.length, 0);
	t.not(only, start);
	t.not(only!.weights, start.weights);
	t.not(only!.parameters, start.parameters);
	const points = sweepGrid(start, {seed: [1, 2]});
	points[0]!.weights.vis = 0;
	points[0]!.parameters.fps = 1;
	t.is(points[1]!.weights.vis, 0.9);
	t.is(points[1]!.parameters.fps, DEFAULT_PARAMETERS.fps);
	t.deepEqual(start, base());
	t.deepEqual(sweepGrid(start, {undefined: [1]} as unknown as SweepAxes), [start], 'unknown keys are ignored');
	t.deepEqual(sweepGrid(start, {vis: undefined}), [start]);
});

test('gridSize is the product of the axis lengths', t => {
	t.is(gridSize({}), 1);
	t.is(gridSize({vis: [0.1]}), 1);
	t.is(gridSize({vis: [0.1, 0.2, 0.3], seed: [1, 2], guidance: [5, 6, 7, 8]}), 24);
	t.is(gridSize({vis: [0.1, 0.2], edge: []}), 0);
	t.deepEqual(sweepGrid(base(), {vis: [0.1, 0.2], edge: []}), []);
	t.is(gridSize({vis: undefined, seed: [1, 2]}), 2);
});

test('property: sweepGrid has gridSize points, all distinct, covering every combination', t => {
	const next = random(3);
	for (let trial = 0; trial < 60; trial++) {
		const axes: SweepAxes = {};
		for (const axis of SWEEP_AXES) {
			if (next() < 0.4) continue;
			const length = int(next, 1, 3);
			axes[axis] = Array.from({length}, (_, index) => (axis === 'seed' || axis === 'steps' ? index + 1 : (index + 1) / 10));
		}
		const points = sweepGrid({weights: {...DEFAULT_WEIGHTS}, parameters: {...DEFAULT_PARAMETERS}}, axes);
		t.is(points.length, gridSize(axes));
		const labels = points.map(point => pointLabel(point, axes));
		t.is(new Set(labels).size, points.length, 'labels tell points apart');
		t.is(new Set(points.map(point => JSON.stringify(point))).size, points.length);
	}
});

test('labels show only the given axes, with clean numbers', t => {
	const point: SweepPoint = {
		weights: {vis: 0.1 + 0.2, edge: 0.6, depth: 0.25, seg: 0.25},
		parameters: {...DEFAULT_PARAMETERS, seed: 2, num_steps: 40, guidance: 0.1 + 0.7},
	};
	t.is(0.1 + 0.2 === 0.3, false, 'the sum really is off');
	t.is(pointLabel(point, {vis: [0.3], edge: [0.6], seed: [2]}), 'vis=0.3 edge=0.6 seed=2');
	t.is(pointLabel(point, {seed: [2], edge: [0.6], vis: [0.3]}), 'vis=0.3 edge=0.6 seed=2', 'in SWEEP_AXES order');
	t.is(pointLabel(point, {steps: [40], guidance: [0.8]}), 'steps=40 guidance=0.8');
	t.is(pointLabel(point, {}), '');
	t.is(pointLabel({...point, parameters: {...point.parameters, seed: 4_294_967_295}}, {seed: []}), 'seed=4294967295');
	const axes: SweepAxes = {vis: parseAxis('vis', '0:1:0.1')};
	for (const each of sweepGrid(point, axes)) t.regex(pointLabel(each, axes), /^vis=(0|1|0\.\d)$/);
});

test('formatAxis gives the canonical text that parseAxis reads back', t => {
	t.is(formatAxis([0.1, 0.3, 0.5]), '0.1,0.3,0.5');
	t.is(formatAxis(parseAxis('vis', ' 0.1 : 0.5 : 0.2 ')), '0.1,0.3,0.5');
	t.is(formatAxis(parseAxis('vis', '0:1:0.1')), '0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1');
	t.is(formatAxis([0.1 + 0.2, -0]), '0.3,0');
	t.is(formatAxis([4_294_967_295, 1e-7]), '4294967295,1e-7');
	t.is(formatAxis([]), '');
	t.deepEqual(parseAxis('vis', formatAxis([1e-7, 0.5])), [1e-7, 0.5]);
	const next = random(4);
	for (let trial = 0; trial < 200; trial++) {
		const axis = SWEEP_AXES[int(next, 0, SWEEP_AXES.length - 1)]!;
		const values = Array.from({length: int(next, 1, 6)}, () => {
			if (axis === 'seed') return int(next, 0, 4_294_967_295);
			if (axis === 'steps') return int(next, 1, 1000);
			if (axis === 'guidance') return int(next, 0, 100_000) / 1000;
			return int(next, 0, 10_000) / 10_000;
		});
		const parsed = parseAxis(axis, formatAxis(values));
		t.deepEqual(parsed, [...new Set(values)], `${axis} ${formatAxis(values)}`);
		t.is(formatAxis(parseAxis(axis, formatAxis(parsed))), formatAxis(parsed));
	}
});
