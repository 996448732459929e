// A batch's launch: the base spec carries what the runs share (the original tool dropped the
// negative prompt, steps, sigma_max and fps in batch mode), each JSONL line carries its run's
// prompt, video, weights and control videos, and docker run gets --batch_input_path.
import test from 'ava';
import {DEFAULT_CONFIG} from '../../source/config/schema.js';
import {ValidationError} from '../../source/domain/errors.js';
import {DEFAULT_PARAMETERS} from '../../source/domain/model.js';
import {type SampleLine, planBatchLaunch} from '../../source/executor/batch-plan.js';
import type {Job} from '../../source/executor/executor.js';
import {HOST_PATHS, inputFile, testJob} from '../helpers/jobs.js';

const parameters = {...DEFAULT_PARAMETERS, num_steps: 17, sigma_max: 65, fps: 12, guidance: 4, seed: 9};

function member(id: string, vis: number, text: string, video: string, depth?: string): Job {
	return testJob({
		run: {id, control_weights: {vis, edge: 0, depth: 0.5, seg: 0}, parameters},
		prompt: {id: `ps_${id}`, name: id, prompt_text: text, negative_prompt: 'no cartoons', inputs: {video: inputFile(video), ...(depth ? {depth: inputFile(depth)} : {})}},
	});
}

test('the base spec carries negative prompt, steps, sigma_max, fps, guidance and seed; each line its own run', t => {
	const plan = planBatchLaunch({members: [member('rs_aaaaaaaaaaaa', 0.2, 'first $(x)', 'a', 'b'), member('rs_bbbbbbbbbbbb', 0.8, 'second', 'c')]}, DEFAULT_CONFIG, HOST_PATHS);
	const spec = JSON.parse(plan.specJson) as Record<string, unknown>;
	t.like(spec, {negative_prompt: 'no cartoons', num_steps: 17, sigma_max: 65, fps: 12, guidance: 4, seed: 9});
	const lines = plan.batchJsonl.trimEnd().split('\n').map(line => JSON.parse(line) as SampleLine);
	t.is(lines.length, 2);
	t.is(lines[0]!.prompt, 'first $(x)');
	t.is(lines[1]!.prompt, 'second');
	t.is(lines[0]!.visual_input, `/workspace/.cosmos-tui/inputs/${'a'.repeat(64)}/video.mp4`);
	t.deepEqual(lines[0]!.control_overrides, {vis: {control_weight: 0.2, input_control: null}, depth: {control_weight: 0.5, input_control: `/workspace/.cosmos-tui/inputs/${'b'.repeat(64)}/depth.mp4`}});
	t.deepEqual(lines[1]!.control_overrides, {vis: {control_weight: 0.8, input_control: null}, depth: {control_weight: 0.5, input_control: null}}, 'no depth video: made by the preprocessor');
});

test('one container named after the first run, its folder, --batch_input_path, the given GPUs', t => {
	const plan = planBatchLaunch({members: [member('rs_aaaaaaaaaaaa', 0.2, 'a', 'a'), member('rs_bbbbbbbbbbbb', 0.8, 'b', 'c')]}, DEFAULT_CONFIG, HOST_PATHS);
	t.is(plan.container, 'cosmos-tui-rs_aaaaaaaaaaaa');
	t.is(plan.hostRun.batchInput, '/srv/ct1/.cosmos-tui/runs/rs_aaaaaaaaaaaa/batch.jsonl');
	const argv = plan.dockerRun;
	t.is(argv[argv.indexOf('--batch_input_path') + 1], '/workspace/.cosmos-tui/runs/rs_aaaaaaaaaaaa/batch.jsonl');
	t.is(argv[argv.indexOf('--gpus') + 1], '"device=1"');
	t.false(argv.some(arg => arg.includes('first') || arg.includes('second')), 'no prompt text on the command line');
});

test('a bad run in a batch is one ValidationError before anything is sent', t => {
	const bad = member('rs_bbbbbbbbbbbb', 0, 'b', 'c');
	bad.run.control_weights.depth = 0;
	t.throws(() => planBatchLaunch({members: [member('rs_aaaaaaaaaaaa', 0.2, 'a', 'a'), bad]}, DEFAULT_CONFIG, HOST_PATHS), {instanceOf: ValidationError});
});
