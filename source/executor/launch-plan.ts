// Everything launch() will write and run, computed before any byte is sent, so a bad spec or a
// bad docker setting fails at once instead of after the upload.
import type {Config} from '../config/schema.js';
import {ConfigError, ValidationError} from '../domain/errors.js';
import {SpecError, buildControlnetSpec} from './controlnet-spec.js';
import {DockerCommandError, containerNameFor, dockerRunArgs} from './docker-command.js';
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
		spec = buildControlnetSpec({prompt, weights: run.control_weights, parameters: run.parameters, inputPaths: containerInputPaths(prompt.inputs)});
	} catch (error) {
		if (error instanceof SpecError) throw new ValidationError(error.message);
		throw error;
	}
	try {
		const dockerRun = dockerRunArgs({
			docker: config.docker.command,
			image: config.docker.image,
			containerName: container,
			runId: run.id,
			remoteDir: paths.remoteDir,
			hfCacheDir: paths.hfCacheDir,
			numGpus: run.parameters.num_gpus,
			gpus: job.gpus,
			network: config.docker.network,
			extraArgs: config.docker.extra_args,
			specPath: inContainer.spec,
			outputDir: inContainer.outputDir,
			offload: config.docker.offload,
			init: true,
			mergeStderr: true,
		});
		const specJson = `${JSON.stringify({...spec, ...specExtras}, null, 2)}\n`;
		return {container, hostRun: runLayout(paths.remoteDir, run.id), specJson, dockerRun};
	} catch (error) {
		if (error instanceof DockerCommandError) throw new ConfigError(`[docker] settings: ${error.message}`);
		throw error;
	}
}
