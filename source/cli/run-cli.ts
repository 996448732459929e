// Parses the command line, dispatches to a command, and turns errors into one line and an exit code.
import meow from 'meow';
import {configCandidates} from '../config/load-config.js';
import {UsageError, UserError} from '../domain/errors.js';
import {Context, type Command} from './command.js';
import {COMMANDS} from './commands/index.js';
import {FLAGS, GLOBAL_FLAGS, kebab, type FlagName, type Flags} from './flags.js';
import {DEFAULT_INVOCATION} from './invocation.js';
import {Output} from './output.js';

const FLAG_HELP: Partial<Record<FlagName, string>> = {
	weights: 'control weights: vis=0.3,edge=0.2,depth=0.25,seg=0.25 (any subset) or 4 numbers',
	steps: 'diffusion steps (default 35; sweep: a list or range, 20,35)',
	guidance: 'guidance scale (default 7; sweep: 5,7 or 5:9:2)',
	seed: 'random seed (default 1; sweep: 1..4 or 1,5,9)',
	fps: 'output fps (default 24)',
	sigmaMax: 'partial-noise level (default 70)',
	blurStrength: 'vis blur: very_low|low|medium|high|very_high',
	cannyThreshold: 'edge threshold: very_low|low|medium|high|very_high',
	gpus: 'GPUs for this run',
	detach: 'start and print the run id at once',
	name: 'prompt name (default: made from the text)',
	negative: 'negative prompt (default: from the config)',
	status: 'only runs with this status',
	prompt: 'only runs of this prompt',
	limit: 'at most this many rows (default 50)',
	yes: 'do not ask first (delete, verify --fix)',
	force: 'delete even while runs are active',
	keepOutputs: 'keep the run folders on disk',
	follow: 'keep streaming until the run ends',
	tail: 'only the last N lines',
	json: 'machine-readable output (shapes in the README)',
	acceptNewHostKey: 'trust an unknown host key and remember it (like ssh accept-new)',
	priority: 'queue priority: higher runs start first (default 0)',
	host: 'only this GPU host (a [hosts.NAME] or the [remote] host); default: any with free GPUs',
	top: 'to the front of the queue',
	up: 'one place up',
	down: 'one place down',
	bottom: 'to the end of the queue',
	once: 'exit when nothing is queued or running',
	max: 'refuse a sweep of more runs than this (default 64)',
	dryRun: 'print the grid, queue nothing',
	fix: 'verify: remove folders no run owns and mark runs whose outputs are gone, after a list and a question',
	vis: 'sweep values: 0.3 | 0.2,0.6 | 0.1:0.5:0.2 (both ends included)',
	edge: 'sweep values, as --vis',
	depth: 'sweep values, as --vis',
	seg: 'sweep values, as --vis',
	user: 'init: SSH user on the GPU host',
	port: 'init: SSH port (default 22)',
	sshKey: 'init: SSH key file (empty: ssh-agent and ~/.ssh/id_*)',
	knownHosts: 'init: known_hosts file (default ~/.ssh/known_hosts)',
	remoteDir: 'init: the Cosmos-Transfer1 checkout on the host',
	image: 'init: the Docker image',
	dockerCommand: 'init: the container engine command, e.g. "sudo -n docker"',
};

const HELP = `
Usage
  $ cosmos-tui [UI flags]           full-screen terminal UI (when run in a terminal)
  $ cosmos-tui <command> [args] [flags]

Commands
${commandList()}

Global flags
  --data-dir <dir>    data folder (env COSMOS_DATA_DIR; default ./data)
  --config <file>     config file (env COSMOS_CONFIG; else ./cosmos.toml, ~/.config/cosmos-tui/config.toml)
  --help, --version

UI flags
  --accept-new-host-key  trust an unknown GPU host key and remember it (like ssh accept-new);
                         commands that reach the host take it too (see their --help)

Run "cosmos-tui <command> --help" for a command's flags. Exit codes: 0 ok, 1 failure, 2 usage error.
`;

/** One line per command: its usage, then its summary in a column wide enough for every usage. */
function commandList(): string {
	const shown = COMMANDS.filter(c => !c.hidden);
	const usages = shown.map(c => `${c.name} ${c.args}`.trimEnd());
	const width = Math.max(...usages.map(usage => usage.length)) + 2;
	return shown.map((c, i) => `  ${usages[i]!.padEnd(width)}${c.summary}`).join('\n');
}

