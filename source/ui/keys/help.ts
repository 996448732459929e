// The help overlay's content, straight from the registry: every binding, grouped by context, the
// contexts where `?` was pressed first, narrowed by a filter typed in the help.
import {matchesNeedle} from '../text/styled.js';
import {wrapText} from '../text/wrap.js';
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
	'prepare-offer',
	'confirm',
	'details',
	'message',
	'host-key',
	'note',
	'help',
	'help-filter',
	'always',
];

/**
 * The help's lines: the sections of `first` (the contexts active where `?` was pressed, in their
 * order) at the top, then the others; with a filter, only the bindings whose keys or description
 * hold it (smart case), under their section's title. With `width` (the description's columns),
 * a long description goes on under itself on the next lines, rather than being cut.
 */
export function helpLines(first: readonly KeyContext[] = [], filter = '', width = Number.POSITIVE_INFINITY): HelpLine[] {
	const lines: HelpLine[] = [];
	// Contexts missing from ORDER (added later) still show, after the others.
	const order = [...new Set([...first.filter(context => context !== 'always'), ...ORDER, ...(Object.keys(CONTEXT_TITLES) as KeyContext[])])];
	for (const context of order) {
		const bindings = KEY_BINDINGS.filter(binding => binding.context === context)
			.map(binding => ({kind: 'binding' as const, keys: binding.keys.map(keyLabel).join(' '), description: binding.description}))
			.filter(line => matchesNeedle(line.keys, filter) || matchesNeedle(line.description, filter));
		if (bindings.length === 0) continue;
		if (lines.length > 0) lines.push({kind: 'gap'});
		lines.push({kind: 'title', text: CONTEXT_TITLES[context]});
		for (const line of bindings) {
			const rows = Number.isFinite(width) ? wrapText(line.description, Math.max(10, width)) : [line.description];
			rows.forEach((row, i) => lines.push({kind: 'binding', keys: i === 0 ? line.keys : '', description: row}));
		}
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
