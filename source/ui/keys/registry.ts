// Every key the UI answers to, as data. This one table drives input handling (resolve.ts), the
// `?` help overlay and the bottom key bar, so the three can never disagree.
//
// Key names: single characters as typed ('j', 'G', '/', '?'), or 'up' 'down' 'left' 'right'
// 'pageup' 'pagedown' 'home' 'end' 'enter' 'esc' 'tab' 'shift+tab' 'backspace' 'ctrl+<letter>'.
// Two pseudo keys match a class of characters in text fields: '<text>' any printable text,
// '<digit>' 0-9, '.', ',' and ':' (numbers, lists and ranges).
//
// The queue view's, the selected run's and the prompts pane's bindings live in queue-keys.ts,
// run-keys.ts and prompt-keys.ts beside their handlers and "why not now" (as lazygit's
// controllers); they are part of this table all the same.
import {PREPARE_BINDINGS} from './prepare-keys.js';
import {PROMPT_BINDINGS} from './prompt-keys.js';
import {QUEUE_BINDINGS} from './queue-keys.js';
import {RUN_BINDINGS} from './run-keys.js';

/** Where a binding applies. Panes and dialogs each have one; 'run' is "the selected run" (runs, logs and queue). */
export type KeyContext =
	| 'always'
	| 'global'
	| 'navigation'
	| 'prompts'
	| 'runs'
	| 'run'
	| 'logs'
	| 'queue'
	| 'filter'
	| 'help'
	| 'help-filter'
	| 'confirm'
	| 'editor'
	| 'prompt-form'
	| 'prepare-offer'
	| 'details'
	| 'message'
	| 'host-key'
	| 'note';

export type Binding = {
	readonly id: string;
	readonly keys: readonly string[];
	/** One or two words for the key bar. */
	readonly label: string;
	readonly context: KeyContext;
	/** One line for the help overlay. */
	readonly description: string;
	/** Shown in the key bar when its context is active. */
	readonly bar?: boolean;
};

export const CONTEXT_TITLES: Record<KeyContext, string> = {
	always: 'Anywhere',
	global: 'Main screen',
	navigation: 'Moving (prompts, runs, logs, queue)',
	prompts: 'Prompts pane',
	runs: 'Runs pane',
	run: 'Selected run (runs, logs and queue)',
	logs: 'Logs pane',
	queue: 'Queue view',
	filter: 'Typing a filter',
	help: 'This help',
	'help-filter': 'Filtering this help',
	confirm: 'Confirmation',
	editor: 'Launch / rerun form',
	'prompt-form': 'New prompt form',
	'prepare-offer': 'New prompt form: rendered frames in the folder',
	details: 'Run details',
	'host-key': 'Unknown host key',
	message: 'Message',
	note: 'Writing a note',
};

