// Everything a batch's launch writes and runs, before any byte is sent: the base spec (what the
// samples share: negative prompt, steps, guidance, seed, fps, sigma_max, presets, controls), one
// JSONL line per run (its prompt, video and per-control weight and control video), and the
// `docker run` with --batch_input_path. The original tool dropped the negative prompt, steps,
// sigma_max and fps here; the base spec carries them.
import type {Config} from '../config/schema.js';
import {ValidationError} from '../domain/errors.js';
import {CONTROL_NAMES} from '../domain/model.js';
import {SpecError, buildControlnetSpec} from './controlnet-spec.js';
import {containerNameFor} from './docker-command.js';
import type {BatchJob, Job} from './executor.js';
import {containerInputPaths} from './input-upload.js';
import {type LaunchPlan, dockerCommandFor, enhanceFlags, specText} from './launch-plan.js';
import {WORKSPACE, runLayout} from './remote-layout.js';

export type BatchPlan = LaunchPlan & {batchJsonl: string};

/** One sample of the batch file (contract "Batch mode"); a control without a video is made by its preprocessor (null). */
export type SampleLine = {visual_input: string; prompt: string; control_overrides: Record<string, {control_weight: number; input_control: string | null}>};

function specOf(job: Job): Record<string, unknown> {
	const {run, prompt} = job;
	return buildControlnetSpec({prompt, weights: run.control_weights, parameters: run.parameters, inputPaths: containerInputPaths(prompt.inputs)});
}

export function sampleLine(spec: Record<string, unknown>): SampleLine {
	const overrides: SampleLine['control_overrides'] = {};
	for (const name of CONTROL_NAMES) {
		const control = spec[name] as {control_weight: number; input_control?: string} | undefined;
		if (control) overrides[name] = {control_weight: control.control_weight, input_control: control.input_control ?? null};
	}
	return {visual_input: String(spec['input_video_path']), prompt: String(spec['prompt']), control_overrides: overrides};
}

export function planBatchLaunch(batch: BatchJob, config: Config, paths: {remoteDir: string; hfCacheDir: string}, specExtras?: Record<string, unknown>): BatchPlan {
	const members = batch.members.filter(member => member !== null);
	const leader = members[0];
	if (!leader || members.length !== batch.members.length) throw new ValidationError('a batch to launch needs all of its runs');
	let specs: Array<Record<string, unknown>>;
	try {
		specs = members.map(specOf);
	} catch (error) {
		if (error instanceof SpecError) throw new ValidationError(error.message);
		throw error;
	}
	const inContainer = runLayout(WORKSPACE, leader.run.id);
	const dockerRun = dockerCommandFor(config, {
		containerName: containerNameFor(leader.run.id),
		runId: leader.run.id,
		remoteDir: paths.remoteDir,
		hfCacheDir: paths.hfCacheDir,
		numGpus: leader.run.parameters.num_gpus,
		gpus: leader.gpus,
		specPath: inContainer.spec,
		outputDir: inContainer.outputDir,
		batchInputPath: inContainer.batchInput,
	});
	return {
		container: containerNameFor(leader.run.id),
		hostRun: runLayout(paths.remoteDir, leader.run.id),
		specJson: specText({...specs[0], ...enhanceFlags(leader.run), ...specExtras}),
		batchJsonl: specs.map(spec => `${JSON.stringify(sampleLine(spec))}\n`).join(''),
		dockerRun,
	};
}
