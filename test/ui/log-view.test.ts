import test from 'ava';
import {linesFor, makeSource} from './helpers/log-source.js';
import {overlap} from '../../source/ui/data/log-store.js';
import {
	allLines,
	describeLogView,
	filterLines,
	INITIAL_LOG_VIEW,
	logLine,
	logWindow,
	MAX_LINE_CHARS,
	reduceLogView,
	renderLine,
	type LogViewAction,
	type LogViewState,
} from '../../source/ui/state/log-view.js';
import {stripAnsi} from '../../source/format/sanitize.js';
import {wrapStyled} from '../../source/ui/text/styled.js';
import {HOSTILE} from './helpers/hostile.js';

const ESC = '\u001B';

/** Applies actions as the hook does: each against the window the previous state shows. */
function run(source: ReturnType<typeof makeSource>, actions: LogViewAction[], start: LogViewState = INITIAL_LOG_VIEW, height = 5, width = 40): LogViewState {
	let state = start;
	for (const action of actions) {
		const index = state.filter ? filterLines(source, state.filter) : allLines(source);
		state = reduceLogView(state, action, index, logWindow(source, index, state, width, height));
	}
	return state;
}

const texts = (source: ReturnType<typeof makeSource>, state: LogViewState, height = 5, width = 40) => {
	const index = state.filter ? filterLines(source, state.filter) : allLines(source);
	return logWindow(source, index, state, width, height).rows.map(row => stripAnsi(row.text));
};

test('the line ring keeps the newest lines and numbers them for good', t => {
	const ring = makeSource(linesFor(5), 3);
	t.is(ring.startSeq, 2);
	t.is(ring.endSeq, 5);
	t.is(ring.at(1), undefined, 'dropped');
	t.deepEqual(ring.at(4), {text: 'line 4', at: null, cut: 0});
	ring.push('late', 1234);
	t.deepEqual(ring.at(5), {text: 'late', at: 1234, cut: 0});
	t.is(ring.startSeq, 3);
});

test('following shows the newest lines as they arrive', t => {
	const source = makeSource(linesFor(20));
	t.deepEqual(texts(source, INITIAL_LOG_VIEW), ['line 15', 'line 16', 'line 17', 'line 18', 'line 19']);
	source.push('line 20', null);
	t.deepEqual(texts(source, INITIAL_LOG_VIEW).at(-1), 'line 20');
});

test('scrolling up pauses on the same text while lines keep coming; G and End follow again', t => {
	const source = makeSource(linesFor(20));
	const paused = run(source, [{type: 'scroll', lines: -3}]);
	t.false(paused.follow);
	t.deepEqual(texts(source, paused), ['line 12', 'line 13', 'line 14', 'line 15', 'line 16']);
	for (let i = 20; i < 30; i++) source.push(`line ${i}`, null);
	t.deepEqual(texts(source, paused), ['line 12', 'line 13', 'line 14', 'line 15', 'line 16'], 'new lines do not move a paused view');
	t.true(describeLogView(paused, logWindow(source, allLines(source), paused, 40, 5)).startsWith('paused'));
	const resumed = run(source, [{type: 'bottom'}], paused);
	t.true(resumed.follow);
	t.is(texts(source, resumed).at(-1), 'line 29');
});

test('scrolling down onto the newest line follows again; a short log never pauses', t => {
	const source = makeSource(linesFor(20));
	const paused = run(source, [{type: 'scroll', lines: -2}]);
	t.false(paused.follow);
	t.true(run(source, [{type: 'scroll', lines: 2}], paused).follow);
	const short = makeSource(linesFor(3));
	t.true(run(short, [{type: 'scroll', lines: -1}]).follow, 'nothing above to see');
});

test('top goes to the oldest line kept; paging stops at the ends', t => {
	const source = makeSource(linesFor(100), 50);
	const top = run(source, [{type: 'top'}]);
	t.is(texts(source, top)[0], 'line 50', 'the buffer kept the last 50 lines');
	t.deepEqual(texts(source, run(source, [{type: 'scroll', lines: -1000}]))[0], 'line 50');
});

