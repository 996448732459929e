import test from 'ava';
import {DEFAULT_PARAMETERS, DEFAULT_WEIGHTS} from '../../source/domain/model.js';
import {formLists, formSweep, gridLabel} from '../../source/ui/state/form-lists.js';
import {
	fieldProblem,
	fieldText,
	formChanges,
	openWeightsForm,
	reduceWeightsForm,
	visibleFields,
	type WeightsFormAction,
	type WeightsFormState,
} from '../../source/ui/state/weights-form.js';

const open = (mode: 'launch' | 'rerun' = 'rerun') =>
	openWeightsForm({
		mode,
		promptId: 'ps_1',
		promptName: 'street',
		parentRunId: mode === 'rerun' ? 'rs_1' : null,
		settings: {weights: {...DEFAULT_WEIGHTS, edge: 0.3}, parameters: {...DEFAULT_PARAMETERS}},
	});

const apply = (state: WeightsFormState, ...actions: WeightsFormAction[]) => actions.reduce(reduceWeightsForm, state);
const type = (text: string): WeightsFormAction[] => [...text].map(character => ({type: 'type', text: character}));

test('opens prefilled on the first weight, parameters hidden', t => {
	const form = open();
	t.is(form.field, 'vis');
	t.is(form.values.weights.edge, 0.3);
	t.deepEqual(visibleFields(form).map(field => field.id), ['vis', 'edge', 'depth', 'seg']);
	t.is(fieldText(form, 'vis'), '0.25');
});

test('left and right step a weight by 0.05 without float drift, within 0..1', t => {
	let form = apply(open(), {type: 'step', direction: 1});
	t.is(form.values.weights.vis, 0.3);
	form = apply(form, ...Array.from({length: 30}, () => ({type: 'step', direction: 1}) as const));
	t.is(form.values.weights.vis, 1, 'stops at the top');
	form = apply(form, ...Array.from({length: 30}, () => ({type: 'step', direction: -1}) as const));
	t.is(form.values.weights.vis, 0, 'stops at the bottom');
	form = apply(form, {type: 'step', direction: 1}, {type: 'step', direction: 1}, {type: 'step', direction: 1});
	t.is(form.values.weights.vis, 0.15, '0.05 * 3 is 0.15, not 0.15000000000000002');
});

test('digits type a value, committed when leaving the field', t => {
	let form = apply(open(), ...type('0.6'));
	t.is(fieldText(form, 'vis'), '0.6', 'shows what is typed');
	t.is(form.values.weights.vis, 0.25, 'not committed yet');
	form = apply(form, {type: 'next-field'});
	t.is(form.values.weights.vis, 0.6);
	t.is(form.field, 'edge');
	t.is(form.notice, null);
});

test('a typed value out of range is not clamped: it stays as typed, with the CLI rule, and Enter refuses', t => {
	const typing = apply(open(), {type: 'previous-field'}, ...type('1.5'));
	t.is(fieldProblem(typing, 'seg'), 'seg must be a number from 0 to 1', 'said while typing');
	const form = apply(typing, {type: 'next-field'});
	t.is(form.field, 'vis');
	t.is(fieldText(form, 'seg'), '1.5', 'the field keeps what was typed');
	t.is(form.values.weights.seg, DEFAULT_WEIGHTS.seg, 'the value under it is untouched');
	t.is(fieldProblem(form, 'seg'), 'seg must be a number from 0 to 1');
	const refused = apply(form, {type: 'submitting'});
	t.false(refused.submitting);
	t.is(refused.notice, 'cannot queue: seg must be a number from 0 to 1');
	const fixed = apply(refused, {type: 'previous-field'}, {type: 'erase'}, {type: 'erase'}, {type: 'erase'}, ...type('0.5'), {type: 'submitting'});
	t.true(fixed.submitting, 'fixed, it queues');
	t.is(fixed.values.weights.seg, 0.5);
	t.is(fieldProblem(fixed, 'seg'), null);
	const rounded = apply(open(), ...type('0.123'), {type: 'next-field'});
	t.is(rounded.values.weights.vis, 0.12, 'weights keep two decimals');
});