export const KEY_BINDINGS = [
	{id: 'app.interrupt', keys: ['ctrl+c'], label: 'quit', context: 'always', description: 'Quit from anywhere (runs keep going on the host)'},

	{id: 'app.quit', keys: ['q'], label: 'quit', context: 'global', description: 'Quit; runs keep going on the host', bar: true},
	{id: 'app.help', keys: ['?'], label: 'help', context: 'global', description: 'Show every key', bar: true},
	{id: 'focus.next', keys: ['tab'], label: 'next pane', context: 'global', description: 'Focus the next pane (prompts, runs, logs, queue)'},
	{id: 'focus.previous', keys: ['shift+tab'], label: 'previous pane', context: 'global', description: 'Focus the previous pane'},
	{id: 'focus.prompts', keys: ['1'], label: 'prompts', context: 'global', description: 'Focus the prompts pane'},
	{id: 'focus.runs', keys: ['2'], label: 'runs', context: 'global', description: 'Focus the runs pane'},
	{id: 'focus.logs', keys: ['3'], label: 'logs', context: 'global', description: 'Focus the logs pane'},
	{id: 'focus.queue', keys: ['4'], label: 'queue', context: 'global', description: 'The queue view: hosts and their GPUs, active runs, queued runs in order'},
	{id: 'prompt.create', keys: ['c'], label: 'new prompt', context: 'global', description: 'Create a prompt: text and a video folder'},
	{id: 'app.refresh', keys: ['R'], label: 'refresh', context: 'global', description: 'Reload prompts, runs and the host status'},
	{id: 'app.back', keys: ['esc'], label: 'back', context: 'global', description: 'Clear the filter, else go back to the previous pane'},
	{id: 'app.last-message', keys: ['!'], label: 'message', context: 'global', description: 'Show the last message in full (the bar cuts long ones)'},

	{id: 'nav.down', keys: ['j', 'down'], label: 'down', context: 'navigation', description: 'Next item (logs: scroll down)'},
	{id: 'nav.up', keys: ['k', 'up'], label: 'up', context: 'navigation', description: 'Previous item (logs: scroll up, pauses following)'},
	{id: 'nav.top', keys: ['g', 'home'], label: 'top', context: 'navigation', description: 'First item (logs: oldest line kept)'},
	{id: 'nav.bottom', keys: ['G', 'end'], label: 'bottom', context: 'navigation', description: 'Last item (logs: newest line, follow again)'},
	{id: 'nav.page-down', keys: ['pagedown', 'ctrl+d'], label: 'page down', context: 'navigation', description: 'One page down'},
	{id: 'nav.page-up', keys: ['pageup', 'ctrl+u'], label: 'page up', context: 'navigation', description: 'One page up'},
	{id: 'filter.start', keys: ['/'], label: 'filter', context: 'navigation', description: 'Filter the focused pane (prompts, runs: text or status; logs: substring)', bar: true},
	{id: 'filter.next', keys: ['n'], label: 'next match', context: 'navigation', description: 'Next match of the filter'},
	{id: 'filter.previous', keys: ['N'], label: 'previous match', context: 'navigation', description: 'Previous match of the filter'},

	...PROMPT_BINDINGS,

	{id: 'run.details', keys: ['enter'], label: 'details', context: 'runs', description: 'All about the selected run; on a sweep row, fold or unfold its runs', bar: true},
	{id: 'run.run-prompt', keys: ['r'], label: 'run again', context: 'runs', description: "New run of this run's prompt (launch form with the defaults)"},
	{id: 'run.scope', keys: ['a'], label: 'all/prompt', context: 'runs', description: "Show all runs, or only the selected prompt's"},

	...RUN_BINDINGS,

	{id: 'log.wrap', keys: ['w'], label: 'wrap', context: 'logs', description: 'Wrap long lines, or cut them', bar: true},
	{id: 'log.timestamps', keys: ['t'], label: 'time', context: 'logs', description: 'Show when each line arrived', bar: true},
	{id: 'log.zoom', keys: ['z'], label: 'zoom', context: 'logs', description: 'The log on the whole screen, and back (Esc too)', bar: true},

	...QUEUE_BINDINGS,

	{id: 'filter.apply', keys: ['enter'], label: 'keep', context: 'filter', description: 'Keep the filter and go back to the pane', bar: true},
	{id: 'filter.cancel', keys: ['esc'], label: 'clear', context: 'filter', description: 'Clear the filter', bar: true},
	{id: 'filter.erase', keys: ['backspace'], label: 'erase', context: 'filter', description: 'Erase the last character (a reopened filter: all of it)'},
	{id: 'filter.clear', keys: ['ctrl+u'], label: 'clear text', context: 'filter', description: 'Erase the whole text and keep typing'},
	{id: 'filter.type', keys: ['<text>'], label: 'type', context: 'filter', description: 'Text to look for (prompts, runs: also a status such as failed); / on a filter selects its text, so typing replaces it'},

	{id: 'help.close', keys: ['esc', '?', 'q', 'enter'], label: 'close', context: 'help', description: 'Close the help (Esc clears its filter first)', bar: true},
	{id: 'help.down', keys: ['j', 'down', 'pagedown'], label: 'scroll', context: 'help', description: 'Scroll the help down'},
	{id: 'help.up', keys: ['k', 'up', 'pageup'], label: 'scroll up', context: 'help', description: 'Scroll the help up'},
	{id: 'help.filter', keys: ['/'], label: 'filter', context: 'help', description: 'Filter the help: type part of a key or a description', bar: true},

	{id: 'help-filter.apply', keys: ['enter'], label: 'keep', context: 'help-filter', description: 'Keep the filter and scroll the lines left', bar: true},
	{id: 'help-filter.cancel', keys: ['esc'], label: 'clear', context: 'help-filter', description: 'Clear the filter', bar: true},
	{id: 'help-filter.erase', keys: ['backspace'], label: 'erase', context: 'help-filter', description: 'Erase the last character'},
	{id: 'help-filter.type', keys: ['<text>'], label: 'type', context: 'help-filter', description: 'Text to look for in the keys and descriptions'},

	{id: 'confirm.yes', keys: ['y'], label: 'yes', context: 'confirm', description: 'Yes, do it', bar: true},
	{id: 'confirm.no', keys: ['n', 'esc'], label: 'no', context: 'confirm', description: 'No, leave it', bar: true},
	{id: 'confirm.switch', keys: ['left', 'right', 'tab', 'shift+tab', 'h', 'l'], label: 'choose', context: 'confirm', description: 'Move between No and Yes'},
	{id: 'confirm.choose', keys: ['enter'], label: 'choose', context: 'confirm', description: 'Take the highlighted answer (No unless moved)', bar: true},

	{id: 'editor.next-field', keys: ['tab', 'down'], label: 'next field', context: 'editor', description: 'Next field', bar: true},
	{id: 'editor.previous-field', keys: ['shift+tab', 'up'], label: 'previous field', context: 'editor', description: 'Previous field'},
	{id: 'editor.increase', keys: ['right', '+'], label: '+', context: 'editor', description: 'Step the value up (weights by 0.05)', bar: true},
	{id: 'editor.decrease', keys: ['left', '-'], label: '-', context: 'editor', description: 'Step the value down (weights by 0.05)', bar: true},
	{id: 'editor.type', keys: ['<digit>'], label: 'type', context: 'editor', description: 'Type a value; a list (0.2,0.6) or a range (0.1:0.5:0.2) in a weight, seed, steps or guidance makes a sweep'},
	{id: 'editor.erase', keys: ['backspace'], label: 'erase', context: 'editor', description: 'Erase the last typed character'},
	{id: 'editor.advanced', keys: ['a'], label: 'advanced', context: 'editor', description: 'Show or hide the parameters (steps, guidance, seed...)', bar: true},
	{id: 'editor.submit', keys: ['enter'], label: 'queue', context: 'editor', description: 'Queue the run (with lists or ranges: one run per combination, as a sweep)', bar: true},
	{id: 'editor.cancel', keys: ['esc'], label: 'close', context: 'editor', description: 'Close without queueing anything', bar: true},

	{id: 'form.complete', keys: ['tab'], label: 'complete/next', context: 'prompt-form', description: 'Complete the folder path (in the other fields: next field)', bar: true},
	{id: 'form.next-field', keys: ['down'], label: 'next field', context: 'prompt-form', description: 'Next field (text, name, negative prompt, folder)'},
	{id: 'form.previous-field', keys: ['up', 'shift+tab'], label: 'previous field', context: 'prompt-form', description: 'Previous field'},
	{id: 'form.submit', keys: ['enter'], label: 'create', context: 'prompt-form', description: "Next field, or create the prompt from the folder field (empty name: made from the text; empty negative: the config's)", bar: true},
	{id: 'form.erase', keys: ['backspace'], label: 'erase', context: 'prompt-form', description: 'Erase the last character'},
	{id: 'form.clear', keys: ['ctrl+u'], label: 'clear field', context: 'prompt-form', description: 'Clear the field'},
	{id: 'form.type', keys: ['<text>'], label: 'type', context: 'prompt-form', description: 'Type (paste works too)'},
	{id: 'form.cancel', keys: ['esc'], label: 'cancel', context: 'prompt-form', description: 'Close without creating', bar: true},

	...PREPARE_BINDINGS,

	{id: 'details.close', keys: ['esc', 'enter', 'q'], label: 'close', context: 'details', description: 'Close the details', bar: true},
	{id: 'details.down', keys: ['j', 'down', 'pagedown'], label: 'scroll', context: 'details', description: 'Scroll the details down (when taller than the screen)', bar: true},
	{id: 'details.up', keys: ['k', 'up', 'pageup'], label: 'scroll up', context: 'details', description: 'Scroll the details up'},
	{id: 'message.close', keys: ['esc', 'enter', 'q'], label: 'close', context: 'message', description: 'Close the message', bar: true},
	{id: 'message.down', keys: ['j', 'down', 'pagedown'], label: 'scroll', context: 'message', description: 'Scroll the message down (when taller than the screen)', bar: true},
	{id: 'message.up', keys: ['k', 'up', 'pageup'], label: 'scroll up', context: 'message', description: 'Scroll the message up'},

	{id: 'host-key.accept', keys: ['y'], label: 'trust', context: 'host-key', description: "Trust the host's key and remember it in known_hosts (as --accept-new-host-key)", bar: true},
	{id: 'host-key.refuse', keys: ['n', 'esc'], label: "don't trust", context: 'host-key', description: 'Do not trust it; nothing is written (R checks the hosts and asks again)', bar: true},

	{id: 'note.save', keys: ['enter'], label: 'save', context: 'note', description: 'Save the note (empty: remove it)', bar: true},
	{id: 'note.erase', keys: ['backspace'], label: 'erase', context: 'note', description: 'Erase the last character'},
	{id: 'note.clear', keys: ['ctrl+u'], label: 'clear', context: 'note', description: 'Clear the text'},
	{id: 'note.type', keys: ['<text>'], label: 'type', context: 'note', description: 'Type (paste works too)'},
	{id: 'note.cancel', keys: ['esc'], label: 'cancel', context: 'note', description: 'Close; the note stays as it was', bar: true},
] as const satisfies readonly Binding[];

export type CommandId = (typeof KEY_BINDINGS)[number]['id'];

const KEY_SYMBOLS: Record<string, string> = {
	up: '↑',
	down: '↓',
	left: '←',
	right: '→',
	pageup: 'PgUp',
	pagedown: 'PgDn',
	home: 'Home',
	end: 'End',
	enter: 'Enter',
	esc: 'Esc',
	tab: 'Tab',
	'shift+tab': 'S-Tab',
	'shift+up': 'S-↑',
	'shift+down': 'S-↓',
	backspace: 'Bksp',
	'<text>': 'text',
	'<digit>': '0-9 . , :',
};

/** How a key name is shown to people: '↓', 'ctrl-u', 'Enter'. */
export function keyLabel(key: string): string {
	return KEY_SYMBOLS[key] ?? key.replace('ctrl+', 'ctrl-');
}
