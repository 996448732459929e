// Builds the Transfer1 controlnet spec JSON (contract §2). Every generation parameter goes in the
// spec rather than on the command line, so the spec alone records what was asked for.
// Unlike the original tool, blur_strength and canny_threshold are written, and every control
// (not only depth and seg) gets an input_control when the prompt has that control's video.
import {
	CONTROL_NAMES,
	type ControlName,
	type ControlWeights,
	type Parameters,
	PRESET_LEVELS,
	type Prompt,
} from '../domain/model.js';

export type ControlnetSpecInput = {
	prompt: Prompt;
	weights: ControlWeights;
	parameters: Parameters;
	/** Video paths as the container sees them. */
	inputPaths: {video: string} & Partial<Record<ControlName, string>>;
};

export class SpecError extends Error {
	override readonly name = 'SpecError';
}

function checkWeight(name: ControlName, weight: number): void {
	if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0 || weight > 1) {
		throw new SpecError(`Control weight for ${name} must be a number from 0 to 1, got ${String(weight)}`);
	}
}

function checkParameters(parameters: Parameters): void {
	const {num_steps, guidance, seed, fps, sigma_max, blur_strength, canny_threshold} = parameters;
	if (!Number.isInteger(num_steps) || num_steps < 1) throw new SpecError(`num_steps must be a positive integer, got ${num_steps}`);
	if (!Number.isFinite(guidance)) throw new SpecError(`guidance must be a finite number, got ${guidance}`);
	if (!Number.isSafeInteger(seed)) throw new SpecError(`seed must be an integer, got ${seed}`);
	if (!Number.isInteger(fps) || fps < 1) throw new SpecError(`fps must be a positive integer, got ${fps}`);
	if (!Number.isFinite(sigma_max) || sigma_max < 0) throw new SpecError(`sigma_max must be a non-negative number, got ${sigma_max}`);
	if (!PRESET_LEVELS.includes(blur_strength)) throw new SpecError(`blur_strength must be one of ${PRESET_LEVELS.join(', ')}`);
	if (!PRESET_LEVELS.includes(canny_threshold)) throw new SpecError(`canny_threshold must be one of ${PRESET_LEVELS.join(', ')}`);
}

/**
 * The spec of a 4K upscale (contract §6): the parent's output as the input video and only the
 * upscale control; 10 steps, the seed and fps of the run, the prompt text for the upscaler.
 */
export function buildUpscaleSpec(input: {prompt: string; inputPath: string; weight: number; parameters: Parameters; steps: number}): Record<string, unknown> {
	const {weight, parameters} = input;
	if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0 || weight > 1) {
		throw new SpecError(`The upscale control weight must be a number from 0 to 1, got ${String(weight)}`);
	}
	checkParameters(parameters);
	return {
		prompt: input.prompt,
		input_video_path: input.inputPath,
		num_steps: input.steps,
		seed: parameters.seed,
		fps: parameters.fps,
		upscale: {control_weight: weight},
	};
}

/**
 * The spec object to write as JSON. A control block appears only for a weight > 0; at least one
 * control must be on, since Transfer1 cannot run without one. Throws SpecError on bad input.
 */
export function buildControlnetSpec(input: ControlnetSpecInput): Record<string, unknown> {
	const {prompt, weights, parameters, inputPaths} = input;
	for (const name of CONTROL_NAMES) checkWeight(name, weights[name]);
	checkParameters(parameters);
	if (typeof inputPaths.video !== 'string' || inputPaths.video === '') throw new SpecError('The input video path is required');

	const spec: Record<string, unknown> = {
		prompt: prompt.prompt_text,
		negative_prompt: prompt.negative_prompt,
		input_video_path: inputPaths.video,
		num_steps: parameters.num_steps,
		guidance: parameters.guidance,
		seed: parameters.seed,
		fps: parameters.fps,
		sigma_max: parameters.sigma_max,
		blur_strength: parameters.blur_strength,
		canny_threshold: parameters.canny_threshold,
	};
	let controls = 0;
	for (const name of CONTROL_NAMES) {
		const weight = weights[name];
		if (weight === 0) continue;
		const path = inputPaths[name];
		// Without input_control, Transfer1 computes the control from the input video.
		spec[name] = path ? {control_weight: weight, input_control: path} : {control_weight: weight};
		controls++;
	}
	if (controls === 0) throw new SpecError('At least one control weight must be above 0');
	return spec;
}
