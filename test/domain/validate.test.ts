import test from 'ava';
import {UsageError, ValidationError} from '../../source/domain/errors.js';
import {smartName, promptId} from '../../source/domain/naming.js';
import {
	checkParameters,
	checkWeights,
	cleanPromptText,
	parseDecimal,
	parseWeightsFlag,
} from '../../source/domain/validate.js';

test('prompt text is trimmed, NUL-free, non-empty and at most 10,000 characters', t => {
	t.is(cleanPromptText('  a city\0 at night  '), 'a city at night');
	t.throws(() => cleanPromptText('   \n '), {instanceOf: ValidationError, message: 'prompt text is empty'});
	t.notThrows(() => cleanPromptText('x'.repeat(10_000)));
	t.throws(() => cleanPromptText('x'.repeat(10_001)), {message: /10,001 characters; the limit is 10,000/});
});

test('weights must be known controls, finite and within 0..1', t => {
	t.deepEqual(checkWeights({vis: 0, edge: 1, depth: 0.5}), {vis: 0, edge: 1, depth: 0.5});
	t.throws(() => checkWeights({vis: 1.01}), {instanceOf: ValidationError, message: /vis must be a number from 0 to 1/});
	t.throws(() => checkWeights({seg: -0.1}), {message: /seg/});
	t.throws(() => checkWeights({depth: Number.NaN}), {message: /depth/});
	t.throws(() => checkWeights({edge: Number.POSITIVE_INFINITY}), {message: /edge/});
	t.throws(() => checkWeights({hdmap: 0.5}), {message: /unknown control "hdmap"/});
	t.throws(() => checkWeights({vis: '0.5'}), {message: /vis/});
});

test('--weights takes name=value pairs or four numbers', t => {
	t.deepEqual(parseWeightsFlag('vis=0.3,edge=0.2'), {vis: 0.3, edge: 0.2});
	t.deepEqual(parseWeightsFlag('0.1, 0.2,0.3,0.4'), {vis: 0.1, edge: 0.2, depth: 0.3, seg: 0.4});
	for (const bad of ['vis=', 'vis=abc', 'vis=0.3,,edge=1', 'vis==1', 'vis=0.3,vis=0.4', '0.1,0.2', 'vis=NaN', 'vis=2', 'lidar=0.1', 'vis=0x1']) {
		t.throws(() => parseWeightsFlag(bad), {instanceOf: UsageError}, bad);
	}
});

test('decimal parsing is strict', t => {
	t.is(parseDecimal('0.25'), 0.25);
	t.is(parseDecimal('1e-1'), 0.1);
	t.is(parseDecimal('.5'), 0.5);
	for (const bad of ['', ' 1', '0x10', 'NaN', 'Infinity', '1,5', '--1']) t.true(Number.isNaN(parseDecimal(bad)), bad);
});

test('parameters follow the config rules', t => {
	t.deepEqual(checkParameters({num_steps: 10, blur_strength: 'high'}), {num_steps: 10, blur_strength: 'high'});
	t.throws(() => checkParameters({num_steps: 1.5}), {message: /num_steps must be a whole number/});
	t.throws(() => checkParameters({num_steps: 0}), {message: /num_steps/});
	t.throws(() => checkParameters({blur_strength: 'huge'}), {message: /blur_strength must be one of very_low/});
	t.throws(() => checkParameters({steps: 3}), {message: /unknown parameter "steps"/});
});

test('smart names are short, readable and stable', t => {
	t.is(smartName('A robotic arm picks up a red cube on a wooden table'), 'robotic_arm_picks');
	t.is(smartName('The video captures a rainy street at night'), 'rainy_street_night');
	t.true(smartName('Supercalifragilisticexpialidocious-ness extraordinary palaver').length <= 30);
	t.is(smartName('!!! ??? 123'), 'prompt');
	t.is(smartName('a'.repeat(50)), 'a'.repeat(30));
});

test('prompt ids are content hashes of text and input digests', t => {
	const a = promptId('city', {video: 'aa', depth: 'bb'});
	t.regex(a, /^ps_[0-9a-f]{12}$/);
	t.is(promptId('city', {depth: 'bb', video: 'aa'}), a, 'order of inputs does not matter');
	t.not(promptId('city', {video: 'aa'}), a);
	t.not(promptId('city!', {video: 'aa', depth: 'bb'}), a);
});
