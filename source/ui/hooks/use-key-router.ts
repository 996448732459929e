// The one input handler: key presses go through the registry for the active contexts, and the
// matching command runs. Text fields take pasted text whole; elsewhere each character counts.
// Mouse reports are taken out first: a listener ahead of Ink's own on its input events reads
// them (../input/mouse.ts) and marks that input as used, so a report never reaches the keys as
// text (a filter being typed never gets "[<64;10;5M").
import {useInput, useStdin, type Key} from 'ink';
import {useCallback, useEffect, useRef, useState} from 'react';
import {createMouseReader, type MouseEvent} from '../input/mouse.js';
import type {CommandId, KeyContext} from '../keys/registry.js';
import {keyPresses, resolveBinding, type KeyPress} from '../keys/resolve.js';

export type CommandHandler = (command: CommandId, press: KeyPress) => void;
export type MouseHandler = (event: MouseEvent) => void;

/** No key held: for text that came in the same read as a mouse report. */
const PLAIN_KEY = {ctrl: false, shift: false, meta: false, tab: false, backspace: false, delete: false, return: false, escape: false} as Key;

const TEXT_CONTEXTS: readonly KeyContext[] = ['filter', 'prompt-form', 'note'];

export function useKeyRouter(contexts: readonly KeyContext[], onCommand: CommandHandler, onMouse?: MouseHandler): void {
	const {isRawModeSupported, internal_eventEmitter: inkInput} = useStdin();
	// The latest contexts and handlers, read at key time: the input listeners themselves never change.
	const latest = useRef({contexts, onCommand, onMouse});
	latest.current = {contexts, onCommand, onMouse};
	const mouse = useRef(createMouseReader());
	/** For the input being handled: null when it held no mouse report, else the text left of it. */
	const leftOfMouse = useRef<string | null>(null);
	const queue = useRef<KeyPress[]>([]);
	/** A press ran and its render has not been committed yet. */
	const unrendered = useRef(false);
	// Bumped to render again while presses wait: the next one runs after that render is committed.
	const [, setPending] = useState(0);

	const run = useCallback((press: KeyPress) => {
		const binding = resolveBinding(latest.current.contexts, press);
		if (binding) latest.current.onCommand(binding.id, press);
	}, []);

	// Several presses in one read ("c" and typing, "2x", ctrl-u and a path) run one per committed
	// render, so each resolves against the screen the previous one left (its pane, its dialog),
	// never against a stale one.
	useEffect(() => {
		const next = queue.current.shift();
		if (next === undefined) {
			unrendered.current = false;
			return;
		}

		unrendered.current = true;
		run(next);
		// Render once more, so that the next press (queued, or read later) sees what this one did.
		setPending(count => count + 1);
	});

	const handler = useCallback(
		(input: string, key: Key) => {
			const left = leftOfMouse.current;
			leftOfMouse.current = null;
			if (left === '') return;
			const keepText = latest.current.contexts.some(context => TEXT_CONTEXTS.includes(context));
			const presses = left === null ? keyPresses(input, key, keepText) : keyPresses(left, PLAIN_KEY, keepText);
			// A press runs at once only when nothing is waiting and the last one has been drawn: a
			// press run by the effect below may have changed the state without a render yet, and the
			// next read (a typed "0.9" after Tab) must not resolve against the screen before it.
			if (queue.current.length === 0 && !unrendered.current && presses.length > 0) {
				unrendered.current = true;
				run(presses.shift()!);
			}
			queue.current.push(...presses);
			// Queued presses run after a render (the effect below); the one run now renders by itself
			// if it changed anything (forcing a render for it would redraw a busy screen twice).
			if (presses.length > 0) setPending(count => count + 1);
		},
		[run],
	);
	// Ahead of Ink's useInput listener (prepended), on the same input events: Ink has already cut
	// the input into keys and sequences; a report cut short is held until its rest arrives.
	useEffect(() => {
		if (!isRawModeSupported) return;
		const reader = mouse.current;
		const onInput = (input: string) => {
			const read = reader.push(input);
			leftOfMouse.current = read.text === input ? null : read.text;
			for (const event of read.events) latest.current.onMouse?.(event);
		};
		inkInput.prependListener('input', onInput);
		return () => {
			inkInput.removeListener('input', onInput);
			reader.reset();
		};
	}, [inkInput, isRawModeSupported]);
	// Raw mode only works on a terminal; without one the screen still renders, read-only.
	useInput(handler, {isActive: isRawModeSupported});
}