test('a paused view whose lines fell off the buffer shows the oldest kept', t => {
	const source = makeSource(linesFor(10), 10);
	const paused = run(source, [{type: 'top'}]);
	for (let i = 10; i < 25; i++) source.push(`line ${i}`, null);
	t.is(texts(source, paused)[0], 'line 15');
});

test('wrap splits long lines into rows, styles carried; without wrap they are cut with a marker', t => {
	const source = makeSource([`${ESC}[31m${'x'.repeat(25)}${ESC}[0m`]);
	const cut = texts(source, INITIAL_LOG_VIEW, 5, 10);
	t.deepEqual(cut, ['xxxxxxxxx…']);
	const wrapped = logWindow(source, allLines(source), {...INITIAL_LOG_VIEW, wrap: true}, 10, 5).rows;
	t.deepEqual(wrapped.map(row => stripAnsi(row.text)), ['xxxxxxxxxx', 'xxxxxxxxxx', 'xxxxx']);
	t.true(wrapped[1]!.text.startsWith(`${ESC}[31m`), 'the colour is re-opened on the next row');
	t.true(wrapped[0]!.text.endsWith(`${ESC}[0m`), 'and closed at the end of each row');
	t.deepEqual(wrapStyled('日本語です', 4).map(row => stripAnsi(row)), ['日本', '語で', 'す'], 'wide characters are never split');
});

test('following with wrap shows the last rows of the newest lines', t => {
	const source = makeSource(['a'.repeat(30), 'b'.repeat(30)]);
	const rows = texts(source, {...INITIAL_LOG_VIEW, wrap: true}, 4, 10);
	t.deepEqual(rows, ['aaaaaaaaaa', 'bbbbbbbbbb', 'bbbbbbbbbb', 'bbbbbbbbbb']);
});

test('very long lines are cut when they arrive, and say so', t => {
	const source = makeSource(['y'.repeat(MAX_LINE_CHARS + 500)]);
	const line = source.at(0)!;
	t.is(line.text.length, MAX_LINE_CHARS);
	t.is(line.cut, 500);
	t.deepEqual(logLine('y'.repeat(MAX_LINE_CHARS + 1), 0).cut, 1);
	const rows = renderLine(line, {...INITIAL_LOG_VIEW, wrap: true}, 100);
	t.regex(stripAnsi(rows.at(-1)!), /\(\+500 chars cut\)$/);
});

test('a filter shows the matching lines with the matches highlighted, smart case', t => {
	const source = makeSource(['Loading model', 'loading done', 'diffusion step', `${ESC}[32mLOADING${ESC}[0m again`]);
	const state = run(source, [{type: 'filter', filter: 'loading'}]);
	t.deepEqual(texts(source, state), ['Loading model', 'loading done', 'LOADING again']);
	const window = logWindow(source, filterLines(source, 'loading'), state, 40, 5);
	t.true(window.rows[0]!.text.includes(`${ESC}[7mLoading${ESC}[27m`), 'the match is in reverse video');
	t.true(window.rows[2]!.text.includes(`${ESC}[32m${ESC}[7mLOADING`) || window.rows[2]!.text.includes(`${ESC}[7m${ESC}[32mLOADING`), 'colours stay');
	t.deepEqual(texts(source, run(source, [{type: 'filter', filter: 'Loading'}])), ['Loading model'], 'a capital makes it case-sensitive');
	t.is(describeLogView(state, window), 'following · filter "loading": 3 lines');
});

