// The new-prompt form's prepare offer, as a pure reducer: a folder of rendered frames is offered
// to prepare (Esc goes back, Enter runs it), the form waits while ffmpeg runs, and the prepared
// folder becomes the folder the prompt is created from.
import test from 'ava';
import type {PreparePlan} from '../../source/service/prepare-plan.js';
import {offerQuestion, openPromptForm, prepareOffer, preparedNote, reducePromptForm, type PromptFormAction, type PromptFormState} from '../../source/ui/state/prompt-form.js';

const apply = (state: PromptFormState, ...actions: PromptFormAction[]) => actions.reduce(reducePromptForm, state);

const range = {first: 1, last: 96, count: 96};
const plan: PreparePlan = {
	source: '/r/shot1',
	name: 'shot1',
	output: '/r/shot1_inputs',
	fps: 24,
	found: [
		{modality: 'color', frames: range, size: {width: 64, height: 48}, pattern: 'color.%04d.png'},
		{modality: 'depth', frames: range, size: {width: 64, height: 48}, pattern: 'depth.%04d.png'},
		{modality: 'edge', frames: range, size: {width: 32, height: 24}, pattern: 'edge.%04d.png', skipped: 'frames are 32x24, color is 64x48'},
	],
	conversions: [
		{modality: 'color', file: 'color.mp4', args: []},
		{modality: 'depth', file: 'depth.mp4', args: []},
	],
	frames: range,
	resolution: [64, 48],
	unknown: [],
	errors: [],
	warnings: ['edge is skipped: frames are 32x24, color is 64x48'],
};

/** The form as submitted from the folder field, createPrompt having refused the folder. */
function submitted(): PromptFormState {
	return apply(openPromptForm('/r/shot1'), {type: 'type', text: 'a foggy pier'}, {type: 'field', field: 'folder'}, {type: 'submitting'});
}

test('a plan with color frames becomes the offer; errors become one line; no color frames, nothing', t => {
	const offered = prepareOffer(plan, 'renders/shot1');
	t.deepEqual(offered, {offer: {source: 'renders/shot1', output: '/r/shot1_inputs', fps: 24, modalities: ['color', 'depth'], frames: 96, warnings: plan.warnings}});
	t.is(
		offerQuestion((offered as {offer: Parameters<typeof offerQuestion>[0]}).offer),
		'this folder holds rendered frames (color, depth: 96 frames): Enter prepares them into /r/shot1_inputs (24 fps), Esc goes back',
	);
	const gap = prepareOffer({...plan, conversions: [], frames: null, errors: ['color frames 4–5, 8 are missing']}, 'renders/shot1');
	t.deepEqual(gap, {error: 'this folder holds rendered frames, but prepare cannot make videos of them: color frames 4–5, 8 are missing'});
	t.is(prepareOffer({...plan, found: plan.found.filter(found => found.modality !== 'color')}, 'x'), null);
	t.is(preparedNote({output: '/r/shot1_inputs', frames: 96, fps: 24, warnings: []}), 'from /r/shot1_inputs, prepared from 96 rendered frames at 24 fps');
});

test('the offer replaces the failed submit; keys other than Enter and Esc change nothing; Esc goes back', t => {
	const {offer} = prepareOffer(plan, '/r/shot1') as {offer: NonNullable<PromptFormState['prepare']>};
	const asking = apply(submitted(), {type: 'offer-prepare', offer});
	t.false(asking.submitting);
	t.is(asking.error, null);
	t.deepEqual(asking.prepare, {...offer, startedAt: null});
	t.is(apply(asking, {type: 'type', text: 'x'}, {type: 'erase'}, {type: 'clear'}, {type: 'move', direction: 1}, {type: 'submitting'}), asking, 'the form is frozen while it asks');
	t.is(apply(asking, {type: 'prepared', folder: '/elsewhere'}), asking, 'nothing is prepared before Enter');
	const back = apply(asking, {type: 'prepare-back'});
	t.is(back.prepare, null);
	t.is(back.folder, '/r/shot1', 'the folder stays as given');
	t.is(apply(back, {type: 'type', text: '/'}).folder, '/r/shot1/', 'the form is editable again');
	t.is(apply(openPromptForm('/r'), {type: 'offer-prepare', offer}).prepare, null, 'an offer only answers a submit');
});

test('Enter runs prepare: Esc waits; done, the prepared folder is submitted; a failure is one line and the folder stays', t => {
	const {offer} = prepareOffer(plan, '/r/shot1') as {offer: NonNullable<PromptFormState['prepare']>};
	const running = apply(submitted(), {type: 'offer-prepare', offer}, {type: 'preparing', at: 1000});
	t.is(running.prepare?.startedAt, 1000);
	t.is(apply(running, {type: 'prepare-back'}), running, 'Esc cannot stop ffmpeg halfway');
	t.is(apply(running, {type: 'preparing', at: 2000}).prepare?.startedAt, 1000);
	const prepared = apply(running, {type: 'prepared', folder: '/r/shot1_inputs'});
	t.is(prepared.prepare, null);
	t.is(prepared.folder, '/r/shot1_inputs');
	t.true(prepared.submitting, 'the prompt is created from it at once');
	t.is(prepared.text, 'a foggy pier');
	const failed = apply(running, {type: 'failed', message: 'prepare failed, nothing was written: ffmpeg is not installed'});
	t.is(failed.prepare, null);
	t.false(failed.submitting);
	t.is(failed.folder, '/r/shot1');
	t.is(failed.error, 'prepare failed, nothing was written: ffmpeg is not installed');
});