test('steps, seed and the other parameters use the CLI rules; a field emptied keeps its value', t => {
	const advanced = apply(open(), {type: 'toggle-advanced'}, ...Array.from({length: 4}, () => ({type: 'next-field'}) as const));
	t.is(advanced.field, 'num_steps');
	const steps = apply(advanced, ...type('5000'), {type: 'next-field'});
	t.is(fieldText(steps, 'num_steps'), '5000');
	t.is(steps.values.parameters.num_steps, DEFAULT_PARAMETERS.num_steps);
	t.is(fieldProblem(steps, 'num_steps'), 'steps must be a whole number from 1 to 1000');
	const seed = apply(steps, {type: 'next-field'}, ...type('99999999999'), {type: 'next-field'});
	t.is(fieldProblem(seed, 'seed'), 'seed must be a whole number from 0 to 4294967295');
	t.is(apply(seed, {type: 'submitting'}).notice, 'cannot queue: steps must be a whole number from 1 to 1000', 'the first refused field is named');
	const hidden = apply(seed, {type: 'toggle-advanced'}, {type: 'submitting'});
	t.regex(hidden.notice ?? '', /steps must be/, 'refused even with the parameters hidden');
	const emptied = apply(advanced, ...type('0'), {type: 'next-field'}, {type: 'previous-field'}, {type: 'erase'}, {type: 'next-field'});
	t.is(fieldText(emptied, 'num_steps'), String(DEFAULT_PARAMETERS.num_steps), 'an emptied field drops the refused text');
	t.is(fieldProblem(emptied, 'num_steps'), null);
});

test('stepping stops at the bounds and says so; stepping a refused value brings it to the bound', t => {
	const top = apply(open(), ...type('1'), {type: 'step', direction: 1});
	t.is(top.values.weights.vis, 1);
	t.is(top.notice, 'vis is at its maximum 1');
	const bottom = apply(open(), ...type('0'), {type: 'step', direction: -1});
	t.is(bottom.notice, 'vis is at its minimum 0');
	const near = apply(open(), ...type('0.98'), {type: 'step', direction: 1});
	t.is(near.values.weights.vis, 1, 'a step past the bound stops on it');
	const refused = apply(open(), ...type('1.5'), {type: 'next-field'}, {type: 'previous-field'}, {type: 'step', direction: -1});
	t.is(refused.values.weights.vis, 1);
	t.is(fieldText(refused, 'vis'), '1.00');
	t.is(refused.notice, 'vis 1.5 is out of range; set to its maximum 1');
	t.is(fieldProblem(refused, 'vis'), null);
});

test('more GPUs than any host has is refused with the service\'s words, before submitting', t => {
	const hosts = [{name: 'sandbox', gpus: 2}];
	const form = openWeightsForm({mode: 'launch', promptId: 'ps_1', promptName: 'street', settings: {weights: {...DEFAULT_WEIGHTS}, parameters: {...DEFAULT_PARAMETERS}}, hosts});
	const gpus = apply(form, {type: 'toggle-advanced'}, {type: 'previous-field'}, {type: 'previous-field'});
	t.is(gpus.field, 'num_gpus');
	const four = apply(gpus, ...type('4'), {type: 'next-field'});
	t.is(four.values.parameters.num_gpus, 4, 'a valid number of GPUs');
	t.is(fieldProblem(four, 'num_gpus'), 'a run asking for 4 GPU(s) cannot start: sandbox has 2');
	t.is(apply(four, {type: 'submitting'}).notice, 'cannot queue: a run asking for 4 GPU(s) cannot start: sandbox has 2');
	t.true(apply(four, {type: 'previous-field'}, {type: 'step', direction: -1}, {type: 'step', direction: -1}, {type: 'submitting'}).submitting, '2 GPUs fit');
	const unknown = openWeightsForm({...form, settings: form.initial, hosts: [{name: 'sandbox', gpus: null}]});
	t.is(fieldProblem(apply(unknown, {type: 'toggle-advanced'}, {type: 'previous-field'}, {type: 'previous-field'}, ...type('4'), {type: 'next-field'}), 'num_gpus'), null, 'unknown GPUs: the service asks at submit');
	t.is(fieldProblem(apply(gpus, ...type('65')), 'num_gpus'), 'GPUs must be a whole number from 1 to 64', 'the rule first');
});

test('typing ignores what cannot be a number, and erase works on the typed text', t => {
	let form = apply(open(), ...type('0..5'));
	t.is(fieldText(form, 'vis'), '0.5', 'a second dot is ignored');
	form = apply(form, {type: 'erase'}, ...type('7'), {type: 'step', direction: 1});
	t.is(form.values.weights.vis, 0.75, 'stepping commits the typed 0.7 first, then steps');
	const empty = apply(open(), {type: 'erase'}, {type: 'erase'}, {type: 'erase'}, {type: 'erase'}, {type: 'next-field'});
	t.is(empty.values.weights.vis, 0.25, 'an emptied field keeps its value');
});

