// What shell completion knows, generated from the command table and FLAGS (never a hand-kept list):
// each command's flags and what its arguments complete to, and what completes each flag's value.
import {PRESET_LEVELS, RUN_STATUSES} from '../domain/model.js';
import type {ArgCompletion, ArgsCompletion, Command} from './command.js';
import {FLAGS, GLOBAL_FLAGS, kebab, type FlagName} from './flags.js';

export type CommandSpec = {
	name: string;
	/** Long flags, global ones included. */
	flags: string[];
	complete: ArgsCompletion;
	/** The last positional repeats (inference <prompt-id>...). */
	repeatsLast: boolean;
};

export type CompletionSpec = {
	commands: CommandSpec[];
	/** Flags before any command: the global ones and the full-screen UI's. */
	topFlags: string[];
	/** Every flag that takes a value (long and short spelling), with what completes the value. */
	values: Array<{flags: string[]; value: ArgCompletion}>;
};

/** What a flag's value completes to; string flags not named here take free text. */
const FLAG_VALUES: Partial<Record<FlagName, ArgCompletion>> = {
	status: RUN_STATUSES,
	prompt: 'prompt-id',
	host: 'host',
	blurStrength: PRESET_LEVELS,
	cannyThreshold: PRESET_LEVELS,
	config: 'file',
	dataDir: 'dir',
	sshKey: 'file',
	knownHosts: 'file',
};

const longFlags = (names: readonly FlagName[]) => [...new Set(names)].map(kebab);

export function completionSpec(commands: readonly Command[], uiFlags: readonly FlagName[]): CompletionSpec {
	const shown = commands.filter(command => !command.hidden);
	const values = (Object.keys(FLAGS) as FlagName[])
		.filter(name => FLAGS[name].type === 'string')
		.map(name => {
			const definition = FLAGS[name];
			const flags = 'shortFlag' in definition ? [kebab(name), `-${definition.shortFlag}`] : [kebab(name)];
			return {flags, value: FLAG_VALUES[name] ?? 'none'};
		});
	return {
		commands: shown.map(command => {
			const complete = command.complete ?? {args: []};
			return {
				name: command.name,
				flags: longFlags([...command.flags, ...GLOBAL_FLAGS]),
				complete,
				repeatsLast: 'args' in complete && complete.args.length > 0 && command.maxArgs > complete.args.length,
			};
		}),
		topFlags: longFlags([...GLOBAL_FLAGS, ...uiFlags]),
		values,
	};
}
