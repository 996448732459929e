// Jobs and settings for the executor's unit tests: a run of a prompt with a video and a depth
// video, a config whose docker command is `sudo -n docker`, and the host paths plans are made for.
import {DEFAULT_CONFIG, type Config} from '../../source/config/schema.js';
import {type InputFile, type Prompt, type Run, newRun} from '../../source/domain/model.js';
import type {Job} from '../../source/executor/executor.js';

/** A local input video whose sha256 is `digit` 64 times. */
export const inputFile = (digit: string): InputFile => ({path: `/local/${digit}.mp4`, sha256: digit.repeat(64), size: 10, mtime_ms: 0});

/** The host folders a launch is planned for. */
export const HOST_PATHS = {remoteDir: '/srv/ct1', hfCacheDir: '/home/u/.cache/huggingface'};

/** DEFAULT_CONFIG with docker.command `sudo -n docker`, then `change`. */
export function testConfig(change: (c: Config) => void = () => undefined): Config {
	const c = structuredClone(DEFAULT_CONFIG);
	c.docker.command = 'sudo -n docker';
	change(c);
	return c;
}

/**
 * A job for run `run.id` (rs_0123456789ab) of prompt `prompt.id` (ps_1), with the inputs a.mp4
 * (video) and b.mp4 (depth), outputs under /data/runs/<id>/outputs and GPU 1; `run` and `prompt`
 * fields replace the defaults.
 */
export function testJob(fields: {run?: Partial<Run>; prompt?: Partial<Prompt>; gpus?: number[]} = {}): Job {
	const id = fields.run?.id ?? 'rs_0123456789ab';
	const promptId = fields.prompt?.id ?? 'ps_1';
	return {
		run: newRun({id, prompt_id: promptId, created_at: '2026-01-01T00:00:00.000Z', ...fields.run}),
		prompt: {id: promptId, name: 'n', prompt_text: 'a prompt', negative_prompt: 'neg', video_dir: '/local', inputs: {video: inputFile('a'), depth: inputFile('b')}, created_at: '', ...fields.prompt},
		outputDir: `/data/runs/${id}/outputs`,
		gpus: fields.gpus ?? [1],
	};
}