test('the advanced toggle shows the parameters; integers take no decimals; levels step through presets', t => {
	let form = apply(open(), {type: 'toggle-advanced'});
	t.is(visibleFields(form).length, 13, '4 weights, 8 parameters and the enhance toggle');
	form = apply(form, ...Array.from({length: 4}, () => ({type: 'next-field'}) as const));
	t.is(form.field, 'num_steps');
	form = apply(form, ...type('4.5'), {type: 'next-field'});
	t.is(form.values.parameters.num_steps, 45, 'the dot is ignored for an integer');
	form = apply(form, {type: 'next-field'}, {type: 'next-field'}, {type: 'next-field'}, {type: 'next-field'});
	t.is(form.field, 'blur_strength');
	form = apply(form, {type: 'step', direction: 1}, {type: 'step', direction: 1}, {type: 'step', direction: 1});
	t.is(form.values.parameters.blur_strength, 'very_high', 'levels stop at the last preset');
	form = apply(form, {type: 'toggle-advanced'});
	t.is(form.field, 'vis', 'hiding the parameters moves focus back to a weight');
	t.is(apply(form, {type: 'previous-field'}).field, 'seg', 'fields wrap around');
});

test('launching needs one weight above 0; the changes are what differs from the start', t => {
	let form = apply(open(), ...type('0'), {type: 'next-field'}, ...type('0'), {type: 'next-field'}, ...type('0'), {type: 'next-field'}, ...type('0'));
	form = apply(form, {type: 'submitting'});
	t.false(form.submitting);
	t.regex(form.notice ?? '', /at least one control weight/);
	const ready = apply(open(), {type: 'next-field'}, {type: 'step', direction: 1}, {type: 'submitting'});
	t.true(ready.submitting);
	t.deepEqual(formChanges(ready), {weights: {edge: 0.35}, parameters: {}});
	t.is(apply(ready, {type: 'step', direction: 1}).values.weights.edge, 0.35, 'no edits while submitting');
	t.is(apply(ready, {type: 'failed', message: 'no host'}).notice, 'no host');
});

test('a list or range in a weight makes it a sweep axis; the grid size is live; errors are the CLI rules', t => {
	let form = apply(open(), ...type('0.1:0.5:0.2'));
	t.is(gridLabel(form), '3 runs', 'live while typing');
	form = apply(form, {type: 'next-field'}, ...type('0.2,0.6'));
	t.is(gridLabel(form), '6 runs');
	form = apply(form, {type: 'next-field'});
	t.is(fieldText(form, 'vis'), '0.1:0.5:0.2', 'the list stays as typed');
	t.is(form.values.weights.vis, 0.25, 'the value under it is kept');
	t.deepEqual(formSweep(form), {kind: 'sweep', axes: {vis: [0.1, 0.3, 0.5], edge: [0.2, 0.6]}, size: 6});
	t.true(apply(form, {type: 'submitting'}).submitting);
	t.regex(apply(form, {type: 'previous-field'}, {type: 'previous-field'}, {type: 'step', direction: 1}).notice ?? '', /vis holds a list/);

	const bad = apply(open(), ...type('0.1:0.6:0.2'), {type: 'next-field'});
	const [list] = formLists(bad);
	t.is(list?.error, '0.1:0.6:0.2 does not reach 0.6; use 0.1:0.5:0.2 or 0.1:0.7:0.2');
	t.is(gridLabel(bad), null);
	const refused = apply(bad, {type: 'submitting'});
	t.false(refused.submitting);
	t.regex(refused.notice ?? '', /^vis: 0\.1:0\.6:0\.2 does not reach/);

	const back = apply(bad, {type: 'previous-field'}, ...type('0.4'), {type: 'next-field'});
	t.deepEqual(formLists(back), [], 'one value typed over a list makes it a plain field again');
	t.is(back.values.weights.vis, 0.4);
	t.is(apply(open(), ...type('0.7,'), {type: 'next-field'}).lists.vis, '0.7,', 'a broken list stays to be fixed');
	t.is(apply(open(), ...type('0.7:0.7:0.1'), {type: 'next-field'}).values.weights.vis, 0.7, 'a list of one value is that value');
});

test('seed, steps and guidance take lists too; other changed values must not travel with a sweep', t => {
	let form = apply(open(), {type: 'toggle-advanced'}, ...Array.from({length: 4}, () => ({type: 'next-field'}) as const));
	t.is(form.field, 'num_steps');
	form = apply(form, ...type('10,20'), {type: 'next-field'}, {type: 'next-field'}, ...type('1:3:1'), {type: 'next-field'});
	t.is(form.field, 'fps');
	t.deepEqual(formSweep(form), {kind: 'sweep', axes: {seed: [1, 2, 3], steps: [10, 20]}, size: 6});
	const withVis = apply(form, {type: 'toggle-advanced'}, ...type('0.5'), {type: 'next-field'});
	t.deepEqual(formSweep(withVis), {kind: 'sweep', axes: {vis: [0.5], seed: [1, 2, 3], steps: [10, 20]}, size: 6}, 'a changed single value travels as a one-value axis');
	const fps = apply(form, {type: 'step', direction: 1});
	const sweep = formSweep(fps);
	t.is(sweep.kind, 'invalid');
	t.regex(sweep.kind === 'invalid' ? sweep.message : '', /a sweep keeps fps as the run has them/);
	t.is(apply(open(), {type: 'toggle-advanced'}, ...Array.from({length: 7}, () => ({type: 'next-field'}) as const), ...type('1,2')).typing, '12', 'fps takes one value');
	const huge = apply(open(), ...type('0:1:0.1'), {type: 'next-field'}, ...type('0:1:0.1'));
	t.regex((formSweep(huge) as {message: string}).message, /121 runs; the limit here is 64/);
	const zeros = apply(open(), ...type('0,0.5'), {type: 'next-field'}, ...type('0'), {type: 'next-field'}, ...type('0'), {type: 'next-field'}, ...type('0'), {type: 'next-field'});
	t.regex((formSweep(zeros) as {message: string}).message, /above 0 in every run/);
});

