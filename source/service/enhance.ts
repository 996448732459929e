// `cosmos-tui enhance <prompt>`: the standalone prompt upsampler (Pixtral, contract §1 and §6) on a
// GPU host, as a run like any other (queued, placed on one GPU, followed, cancellable). Its run
// carries `enhance`; launch-plan.ts runs upsampler_pipeline.py instead of transfer.py. When it
// succeeds, the scheduler's end makes a NEW prompt from the upsampled text, linked to the original
// (enhanced_from), and records it on the run (enhance.prompt_id); the original never changes.
import type {Prompt, Run} from '../domain/model.js';
import {newRun} from '../domain/model.js';
import {promptId} from '../domain/naming.js';
import {cleanPromptText} from '../domain/validate.js';

/** Prompt names are at most this long (the service's rule). */
export const MAX_NAME_LENGTH = 80;
const SUFFIX = ' (enhanced)';

/** A queued run of the upsampler on a prompt: one GPU, the defaults otherwise (they do not apply). */
export function enhanceRun(
	prompt: Pick<Prompt, 'id'>,
	fields: Pick<Run, 'id' | 'created_at' | 'priority' | 'host' | 'control_weights' | 'parameters'>,
): Run {
	return newRun({...fields, prompt_id: prompt.id, parameters: {...fields.parameters, num_gpus: 1}, enhance: {prompt_id: null}});
}

/**
 * `<name> (enhanced)`, then `<name> (enhanced 2)`, … the first that `taken` does not refuse, the
 * original's name cut so the whole stays within MAX_NAME_LENGTH.
 */
export function enhancedName(original: string, taken: (name: string) => boolean): string {
	for (let n = 1; ; n++) {
		const suffix = n === 1 ? SUFFIX : ` (enhanced ${n})`;
		const name = `${original.slice(0, MAX_NAME_LENGTH - suffix.length).trimEnd()}${suffix}`;
		if (!taken(name) || n >= 10_000) return name;
	}
}

/**
 * The prompt an upsampler run makes: the upsampled text, the original's negative prompt, folder
 * and videos (so its id is the usual content hash), and the link back. Throws a ValidationError
 * for a text no prompt may have (too long).
 */
export function enhancedPrompt(original: Prompt, text: string, run: Pick<Run, 'id'>, createdAt: string, taken: (name: string) => boolean): Prompt {
	const promptText = cleanPromptText(text, 'the upsampled prompt');
	const digests = Object.fromEntries(Object.entries(original.inputs).map(([role, file]) => [role, file.sha256]));
	return {
		id: promptId(promptText, digests),
		name: enhancedName(original.name, taken),
		prompt_text: promptText,
		negative_prompt: original.negative_prompt,
		video_dir: original.video_dir,
		inputs: original.inputs,
		created_at: createdAt,
		enhanced_from: {prompt_id: original.id, run_id: run.id},
	};
}
