// Everything launch() will write and run, computed before any byte is sent, so a bad spec or a
// bad docker setting fails at once instead of after the upload.
import type {Config} from '../config/schema.js';
import {ConfigError, ValidationError} from '../domain/errors.js';
import {UPSCALE_STEPS, runInputs} from '../domain/model.js';
import {SpecError, buildControlnetSpec, buildUpscaleSpec} from './controlnet-spec.js';
import {DockerCommandError, type DockerRunOptions, containerNameFor, dockerRunArgs} from './docker-command.js';
import type {Job} from './executor.js';
import {containerInputPaths} from './input-upload.js';
import {type RunLayout, WORKSPACE, runLayout} from './remote-layout.js';

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
	// The upsampler needs the GPU memory the diffusion model holds: offloaded, as upstream advises (contract §6).
	const enhance = run.enhance_prompt && !run.upscale ? {upsample_prompt: true, offload_prompt_upsampler: true} : {};
	const specJson = `${JSON.stringify({...spec, ...enhance, ...specExtras}, null, 2)}\n`;
	return {container, hostRun: runLayout(paths.remoteDir, run.id), specJson, dockerRun};
}

type PerRun = Pick<DockerRunOptions, 'containerName' | 'runId' | 'remoteDir' | 'hfCacheDir' | 'numGpus' | 'gpus' | 'specPath' | 'outputDir'>;

/** `docker run` for one run with the host's [docker] settings; a bad setting is one ConfigError line. */
function dockerCommandFor(config: Config, perRun: PerRun): string[] {
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