const toEnhance = (form: WeightsFormState) => apply(form, {type: 'toggle-advanced'}, {type: 'previous-field'});

test('the enhance toggle is hidden until the parameters show; it is the last field, ← / → turn it off / on', t => {
	const hidden = open('launch');
	t.false(visibleFields(hidden).some(field => field.id === 'enhance'), 'not among the weights');
	t.is(apply(hidden, {type: 'previous-field'}).field, 'seg', 'Shift-Tab from the first weight does not reach it');
	const form = toEnhance(hidden);
	t.is(form.field, 'enhance');
	t.is(fieldText(form, 'enhance'), 'off');
	const on = apply(form, {type: 'step', direction: 1});
	t.true(on.enhance);
	t.is(fieldText(on, 'enhance'), 'on');
	t.is(on.notice, null);
	const again = apply(on, {type: 'step', direction: 1});
	t.true(again.enhance, '→ on an enhance already on keeps it on');
	t.is(again.notice, 'enhance is already on', 'and says so, as a level at its last preset');
	const off = apply(on, {type: 'step', direction: -1});
	t.false(off.enhance);
	t.is(apply(off, {type: 'step', direction: -1}).notice, 'enhance is already off');
	t.is(apply(on, ...type('1'), {type: 'erase'}).enhance, true, 'digits and Backspace do nothing to it');
	t.is(apply(on, ...type('1')).typing, null);
	const folded = apply(on, {type: 'toggle-advanced'});
	t.is(folded.field, 'vis', 'hiding the parameters leaves the toggle');
	t.true(folded.enhance, 'and keeps its value');
});

test('enhance starts off for a launch and as the parent run had it for a rerun', t => {
	t.false(open('launch').enhance);
	t.false(open('rerun').enhance, 'a rerun of a run without it');
	const settings = {weights: {...DEFAULT_WEIGHTS}, parameters: {...DEFAULT_PARAMETERS}};
	const rerun = openWeightsForm({mode: 'rerun', promptId: 'ps_1', promptName: 'street', parentRunId: 'rs_1', settings, enhance: true});
	t.true(rerun.enhance);
	t.is(fieldText(rerun, 'enhance'), 'on');
});

test('the changes carry enhance: true when it is on, false only to turn off a parent\'s', t => {
	t.deepEqual(formChanges(apply(open('launch'), {type: 'submitting'})), {weights: {}, parameters: {}}, 'off: not said');
	const launch = apply(toEnhance(open('launch')), {type: 'step', direction: 1}, {type: 'submitting'});
	t.true(launch.submitting, 'enhance alone is a launchable form');
	t.deepEqual(formChanges(launch), {weights: {}, parameters: {}, enhance: true});
	const settings = {weights: {...DEFAULT_WEIGHTS}, parameters: {...DEFAULT_PARAMETERS}};
	const enhanced = openWeightsForm({mode: 'rerun', promptId: 'ps_1', promptName: 'street', parentRunId: 'rs_1', settings, enhance: true});
	t.deepEqual(formChanges(apply(enhanced, {type: 'step', direction: 1})), {weights: {vis: 0.3}, parameters: {}, enhance: true}, 'kept on from the parent');
	t.deepEqual(formChanges(apply(toEnhance(enhanced), {type: 'step', direction: -1})), {weights: {}, parameters: {}, enhance: false}, 'turned off');
});

test('a sweep with enhance on stays a sweep: the toggle is no axis and no value a sweep must keep', t => {
	const form = apply(toEnhance(open('launch')), {type: 'step', direction: 1}, {type: 'toggle-advanced'}, ...type('0.2,0.6'), {type: 'submitting'});
	t.true(form.submitting);
	t.true(form.enhance);
	t.deepEqual(formSweep(form), {kind: 'sweep', axes: {vis: [0.2, 0.6]}, size: 2});
});
