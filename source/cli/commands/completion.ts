// completion: prints a bash, zsh or fish completion script; __complete (hidden): the ids and host
// names that script asks for, one per line, from the store and the config (never the GPU host).
import {existsSync} from 'node:fs';
import {configuredHosts} from '../../config/hosts.js';
import {UsageError} from '../../domain/errors.js';
import {ID_KINDS, type Command, type Context, type IdKind} from '../command.js';
import {fishScript} from '../completion-fish.js';
import {bashScript, zshScript} from '../completion-sh.js';
import {completionSpec} from '../completion-spec.js';
import {COMMANDS} from './index.js';

const SHELLS = {bash: bashScript, zsh: zshScript, fish: fishScript} as const;
type Shell = keyof typeof SHELLS;

export const completionCommand: Command = {
	name: 'completion',
	args: 'bash|zsh|fish',
	summary: 'print a completion script for commands, flags and ids: source <(cosmos-tui completion bash) (or zsh); fish: … | source',
	flags: [],
	minArgs: 1,
	maxArgs: 1,
	complete: {args: [Object.keys(SHELLS)]},
	async run(context, [shell]) {
		if (!Object.hasOwn(SHELLS, shell!)) throw new UsageError(`no completion for "${shell}" (use: completion bash | zsh | fish)`);
		// Loaded here: run-cli imports the command table, which holds this command.
		const {UI_COMMAND} = await import('../run-cli.js');
		const script = SHELLS[shell as Shell](completionSpec(COMMANDS, UI_COMMAND.flags));
		// Through the sanitizer like all output: it holds only our own text (tabs become spaces).
		context.out.line(script.trimEnd());
	},
};

/** Only these reach the shell: an id or host name never carries a space, quote or control character. */
const SAFE_WORD = /^[\w.-]+$/;
const LIMIT = 200;

export const completeCommand: Command = {
	name: '__complete',
	args: '<kind> [prefix]',
	summary: 'ids for shell completion',
	flags: [],
	minArgs: 1,
	maxArgs: 2,
	hidden: true,
	async run(context, [kind, prefix = '']) {
		if (!(ID_KINDS as readonly string[]).includes(kind!)) throw new UsageError(`__complete: unknown kind "${kind}"`);
		try {
			for (const word of await candidates(context, kind as IdKind, prefix)) {
				if (SAFE_WORD.test(word)) context.out.line(word);
			}
		} catch {
			// A completion prints nothing rather than an error into the user's command line.
		}
		return 0;
	},
};

async function candidates(context: Context, kind: IdKind, prefix: string): Promise<string[]> {
	if (kind === 'host') return configuredHosts(context.config.config).map(host => host.name).filter(name => name.startsWith(prefix));
	// No data folder yet: nothing to offer, and none is made by pressing tab.
	if (!existsSync(context.dataDir)) return [];
	const service = await context.service();
	const tables = {
		'prompt-id': ['prompts'],
		'run-id': ['runs'],
		'prompt-or-run-id': ['prompts', 'runs'],
		'any-id': ['prompts', 'runs', 'sweeps'],
	} as const satisfies Record<Exclude<IdKind, 'host'>, ReadonlyArray<'prompts' | 'runs' | 'sweeps'>>;
	return tables[kind].flatMap(table => service.idsStartingWith(table, prefix, LIMIT));
}
