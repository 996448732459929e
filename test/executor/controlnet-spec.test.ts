import test from 'ava';
import {DEFAULT_PARAMETERS, type ControlWeights, type Parameters, type Prompt} from '../../source/domain/model.js';
import {buildControlnetSpec, buildUpscaleSpec, SpecError} from '../../source/executor/controlnet-spec.js';

const prompt: Prompt = {
	id: 'ps_1',
	name: 'city',
	prompt_text: 'A city at night',
	negative_prompt: 'blurry',
	video_dir: '/home/u/videos/city',
	inputs: {video: {path: '/home/u/videos/city/color.mp4', sha256: 'a'.repeat(64), size: 1000, mtime_ms: 0}},
	created_at: '2025-01-01T00:00:00.000Z',
};

const weights = (partial: Partial<ControlWeights>): ControlWeights => ({vis: 0, edge: 0, depth: 0, seg: 0, ...partial});
const V = '/workspace/runs/rs_1/inputs';

test('golden: all four controls, each with its own input_control', t => {
	const spec = buildControlnetSpec({
		prompt,
		weights: {vis: 0.3, edge: 0.4, depth: 0.2, seg: 0.1},
		parameters: {...DEFAULT_PARAMETERS, blur_strength: 'high', canny_threshold: 'low'},
		inputPaths: {video: `${V}/color.mp4`, vis: `${V}/vis.mp4`, edge: `${V}/edge.mp4`, depth: `${V}/depth.mp4`, seg: `${V}/segmentation.mp4`},
	});
	t.deepEqual(spec, {
		prompt: 'A city at night',
		negative_prompt: 'blurry',
		input_video_path: `${V}/color.mp4`,
		num_steps: 35,
		guidance: 7,
		seed: 1,
		fps: 24,
		sigma_max: 70,
		blur_strength: 'high',
		canny_threshold: 'low',
		vis: {control_weight: 0.3, input_control: `${V}/vis.mp4`},
		edge: {control_weight: 0.4, input_control: `${V}/edge.mp4`},
		depth: {control_weight: 0.2, input_control: `${V}/depth.mp4`},
		seg: {control_weight: 0.1, input_control: `${V}/segmentation.mp4`},
	});
	t.deepEqual(Object.keys(spec), [
		'prompt', 'negative_prompt', 'input_video_path', 'num_steps', 'guidance', 'seed', 'fps', 'sigma_max',
		'blur_strength', 'canny_threshold', 'vis', 'edge', 'depth', 'seg',
	]);
});

test('a control without its own video gets only a weight (Transfer1 computes it)', t => {
	const spec = buildControlnetSpec({prompt, weights: weights({edge: 1, depth: 0.5}), parameters: DEFAULT_PARAMETERS, inputPaths: {video: `${V}/color.mp4`, depth: `${V}/depth.mp4`}});
	t.deepEqual(spec['edge'], {control_weight: 1});
	t.deepEqual(spec['depth'], {control_weight: 0.5, input_control: `${V}/depth.mp4`});
});

test('controls with weight 0 are left out even when their video exists', t => {
	const spec = buildControlnetSpec({prompt, weights: weights({vis: 1}), parameters: DEFAULT_PARAMETERS, inputPaths: {video: `${V}/color.mp4`, seg: `${V}/segmentation.mp4`}});
	t.false('seg' in spec);
	t.false('edge' in spec);
	t.deepEqual(spec['vis'], {control_weight: 1});
});

test('the spec survives JSON unchanged, with hostile prompt text kept as data', t => {
	const hostile: Prompt = {...prompt, prompt_text: `"}, "seg": {"control_weight": 1}, "x": "\n\u0000'$(rm -rf /)`};
	const spec = buildControlnetSpec({prompt: hostile, weights: weights({edge: 0.5}), parameters: DEFAULT_PARAMETERS, inputPaths: {video: 'v.mp4'}});
	const parsed: unknown = JSON.parse(JSON.stringify(spec));
	t.deepEqual(parsed, spec);
	t.is(spec['prompt'], hostile.prompt_text);
	t.false('seg' in spec);
});

test('weights must be finite and within 0..1', t => {
	for (const bad of [-0.1, 1.01, Number.NaN, Number.POSITIVE_INFINITY]) {
		t.throws(() => buildControlnetSpec({prompt, weights: weights({edge: 0.5, depth: bad}), parameters: DEFAULT_PARAMETERS, inputPaths: {video: 'v.mp4'}}), {
			instanceOf: SpecError,
			message: /depth/,
		}, String(bad));
	}
	t.notThrows(() => buildControlnetSpec({prompt, weights: weights({edge: 1, depth: 0}), parameters: DEFAULT_PARAMETERS, inputPaths: {video: 'v.mp4'}}));
});

test('at least one control must be on', t => {
	t.throws(() => buildControlnetSpec({prompt, weights: weights({}), parameters: DEFAULT_PARAMETERS, inputPaths: {video: 'v.mp4'}}), {instanceOf: SpecError});
});

test('the input video path is required', t => {
	t.throws(() => buildControlnetSpec({prompt, weights: weights({edge: 1}), parameters: DEFAULT_PARAMETERS, inputPaths: {video: ''}}), {instanceOf: SpecError});
});

test('bad parameters are rejected before they reach the GPU host', t => {
	const bad: Array<Partial<Parameters>> = [
		{num_steps: 0},
		{num_steps: 2.5},
		{guidance: Number.NaN},
		{seed: 1.5},
		{fps: 0},
		{sigma_max: -1},
		{blur_strength: 'extreme' as Parameters['blur_strength']},
		{canny_threshold: '' as Parameters['canny_threshold']},
	];
	for (const partial of bad) {
		t.throws(() => buildControlnetSpec({prompt, weights: weights({edge: 1}), parameters: {...DEFAULT_PARAMETERS, ...partial}, inputPaths: {video: 'v.mp4'}}), {instanceOf: SpecError}, JSON.stringify(partial));
	}
});

test('an upscale spec: the input video, the upscale control only, its steps, the seed and fps; a weight outside 0..1 is refused', t => {
	const parameters: Parameters = {...DEFAULT_PARAMETERS, seed: 7, fps: 30};
	t.deepEqual(buildUpscaleSpec({prompt: 'a harbour', inputPath: '/workspace/in/video.mp4', weight: 0.5, parameters, steps: 10}), {
		prompt: 'a harbour',
		input_video_path: '/workspace/in/video.mp4',
		num_steps: 10,
		seed: 7,
		fps: 30,
		upscale: {control_weight: 0.5},
	});
	for (const weight of [-0.1, 1.5, Number.NaN]) {
		t.throws(() => buildUpscaleSpec({prompt: 'a', inputPath: '/v.mp4', weight, parameters, steps: 10}), {instanceOf: SpecError, message: /upscale control weight must be a number from 0 to 1/});
	}
});
