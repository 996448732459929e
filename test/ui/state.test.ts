import test from 'ava';
import {newRun, type Run} from '../../source/domain/model.js';
import {INITIAL_APP_STATE, reduceApp, type AppState} from '../../source/ui/state/app-state.js';
import {openConfirm, reduceConfirm} from '../../source/ui/state/confirm.js';
import {estimateRemaining, medianDuration} from '../../source/ui/state/eta.js';
import {moveSelection, needsPin, resolveSelection, scrollTop} from '../../source/ui/state/list-selection.js';
import {commonPrefix, openPromptForm, reducePromptForm} from '../../source/ui/state/prompt-form.js';
import {runMatches} from '../../source/ui/state/filters.js';
import {fitSegments} from '../../source/ui/state/run-summary.js';
import type {RunRow} from '../../source/ui/data/live-data.js';

function run(overrides: Partial<Run> = {}): RunRow {
	return {
		...newRun({
			id: 'rs_000000000001',
			prompt_id: 'ps_1',
			status: 'success',
			stage: 'done',
			created_at: '2026-01-01T00:00:00.000Z',
			started_at: '2026-01-01T00:00:00.000Z',
			completed_at: '2026-01-01T00:10:00.000Z',
		}),
		promptName: 'street',
		...overrides,
	};
}

test('selection is kept by id as the list changes, and falls to a neighbour when its item goes', t => {
	const selection = moveSelection(['a', 'b', 'c'], {id: null, index: 0}, {kind: 'by', delta: 1});
	t.deepEqual(selection, {id: 'b', index: 1});
	t.deepEqual(resolveSelection(['new', 'a', 'b', 'c'], selection), {id: 'b', index: 2}, 'a new run on top does not move the selection');
	t.deepEqual(resolveSelection(['a', 'c'], selection), {id: 'c', index: 1}, 'deleted: the next item takes its place');
	t.deepEqual(resolveSelection(['a'], selection), {id: 'a', index: 0});
	t.deepEqual(resolveSelection([], selection), {id: null, index: 0});
});

test('moves stop at the ends; cycle wraps; an id not listed yet is remembered', t => {
	const ids = ['a', 'b', 'c'];
	t.is(moveSelection(ids, {id: 'c', index: 2}, {kind: 'by', delta: 10}).id, 'c');
	t.is(moveSelection(ids, {id: 'a', index: 0}, {kind: 'by', delta: -1}).id, 'a');
	t.is(moveSelection(ids, {id: 'c', index: 2}, {kind: 'cycle', delta: 1}).id, 'a');
	t.is(moveSelection(ids, {id: 'a', index: 0}, {kind: 'cycle', delta: -1}).id, 'c');
	t.is(moveSelection(ids, {id: 'b', index: 1}, {kind: 'last'}).id, 'c');
	const pending = moveSelection(ids, {id: 'b', index: 1}, {kind: 'id', id: 'z'});
	t.is(pending.id, 'z');
	t.is(needsPin(ids, pending), null, 'a run not listed yet is waited for');
	t.deepEqual(resolveSelection(['z', ...ids], pending), {id: 'z', index: 0});
	t.is(needsPin(ids, {id: null, index: 0}), 'a', 'nothing chosen: pin the first');
	t.is(needsPin(['a', 'c'], {id: 'b', index: 1}), 'c', 'gone: pin the neighbour');
	t.is(needsPin(ids, {id: 'b', index: 1}), null);
});

test('list scrolling moves only as far as needed to show the selection', t => {
	t.is(scrollTop(0, 100, 10, 0), 0);
	t.is(scrollTop(9, 100, 10, 0), 0);
	t.is(scrollTop(10, 100, 10, 0), 1);
	t.is(scrollTop(5, 100, 10, 8), 5);
	t.is(scrollTop(99, 100, 10, 0), 90);
	t.is(scrollTop(3, 5, 10, 7), 0, 'everything fits');
});

test('confirmation: No is highlighted first, Enter takes it, only y or a moved highlight says yes', t => {
	const confirm = openConfirm({kind: 'cancel', runId: 'rs_1'}, 'Cancel run', ['Stop it?'], 'Cancel run');
	t.is(confirm.focus, 'no');
	t.is(reduceConfirm(confirm, 'choose').answer, 'no');
	t.is(reduceConfirm(confirm, 'yes').answer, 'yes');
	t.is(reduceConfirm(confirm, 'no').answer, 'no');
	const moved = reduceConfirm(confirm, 'switch');
	t.is(moved.answer, null);
	t.is(moved.state.focus, 'yes');
	t.is(reduceConfirm(moved.state, 'choose').answer, 'yes');
});

