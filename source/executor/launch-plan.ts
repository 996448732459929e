// Everything launch() will write and run, computed before any byte is sent, so a bad spec or a
// bad docker setting fails at once instead of after the upload.
import type {Config} from '../config/schema.js';
import {ConfigError, ValidationError} from '../domain/errors.js';
import {UPSCALE_STEPS, runInputs} from '../domain/model.js';
import {SpecError, buildControlnetSpec, buildUpscaleSpec} from './controlnet-spec.js';
import {DockerCommandError, type DockerRunOptions, type UpsamplerPaths, containerNameFor, dockerRunArgs, dockerRunUpsamplerArgs} from './docker-command.js';
import type {Job} from './executor.js';
import {containerInputPaths} from './input-upload.js';
import {type RunLayout, WORKSPACE, runLayout} from './remote-layout.js';
import {UPSAMPLER_STDOUT} from './upsampler-output.js';
import {cleanPromptText} from '../domain/validate.js';

export type LaunchPlan = {
	container: string;
	/** The run's folder on the host. */
	hostRun: RunLayout;
	specJson: string;
	dockerRun: string[];
};

export function planLaunch(
	job: Job,
	config: Config,
	paths: {remoteDir: string; hfCacheDir: string},
	specExtras?: Record<string, unknown>,
): LaunchPlan {
	const {run, prompt} = job;
	const container = containerNameFor(run.id);
	const inContainer = runLayout(WORKSPACE, run.id);
	if (run.enhance) return planUpsamplerLaunch(job, config, paths);
	let spec: Record<string, unknown>;
	try {
		const inputPaths = containerInputPaths(runInputs(run, prompt));
		spec = run.upscale
			? buildUpscaleSpec({prompt: run.upscale.prompt ?? prompt.prompt_text, inputPath: inputPaths.video, weight: run.upscale.control_weight, parameters: run.parameters, steps: UPSCALE_STEPS})
			: buildControlnetSpec({prompt, weights: run.control_weights, parameters: run.parameters, inputPaths});
	} catch (error) {
		if (error instanceof SpecError) throw new ValidationError(error.message);
		throw error;
	}
	const dockerRun = dockerCommandFor(config, {
		containerName: container,
		runId: run.id,
		remoteDir: paths.remoteDir,
		hfCacheDir: paths.hfCacheDir,
		numGpus: run.parameters.num_gpus,
		gpus: job.gpus,
		specPath: inContainer.spec,
		outputDir: inContainer.outputDir,
	});
	const specJson = specText({...spec, ...enhanceFlags(run), ...specExtras});
	return {container, hostRun: runLayout(paths.remoteDir, run.id), specJson, dockerRun};
}

/** The spec file's text. */
export function specText(spec: Record<string, unknown>): string {
	return `${JSON.stringify(spec, null, 2)}\n`;
}

/** `run --enhance`: the upsampler needs the GPU memory the diffusion model holds, so it is offloaded, as upstream advises (contract §6). */
export function enhanceFlags(run: Pick<Job['run'], 'enhance_prompt' | 'upscale'>): Record<string, boolean> {
	return run.enhance_prompt && !run.upscale ? {upsample_prompt: true, offload_prompt_upsampler: true} : {};
}

/**
 * A prompt upsampler run (`cosmos-tui enhance`): its "spec" is the prompt text itself, written as
 * prompt.txt in the run's folder (the file stageRun writes where a transfer run's spec.json goes),
 * read by the fixed script of dockerRunUpsamplerArgs; its answer is the output folder's output.txt.
 * The sandbox's spec extras do not apply: there is no spec JSON.
 */
function planUpsamplerLaunch(job: Job, config: Config, paths: {remoteDir: string; hfCacheDir: string}): LaunchPlan {
	const {run, prompt} = job;
	const container = containerNameFor(run.id);
	const inContainer = runLayout(WORKSPACE, run.id);
	const hostRun = runLayout(paths.remoteDir, run.id);
	let promptText: string;
	let inputVideo: string;
	try {
		promptText = cleanPromptText(prompt.prompt_text);
		inputVideo = containerInputPaths(runInputs(run, prompt)).video;
	} catch (error) {
		if (error instanceof SpecError) throw new ValidationError(error.message);
		throw error;
	}
	let dockerRun: string[];
	try {
		dockerRun = dockerRunUpsamplerArgs({
			containerName: container,
			runId: run.id,
			remoteDir: paths.remoteDir,
			hfCacheDir: paths.hfCacheDir,
			gpus: job.gpus,
			docker: config.docker.command,
			image: config.docker.image,
			network: config.docker.network,
			extraArgs: config.docker.extra_args,
			init: true,
			...upsamplerPaths(inContainer.runDir, inContainer.outputDir, inputVideo),
		});
	} catch (error) {
		if (error instanceof DockerCommandError) throw new ConfigError(`[docker] settings: ${error.message}`);
		throw error;
	}
	return {container, hostRun: {...hostRun, spec: `${hostRun.runDir}/${UPSAMPLER_PROMPT_FILE}`}, specJson: promptText, dockerRun};
}

/** The prompt text's file in an upsampler run's folder (where a transfer run has spec.json). */
export const UPSAMPLER_PROMPT_FILE = 'prompt.txt';

/** The upsampler's paths, given the run's folder and output folder as the container sees them. */
export function upsamplerPaths(runDir: string, outputDir: string, inputVideo: string): UpsamplerPaths {
	return {promptFile: `${runDir}/${UPSAMPLER_PROMPT_FILE}`, inputVideo, stdoutFile: `${outputDir}/${UPSAMPLER_STDOUT}`};
}

type PerRun = Pick<DockerRunOptions, 'containerName' | 'runId' | 'remoteDir' | 'hfCacheDir' | 'numGpus' | 'gpus' | 'specPath' | 'outputDir' | 'batchInputPath'>;

/** `docker run` for one run with the host's [docker] settings; a bad setting is one ConfigError line. */
export function dockerCommandFor(config: Config, perRun: PerRun): string[] {
	try {
		return dockerRunArgs({
			...perRun,
			docker: config.docker.command,
			image: config.docker.image,
			network: config.docker.network,
			extraArgs: config.docker.extra_args,
			offload: config.docker.offload,
			init: true,
			mergeStderr: true,
		});
	} catch (error) {
		if (error instanceof DockerCommandError) throw new ConfigError(`[docker] settings: ${error.message}`);
		throw error;
	}
}

/**
 * Checks a host's [docker] settings the way every launch will use them, so that a bad image or
 * command is refused before a prompt or a run is written (the per-run parts are placeholders).
 */
export function checkDockerSettings(config: Config): void {
	dockerCommandFor(config, {containerName: 'cosmos-tui-check', runId: 'check', remoteDir: '/check', hfCacheDir: '/check', numGpus: 1, gpus: [], specPath: 'spec.json', outputDir: 'out'});
}
