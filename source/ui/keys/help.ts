// The help overlay's content, straight from the registry: every binding, grouped by context.
import {CONTEXT_TITLES, KEY_BINDINGS, keyLabel, type KeyContext} from './registry.js';

export type HelpLine = {kind: 'title'; text: string} | {kind: 'binding'; keys: string; description: string} | {kind: 'gap'};

const ORDER: readonly KeyContext[] = [
	'global',
	'navigation',
	'prompts',
	'runs',
	'run',
	'logs',
	'queue',
	'filter',
	'editor',
	'prompt-form',
	'confirm',
	'details',
	'message',
	'help',
	'always',
];

export function helpLines(): HelpLine[] {
	const lines: HelpLine[] = [];
	for (const context of ORDER) {
		const bindings = KEY_BINDINGS.filter(binding => binding.context === context);
		if (bindings.length === 0) continue;
		if (lines.length > 0) lines.push({kind: 'gap'});
		lines.push({kind: 'title', text: CONTEXT_TITLES[context]});
		for (const binding of bindings) lines.push({kind: 'binding', keys: binding.keys.map(keyLabel).join(' '), description: binding.description});
	}
	return lines;
}

/**
 * The bar's "key label" hints for the active contexts (first context first, no repeats), leaving
 * out the commands that cannot run now (`hidden`): the bar shows only what applies.
 */
export function barHints(contexts: readonly KeyContext[], hidden: ReadonlySet<string> = new Set()): Array<{keys: string; label: string}> {
	const seen = new Set<string>();
	const hints: Array<{keys: string; label: string}> = [];
	for (const context of contexts) {
		for (const binding of KEY_BINDINGS) {
			if (binding.context !== context || !('bar' in binding) || !binding.bar || seen.has(binding.label) || hidden.has(binding.id)) continue;
			seen.add(binding.label);
			hints.push({keys: binding.keys.slice(0, 2).map(keyLabel).join('/'), label: binding.label});
		}
	}
	return hints;
}
