// Everything a Slurm launch writes and runs, computed before any byte is sent (as launch-plan.ts
// does for Docker): the spec, the torchrun argv the job runs (taken from the Docker launch plan,
// so both hosts run Transfer1 the same way), the job script and sbatch's argv.
import type {Config} from '../../config/schema.js';
import {ConfigError} from '../../domain/errors.js';
import {MERGE_STDERR, dockerPrefix} from '../docker-command.js';
import type {Job} from '../executor.js';
import {planBatchLaunch} from '../batch-plan.js';
import {type LaunchPlan, planLaunch} from '../launch-plan.js';
import {type RunLayout} from '../remote-layout.js';
import {JobScriptError, buildJobScript} from './job-script.js';
import {sbatchArgs} from './sbatch-args.js';
import {type SlurmRunFiles, slurmRunFiles} from './slurm-layout.js';
import type {HostPaths} from '../host-paths.js';

export type SlurmLaunchPlan = {
	jobName: string;
	hostRun: RunLayout;
	files: SlurmRunFiles;
	specJson: string;
	jobScript: string;
	sbatch: string[];
};

/** Stands in for the image when the job does not run it through docker/podman (its form is checked by the engine, not here). */
const PLACEHOLDER_IMAGE = 'cosmos-tui-slurm-placeholder';

const usesDockerCli = (config: Config): boolean => config.slurm.container === 'docker' || config.slurm.container === 'podman';

/** The engine command inside the job: [docker] command, or plain podman when that is left at "docker". */
function containerCommand(config: Config): string[] {
	if (config.slurm.container === 'podman' && config.docker.command.trim() === 'docker') return ['podman'];
	return dockerPrefix(config.docker.command);
}

/** The argv after the image in the Docker host's `docker run`: the merged-stderr wrapper and torchrun with its arguments. */
function torchrunArgv(plan: LaunchPlan): string[] {
	const wrapper = plan.dockerRun.indexOf(MERGE_STDERR[2]) - 2;
	if (wrapper < 0 || plan.dockerRun[wrapper] !== MERGE_STDERR[0]) throw new Error('the launch plan has no torchrun command');
	return plan.dockerRun.slice(wrapper);
}

/** A setting no job script can carry (an image that is no image, a path with ":") is the config's fault: one line, before any upload. */
function scriptOrConfigError(build: () => string): string {
	try {
		return build();
	} catch (error) {
		if (error instanceof JobScriptError) throw new ConfigError(`[slurm]/[docker] settings: ${error.message}`);
		throw error;
	}
}

export function planSlurmLaunch(job: Job, config: Config, paths: HostPaths, specExtras?: Record<string, unknown>): SlurmLaunchPlan {
	return slurmPlanFrom(planLaunch({...job, gpus: []}, planningConfig(config), paths, specExtras), job, config, paths);
}

/** A batch as one job (batch-plan.ts): the base spec, the samples' JSONL, torchrun with --batch_input_path. */
export function planSlurmBatchLaunch(batch: {members: Job[]}, config: Config, paths: HostPaths, specExtras?: Record<string, unknown>): SlurmLaunchPlan & {batchJsonl: string} {
	const plan = planBatchLaunch({members: batch.members.map(job => ({...job, gpus: []}))}, planningConfig(config), paths, specExtras);
	return {...slurmPlanFrom(plan, batch.members[0]!, config, paths), batchJsonl: plan.batchJsonl};
}

/**
 * Docker's own options (gpus, network, extra args) do not apply inside a job; the image is checked
 * as a Docker image only when the job runs it with docker or podman.
 */
function planningConfig(config: Config): Config {
	return {
		...config,
		docker: {
			...config.docker,
			image: usesDockerCli(config) ? config.docker.image : PLACEHOLDER_IMAGE,
			command: usesDockerCli(config) ? config.docker.command : 'docker',
			extra_args: [],
			network: '',
		},
	};
}

/** The job script and sbatch argv that run a launch plan's torchrun in a job named after `job`. */
function slurmPlanFrom(plan: LaunchPlan, job: Job, config: Config, paths: HostPaths): SlurmLaunchPlan {
	const files = slurmRunFiles(plan.hostRun.runDir);
	const jobScript = scriptOrConfigError(() => buildJobScript({
		runId: job.run.id,
		container: config.slurm.container,
		containerCommand: usesDockerCli(config) ? containerCommand(config) : [],
		image: config.docker.image,
		remoteDir: paths.remoteDir,
		hfCacheDir: paths.hfCacheDir,
		runDir: plan.hostRun.runDir,
		env: {},
		torchrun: torchrunArgv(plan),
		envSetup: config.slurm.env_setup,
		exitFile: files.exitFile,
		network: config.docker.network,
		extraArgs: config.docker.extra_args,
	}));
	const sbatch = sbatchArgs({
		runId: job.run.id,
		runDir: plan.hostRun.runDir,
		numGpus: job.run.parameters.num_gpus,
		slurm: config.slurm,
	});
	return {jobName: plan.container, hostRun: plan.hostRun, files, specJson: plan.specJson, jobScript, sbatch};
}
