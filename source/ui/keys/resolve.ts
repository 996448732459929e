// Turns what Ink reports for a key press into a key name, and a key name into a command of the
// registry for the contexts that are active. Pure: the input hook and the tests share it.
import type {Key} from 'ink';
import {KEY_BINDINGS, type Binding, type CommandId, type KeyContext} from './registry.js';

/** A key press: its registry name and the text it typed (for '<text>' and '<digit>'). */
export type KeyPress = {name: string; text: string};

/** What '<digit>' matches: a number, or a list (0.2,0.6) or range (0.1:0.5:0.2) of them. */
const DIGIT = /^[0-9.,:]$/;

/**
 * Key presses in one chunk of input. Terminals (and tmux send-keys) can deliver several typed
 * characters at once; they become one press each, except in text fields, where a paste stays
 * whole (`keepText`).
 */
export function keyPresses(input: string, key: Key, keepText = false): KeyPress[] {
	const named = namedKey(input, key);
	if (named !== undefined) return named === null ? [] : [{name: named, text: ''}];
	if (input === '') return [];
	// A chunk can mix text and control keys ("\x15/home/ana" after a quick ctrl-u): split them.
	const presses: KeyPress[] = [];
	for (const part of input.split(/([\u0000-\u001F\u007F])/)) {
		if (part === '') continue;
		const control = CONTROL_KEYS[part];
		if (part.length === 1 && /[\u0000-\u001F\u007F]/.test(part)) {
			if (control) presses.push({name: control, text: ''});
			continue;
		}
		const characters = [...part];
		if (keepText || characters.length === 1) presses.push({name: characters.length === 1 ? part : '<paste>', text: part});
		else for (const character of characters) presses.push({name: character, text: character});
	}
	return presses;
}

/** Control characters inside a chunk of typed text, by key name. */
const CONTROL_KEYS: Record<string, string> = Object.fromEntries([
	['\r', 'enter'],
	['\n', 'enter'],
	['\t', 'tab'],
	['\b', 'backspace'],
	['\u007F', 'backspace'],
	...Array.from({length: 26}, (_, i) => [String.fromCharCode(i + 1), `ctrl+${String.fromCharCode(97 + i)}`])
		.filter(([character]) => !['\t', '\n', '\r', '\b'].includes(character!)),
]);

/** The name of a non-character key; null for a key to ignore; undefined for typed text. */
function namedKey(input: string, key: Key): string | null | undefined {
	if (key.upArrow) return key.shift ? 'shift+up' : 'up';
	if (key.downArrow) return key.shift ? 'shift+down' : 'down';
	if (key.leftArrow) return 'left';
	if (key.rightArrow) return 'right';
	if (key.pageUp) return 'pageup';
	if (key.pageDown) return 'pagedown';
	if (key.home) return 'home';
	if (key.end) return 'end';
	if (key.return || input === '\n') return 'enter';
	if (key.tab) return key.shift ? 'shift+tab' : 'tab';
	if (key.backspace || key.delete) return 'backspace';
	if (key.escape) return input === '' || input === '\u001B' ? 'esc' : null;
	if (key.ctrl) return input.length === 1 ? `ctrl+${input.toLowerCase()}` : null;
	if (key.meta) return null; // alt combinations are not used; ignoring them beats misreading them
	return undefined;
}

function matches(binding: Binding, press: KeyPress): boolean {
	for (const candidate of binding.keys) {
		if (candidate === press.name) return true;
		if (candidate === '<digit>' && DIGIT.test(press.name)) return true;
		// A paste arrives as '<paste>'; single printable characters match '<text>' too.
		if (candidate === '<text>' && press.text !== '' && !/[\u0000-\u001F\u007F]/.test(press.text)) return true;
	}
	return false;
}

/** The first binding, in context order, that a key press triggers. */
export function resolveBinding(contexts: readonly KeyContext[], press: KeyPress): Binding & {id: CommandId} | null {
	for (const context of contexts) {
		for (const binding of KEY_BINDINGS) {
			if (binding.context === context && matches(binding, press)) return binding;
		}
	}
	return null;
}

export function bindingsFor(context: KeyContext): ReadonlyArray<Binding & {id: CommandId}> {
	return KEY_BINDINGS.filter(binding => binding.context === context);
}
