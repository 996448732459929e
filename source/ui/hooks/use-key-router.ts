// The one input handler: key presses go through the registry for the active contexts, and the
// matching command runs. Text fields take pasted text whole; elsewhere each character counts.
import {useInput, useStdin, type Key} from 'ink';
import {useCallback, useEffect, useRef} from 'react';
import type {CommandId, KeyContext} from '../keys/registry.js';
import {keyPresses, resolveBinding, type KeyPress} from '../keys/resolve.js';

export type CommandHandler = (command: CommandId, press: KeyPress) => void;

const TEXT_CONTEXTS: readonly KeyContext[] = ['filter', 'prompt-form'];

export function useKeyRouter(contexts: readonly KeyContext[], onCommand: CommandHandler): void {
	const {isRawModeSupported} = useStdin();
	// The latest contexts and handler, read at key time: the input listener itself never changes.
	const latest = useRef({contexts, onCommand});
	latest.current = {contexts, onCommand};
	const queue = useRef<KeyPress[]>([]);
	const timer = useRef<NodeJS.Immediate | null>(null);

	const run = useCallback((press: KeyPress) => {
		const binding = resolveBinding(latest.current.contexts, press);
		if (binding) latest.current.onCommand(binding.id, press);
	}, []);

	// Several presses in one read ("c" and typing, or ctrl-u and a path) run one per turn, so
	// each sees the screen the previous one left instead of a stale form.
	const drain = useCallback(() => {
		timer.current = null;
		const next = queue.current.shift();
		if (next) run(next);
		if (queue.current.length > 0) timer.current = setImmediate(drain);
	}, [run]);

	const handler = useCallback(
		(input: string, key: Key) => {
			const keepText = latest.current.contexts.some(context => TEXT_CONTEXTS.includes(context));
			const presses = keyPresses(input, key, keepText);
			if (queue.current.length === 0 && presses.length > 0) run(presses.shift()!);
			queue.current.push(...presses);
			if (queue.current.length > 0) timer.current ??= setImmediate(drain);
		},
		[run, drain],
	);
	useEffect(
		() => () => {
			if (timer.current) clearImmediate(timer.current);
		},
		[],
	);
	// Raw mode only works on a terminal; without one the screen still renders, read-only.
	useInput(handler, {isActive: isRawModeSupported});
}
