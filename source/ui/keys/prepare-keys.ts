// The new-prompt form's question when its folder holds rendered PNG frames instead of videos:
// Enter prepares them (as `cosmos-tui prepare`), Esc goes back. Binding and "why not now" together,
// as in prompt-keys.ts; registry.ts lists these bindings with all the others.
import type {PromptFormState} from '../state/prompt-form.js';
import type {Binding} from './registry.js';

export const PREPARE_BINDINGS = [
	{id: 'prepare.confirm', keys: ['enter'], label: 'prepare', context: 'prepare-offer', description: 'Prepare the rendered frames into an input folder of videos with ffmpeg (as cosmos-tui prepare), then create the prompt from it', bar: true},
	{id: 'prepare.back', keys: ['esc'], label: 'back', context: 'prepare-offer', description: 'Back to the form; nothing is written', bar: true},
] as const satisfies readonly Binding[];

/** Why Enter or Esc on the offer cannot act now (ffmpeg is running), or null when they can. */
export function whyNotPrepareCommand(form: PromptFormState): string | null {
	if (form.prepare?.startedAt == null) return null;
	return 'ffmpeg is making the videos: wait (nothing is in place until all of them are made)';
}
