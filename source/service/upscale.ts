// A 4K upscale of a finished run: upstream's 4K upscaler (contract §6) takes the run's output video
// as its input, so the request carries that video like a prompt's input (uploaded by content).
import {stat} from 'node:fs/promises';
import {ValidationError} from '../domain/errors.js';
import type {Run, UpscaleRequest} from '../domain/model.js';
import {cleanPromptText} from '../domain/validate.js';
import {sha256File} from './inputs.js';

/** Upstream's example weight for the upscale control. */
export const DEFAULT_UPSCALE_WEIGHT = 0.5;

/** What an upscale of parent needs; a clear ValidationError when it cannot be upscaled. */
export async function upscaleRequest(parent: Run, weight = DEFAULT_UPSCALE_WEIGHT, prompt?: string): Promise<UpscaleRequest> {
	if (parent.upscale) throw new ValidationError(`${parent.id} is an upscale already: its video is 4K`);
	const video = parent.outputs.video;
	if (parent.status !== 'success' || !video) throw new ValidationError(`${parent.id} has no output video to upscale (${parent.status})`);
	if (!Number.isFinite(weight) || weight < 0 || weight > 1) throw new ValidationError(`the upscale weight is a number from 0 to 1, got ${weight}`);
	const info = await stat(video).catch(() => null);
	if (!info?.isFile()) throw new ValidationError(`${parent.id}'s output video is gone: ${video}`);
	return {
		control_weight: weight,
		input: {path: video, sha256: await sha256File(video), size: info.size, mtime_ms: Math.trunc(info.mtimeMs)},
		...(prompt === undefined ? {} : {prompt: cleanPromptText(prompt, 'upscale prompt')}),
	};
}