function commandHelp(command: Command): string {
	const flags = command.flags.map(f => `  ${`${kebab(f)}${FLAGS[f].type === 'string' ? ' <value>' : ''}`.padEnd(28)}${command.flagHelp?.[f] ?? FLAG_HELP[f] ?? ''}`);
	return `\nUsage\n  $ cosmos-tui ${command.name} ${command.args}\n\n  ${command.summary}\n\nFlags\n${flags.join('\n')}\n`;
}

export type CliIo = {
	env: NodeJS.ProcessEnv;
	cwd: string;
	interactive: boolean;
	tty: boolean;
	/** How the user started us, for hints that name a command (default cosmos-tui); see invocation.ts. */
	invocation?: string;
};

export async function runCli(argv: string[], io: CliIo): Promise<number> {
	const out = Output.forProcess(io.env);
	const invocation = io.invocation ?? DEFAULT_INVOCATION;
	const cli = meow(HELP, {
		importMeta: import.meta,
		argv,
		flags: FLAGS,
		autoHelp: false,
		autoVersion: false,
		// Unknown flags are ours to report, in the same one-line style as every other usage error.
		allowUnknownFlags: true,
		booleanDefault: undefined,
	});
	const flags = cli.flags as Flags;
	if (flags.version) return print(cli.pkg.version ?? '');
	const [name, ...args] = cli.input;
	const unknown = Object.keys(flags).find(flag => !Object.hasOwn(FLAGS, flag));
	if (unknown !== undefined) return usage(out, `unknown flag ${kebab(unknown)} (run ${invocation} ${name ? `${name} ` : ''}--help)`);
	if (!name && (flags.help || !io.tty)) return print(HELP, 0);
	const command = name === undefined ? UI_COMMAND : COMMANDS.find(c => c.name === name);
	if (!command) return usage(out, `unknown command "${name}" (run ${invocation} --help)`);
	if (flags.help) return print(commandHelp(command));
	const context = new Context(out, flags, io.env, io.cwd, io.interactive, command === UI_COMMAND, invocation);
	try {
		checkFlags(command, flags);
		if (args.length < command.minArgs || args.length > command.maxArgs) {
			throw new UsageError(`usage: ${invocation} ${command.name} ${command.args}`);
		}
		return (await command.run(context, args)) ?? 0;
	} catch (error) {
		if (error instanceof UserError || isStoreError(error)) {
			out.info(`cosmos-tui: ${(error as Error).message}`);
			return error instanceof UserError ? error.exitCode : 1;
		}
		throw error;
	} finally {
		await context.close();
	}

	function print(text: string, code = 0): number {
		out.line(text.replace(/^\n/, '').trimEnd());
		return code;
	}
}

/** A flag that this command does not take is a usage error, not silently ignored. */
function checkFlags(command: Command, flags: Flags): void {
	for (const [flag, value] of Object.entries(flags) as Array<[FlagName, unknown]>) {
		if (value === undefined || GLOBAL_FLAGS.includes(flag) || command.flags.includes(flag)) continue;
		throw new UsageError(`${kebab(flag)} does not apply to ${command.name}`);
	}
}

/** No command in a terminal: the full-screen UI (loaded only then, to keep commands fast). */
export const UI_COMMAND: Command = {
	name: '',
	args: '',
	summary: 'full-screen UI',
	flags: ['acceptNewHostKey'],
	minArgs: 0,
	maxArgs: 0,
	async run(context) {
		const service = await context.service();
		const {launchUi} = await import('../ui/launch.js');
		return launchUi({
			service,
			defaults: service.runDefaults(),
			invocation: context.invocation,
			notify: context.config.config.ui.notify,
			mouse: context.config.config.ui.mouse,
			configFiles: configCandidates({flag: context.flags.config, env: context.env, cwd: context.cwd}),
			configSource: context.config.source,
		});
	},
};

const isStoreError = (error: unknown) => error instanceof Error && error.name === 'StoreError';

function usage(out: Output, message: string): number {
	out.info(`cosmos-tui: ${message}`);
	return 2;
}