test('the app reducer: focus cycles, Esc clears a filter before going back, flashes clear by number', t => {
	let state: AppState = INITIAL_APP_STATE;
	state = reduceApp(state, {type: 'focus-step', direction: 1});
	t.is(state.focus, 'logs');
	state = reduceApp(state, {type: 'focus-step', direction: 1});
	t.is(state.focus, 'queue', 'Tab goes through the queue view');
	t.is(state.pane, 'logs', 'the panes keep the last pane for their layout');
	state = reduceApp(state, {type: 'focus-step', direction: 1});
	t.is(state.focus, 'prompts');
	state = reduceApp(state, {type: 'focus-step', direction: -1});
	t.is(state.focus, 'queue');
	t.is(reduceApp(state, {type: 'back'}).focus, 'runs', 'Esc leaves the queue view for the runs');
	state = reduceApp(state, {type: 'focus-step', direction: -1});
	t.is(state.focus, 'logs');
	state = reduceApp({...state, focus: 'runs'}, {type: 'set-filter', pane: 'runs', filter: 'failed'});
	state = reduceApp(state, {type: 'back'});
	t.is(state.filters.runs, '');
	t.is(state.focus, 'runs');
	state = reduceApp(state, {type: 'back'});
	t.is(state.focus, 'prompts');
	state = reduceApp(state, {type: 'flash', text: 'one', tone: 'info'});
	const first = state.flash!.seq;
	state = reduceApp(state, {type: 'flash', text: 'two', tone: 'info'});
	t.is(reduceApp(state, {type: 'flash-clear', seq: first}).flash?.text, 'two', 'an old timer does not clear a newer message');
	t.is(reduceApp(state, {type: 'flash-clear', seq: state.flash!.seq}).flash, null);
});

test('the prompt form: typing goes to the focused field, pastes become one line, both fields are needed', t => {
	let form = reducePromptForm(openPromptForm(), {type: 'type', text: 'a street\nat night\t'});
	t.is(form.text, 'a street at night ');
	form = reducePromptForm(form, {type: 'submitting'});
	t.false(form.submitting);
	t.is(form.error, 'give the folder that holds color.mp4');
	t.is(form.field, 'folder');
	form = reducePromptForm(form, {type: 'type', text: '/data/samples/str'});
	form = reducePromptForm(form, {type: 'completed', folder: '/data/samples/street/', candidates: []});
	t.is(form.folder, '/data/samples/street/');
	form = reducePromptForm(form, {type: 'erase'});
	t.is(form.folder, '/data/samples/street');
	t.true(reducePromptForm(form, {type: 'submitting'}).submitting);
	t.is(commonPrefix(['street', 'stream', 'strict']), 'str');
	t.is(commonPrefix([]), '');
});

test('ETA: the median duration of similar successful runs, minus the time spent', t => {
	const samples = [
		{steps: 35, gpus: 1, seconds: 100},
		{steps: 35, gpus: 1, seconds: 300},
		{steps: 35, gpus: 1, seconds: 200},
		{steps: 35, gpus: 8, seconds: 20},
		{steps: 50, gpus: 1, seconds: 900},
	];
	t.is(medianDuration(samples, 35, 1), 200);
	t.is(medianDuration(samples.slice(0, 2), 35, 1), 200, 'even count: the mean of the middle two');
	t.is(medianDuration(samples, 10, 1), null);
	const running = run({status: 'running', started_at: '2026-01-01T00:00:00.000Z', completed_at: null});
	t.is(estimateRemaining(running, samples, Date.parse('2026-01-01T00:01:00.000Z')), 140);
	t.is(estimateRemaining(running, samples, Date.parse('2026-01-01T01:00:00.000Z')), null, 'past the median with no progress: unknown, never "0s left"');
	t.is(estimateRemaining(run(), samples, Date.now()), null, 'only running runs');
});

test('run filters match text or a status name', t => {
	t.true(runMatches(run({status: 'failed', failure_kind: 'oom'}), 'failed'));
	t.false(runMatches(run({status: 'success'}), 'failed'));
	t.true(runMatches(run({failure_kind: 'oom', status: 'failed'}), 'oom'));
	t.true(runMatches(run(), 'STREET'.toLowerCase()));
	t.true(runMatches(run(), ''));
});

test('a rating in the runs filter keeps the runs rated so (4, 4+, 2-); a note is text the filter finds', t => {
	t.true(runMatches(run({rating: 4}), '4'));
	t.false(runMatches(run({rating: 5}), '4'));
	t.true(runMatches(run({rating: 5}), '4+'));
	t.false(runMatches(run({rating: 3}), '4+'));
	t.true(runMatches(run({rating: 1}), '2-'));
	t.false(runMatches(run(), '1+'), 'unrated runs match no rating');
	t.true(runMatches(run({note: 'best fog so far'}), 'fog'));
});

test('segments are cut to the width with an ellipsis, and padded when asked', t => {
	const fitted = fitSegments([{text: 'abc'}, {text: 'defgh'}], 6);
	t.deepEqual(fitted.map(segment => segment.text), ['abc', 'de…']);
	t.deepEqual(fitSegments([{text: 'ab'}], 4, true).map(segment => segment.text).join(''), 'ab  ');
	t.deepEqual(fitSegments([{text: 'ab'}], 4).map(segment => segment.text).join(''), 'ab');
});