test('n and N walk through the matches, wrapping around, and pause the view on them', t => {
	const lines = linesFor(30).map((line, i) => (i % 5 === 0 ? `${line} match` : line));
	const source = makeSource(lines);
	let state = run(source, [{type: 'filter', filter: 'match'}], INITIAL_LOG_VIEW, 3);
	state = run(source, [{type: 'match', direction: 1}], state, 3);
	t.false(state.follow);
	const current = () => logWindow(source, filterLines(source, 'match'), state, 40, 3).rows.find(row => row.current);
	t.is(stripAnsi(current()!.text), 'line 15 match', 'n starts at the first line on screen');
	state = run(source, [{type: 'match', direction: 1}, {type: 'match', direction: 1}], state, 3);
	t.is(stripAnsi(current()!.text), 'line 25 match');
	state = run(source, [{type: 'match', direction: 1}], state, 3);
	t.is(stripAnsi(current()!.text), 'line 0 match', 'wraps to the first match');
	state = run(source, [{type: 'match', direction: -1}], state, 3);
	t.is(stripAnsi(current()!.text), 'line 25 match', 'N goes back');
	t.is(run(source, [{type: 'match', direction: 1}], {...INITIAL_LOG_VIEW}, 3).match, null, 'no filter: nothing to walk');
});

test('the filter index only tests new lines and drops lines that fell off', t => {
	const source = makeSource(['a1', 'b', 'a2'], 4);
	const first = filterLines(source, 'a');
	t.deepEqual(first.seqs, [0, 2]);
	source.push('a3', null);
	source.push('b', null);
	const second = filterLines(source, 'a', first);
	t.deepEqual(second.seqs, [2, 3], 'line 0 fell off, line 3 is new');
	t.deepEqual(filterLines(source, 'a').seqs, second.seqs, 'same as filtering from scratch');
});

test('hostile escape sequences in log lines render harmlessly: only colours survive', t => {
	const source = makeSource(Object.values(HOSTILE).map(sequence => `before${sequence}after`));
	for (const state of [INITIAL_LOG_VIEW, {...INITIAL_LOG_VIEW, wrap: true}, {...INITIAL_LOG_VIEW, timestamps: true}, {...INITIAL_LOG_VIEW, filter: 'after'}]) {
		const index = state.filter ? filterLines(source, state.filter) : allLines(source);
		for (const row of logWindow(source, index, state, 60, 20).rows) {
			const withoutSgr = row.text.replaceAll(/\u001B\[[0-9;]*m/g, '');
			t.false(/[\u0000-\u001F\u007F-\u009F]/.test(withoutSgr), JSON.stringify(row.text));
			t.regex(stripAnsi(row.text), /before.*after/);
		}
	}
	t.notRegex(texts(source, INITIAL_LOG_VIEW, 20, 60).join('\n'), /ZWNobyBwd25lZA|evil title|set your terminal title/, 'OSC payloads are gone too');
});

test('timestamps show when a line arrived; saved lines have none', t => {
	const at = new Date(2026, 0, 2, 13, 4, 5).getTime();
	t.is(stripAnsi(renderLine(logLine('hello', at), {...INITIAL_LOG_VIEW, timestamps: true}, 40)[0]!), '13:04:05 hello');
	t.is(stripAnsi(renderLine(logLine('hello', null), {...INITIAL_LOG_VIEW, timestamps: true}, 40)[0]!), '--:--:-- hello');
});

test('overlap finds lines read from disk that also arrived live', t => {
	t.is(overlap(['a', 'b', 'c'], ['b', 'c', 'd']), 2);
	t.is(overlap(['a', 'b'], ['c']), 0);
	t.is(overlap([], ['a']), 0);
	t.is(overlap(['a', 'a'], ['a', 'a', 'a']), 2);
});

test('the title says whether the run goes on, and shows wrap and timestamps when on', t => {
	const source = makeSource(linesFor(5));
	const state = {...INITIAL_LOG_VIEW, timestamps: true};
	const window = logWindow(source, allLines(source), state, 40, 10);
	t.is(describeLogView(state, window), 'following · times');
	t.is(describeLogView(state, window, false), 'ended · at the end · times', 'a finished run is never "following"');
	t.is(describeLogView({...state, timestamps: false, wrap: true}, window, false), 'ended · at the end · wrap');
});
