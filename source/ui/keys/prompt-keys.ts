// The prompts pane's keys, as a lazygit-style controller (see run-keys.ts): binding, handler and
// "why not now" together. registry.ts lists these bindings with all the others.
import type {Prompt} from '../../domain/model.js';
import type {Binding} from './registry.js';

export const PROMPT_BINDINGS = [
	{id: 'prompt.open', keys: ['enter'], label: 'its runs', context: 'prompts', description: "Show this prompt's runs", bar: true},
	{id: 'prompt.run', keys: ['r'], label: 'run', context: 'prompts', description: 'Run this prompt (launch form with the defaults)', bar: true},
	{id: 'prompt.delete', keys: ['D'], label: 'delete', context: 'prompts', description: 'Delete this prompt and its runs (asks first)'},
	{id: 'prompt.enhance', keys: ['E'], label: 'enhance', context: 'prompts', description: 'Queue the prompt upsampler (Pixtral) on this prompt: its rewrite becomes a new prompt, linked to this one (cosmos-tui enhance)'},
] as const satisfies readonly Binding[];

export type PromptCommandId = (typeof PROMPT_BINDINGS)[number]['id'];

/** What the prompt commands ask for (use-commands.ts and use-actions.ts carry them out). */
export type PromptHandlers = {
	open(prompt: Prompt): void;
	run(prompt: Prompt): void;
	delete(prompt: Prompt): void;
	enhance(prompt: Prompt): void;
};

const HANDLERS: Record<PromptCommandId, keyof PromptHandlers> = {'prompt.open': 'open', 'prompt.run': 'run', 'prompt.delete': 'delete', 'prompt.enhance': 'enhance'};

export function isPromptCommand(id: string): id is PromptCommandId {
	return Object.hasOwn(HANDLERS, id);
}

/** Why a prompt command cannot run now (every one needs a prompt), or null when it can. */
export function whyNotPromptCommand(prompt: Prompt | null, filter: string): string | null {
	if (prompt) return null;
	return filter === '' ? 'no prompts yet: c creates one' : 'no prompt matches the filter (Esc clears it)';
}

/** Runs a prompt command, or says why it cannot run now. */
export function runPromptCommand(id: PromptCommandId, prompt: Prompt | null, filter: string, handlers: PromptHandlers, say: (why: string) => void): void {
	const why = whyNotPromptCommand(prompt, filter);
	if (why === null) handlers[HANDLERS[id]](prompt!);
	else say(why);
}

/** The prompt commands that cannot run now: the key bar leaves them out. */
export function disabledPromptCommands(prompt: Prompt | null): ReadonlySet<string> {
	return new Set(prompt ? [] : PROMPT_BINDINGS.map(binding => binding.id));
}
