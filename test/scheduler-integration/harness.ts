// The scheduler on real sandbox GPU hosts: a service fixture whose hosts are Docker executors over
// SSH, the stand-in's behaviour chosen per run from its prompt text, and a big input folder for
// runs that must still be uploading when the test acts.
import {randomBytes} from 'node:crypto';
import {mkdir, copyFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {createExecutor} from '../../source/executor/create-executor.js';
import type {Job} from '../../source/executor/executor.js';
import {sandboxConfig, testOptions, type SimOptions} from '../executor-integration/harness.js';
import type {SandboxHost} from '../helpers/sandbox-host.js';
import {type ServiceFixture, serviceFixture} from '../helpers/service.js';
import {SAMPLE_DIR} from '../helpers/temp.js';

/** The stand-in's behaviour for a run: by default from a `sim:{...}` suffix of its prompt text; undefined: no cosmos_sim block (the prompts' `[cosmos-sim ...]` markers decide). */
export type SimFor = (job: Job) => SimOptions | undefined;

export const simFromPrompt: SimFor = job => {
	const match = /sim:(\{.*\})$/.exec(job.prompt.prompt_text);
	return match ? (JSON.parse(match[1]!) as SimOptions) : {mode: 'ok'};
};

/** batchMax: [scheduler] batch_max of every host (default 1: no batches, each run its own container). */
export function onSandboxes(hosts: Record<string, SandboxHost>, simFor: SimFor = simFromPrompt, batchMax = 1): Promise<ServiceFixture> {
	return serviceFixture({
		configure(config) {
			config.scheduler.lease_seconds = 2;
			config.monitor.kill_grace_seconds = 2;
		},
		backends: dir =>
			Object.entries(hosts).map(([name, sandbox]) => ({
				name,
				gpus: [],
				batchMax,
				executor: () => createExecutor(sandboxConfig(sandbox, dir), {...testOptions(dir, new Map()), specExtras: job => ({cosmos_sim: simFor(job)})}, name),
			})),
	});
}

/** Queues a run of a prompt whose text picks the stand-in's behaviour. */
export async function queueSim(f: ServiceFixture, sim: SimOptions, options: {gpus?: number; priority?: number; host?: string; videoDir?: string} = {}) {
	const text = `a test scene sim:${JSON.stringify(sim)}`;
	const {prompt} = await f.service.createPrompt({text, videoDir: options.videoDir ?? f.inputs});
	return f.service.createRun(prompt.id, {parameters: {num_gpus: options.gpus ?? 1}}, null, {priority: options.priority, host: options.host});
}

/** A folder whose color.mp4 is `megabytes` of random bytes (its upload takes a while). */
export async function bigInputs(dir: string, megabytes: number): Promise<string> {
	const folder = path.join(dir, `big-${megabytes}`);
	await mkdir(folder, {recursive: true});
	// An MP4 header (a "ftyp" box) so the prompt accepts it, then random bytes.
	await writeFile(path.join(folder, 'color.mp4'), Buffer.concat([Buffer.from('\0\0\0\x18ftypmp42\0\0\0\0mp42isom'), randomBytes(megabytes * 1024 * 1024)]));
	await copyFile(path.join(SAMPLE_DIR, 'depth.mp4'), path.join(folder, 'depth.mp4'));
	return folder;
}
