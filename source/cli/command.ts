// What a command is, and the context it runs in. Commands are thin: parse, call the service, print.
import path from 'node:path';
import {createInterface} from 'node:readline/promises';
import {loadConfig, type LoadedConfig} from '../config/load-config.js';
import {configuredHosts} from '../config/hosts.js';
import {createExecutor} from '../executor/create-executor.js';
import {checkDockerSettings} from '../executor/launch-plan.js';
import {WorkflowService} from '../service/workflow-service.js';
import {openStore, type Store} from '../store/index.js';
import type {FlagName, Flags} from './flags.js';
import {askPassphrase} from './passphrase.js';
import {spawnWorker} from './worker-process.js';
import type {Output} from './output.js';

export type Command = {
	name: string;
	/** e.g. "<text> <video_dir>" */
	args: string;
	summary: string;
	flags: readonly FlagName[];
	/** What a flag means for this command, where the shared wording (run-cli.ts FLAG_HELP) does not fit. */
	flagHelp?: Partial<Record<FlagName, string>>;
	minArgs: number;
	maxArgs: number;
	run: (context: Context, args: string[]) => Promise<number | void>;
	/** What the shell completes its arguments to (completion.ts); absent: nothing. */
	complete?: ArgsCompletion;
	/** Left out of --help and of shell completion (__complete). */
	hidden?: boolean;
};

/** Kinds of ids `__complete` reads from the store (and host names from the config). */
export const ID_KINDS = ['prompt-id', 'run-id', 'prompt-or-run-id', 'any-id', 'host'] as const;
export type IdKind = (typeof ID_KINDS)[number];

/** One positional argument: fixed words, ids, a folder, a file, or free text (none). */
export type ArgCompletion = readonly string[] | IdKind | 'dir' | 'file' | 'none';

/**
 * By position; past the end the last one repeats while maxArgs allows. With subcommands the first
 * argument is one of their names, and each has its own positions after it.
 */
export type ArgsCompletion =
	| {args: readonly ArgCompletion[]}
	| {subcommands: Readonly<Record<string, readonly ArgCompletion[]>>};

export class Context {
	private loaded: LoadedConfig | null = null;
	private servicePromise: Promise<WorkflowService> | null = null;
	private store: Store | null = null;

	constructor(
		readonly out: Output,
		readonly flags: Flags,
		readonly env: NodeJS.ProcessEnv,
		readonly cwd: string,
		readonly interactive: boolean,
		/** The full-screen UI, as opposed to a one-shot command. */
		readonly longLived = false,
		/** What the user types to run us again, for hints: cosmos-tui, npx cosmos-tui, … (invocation.ts). */
		readonly invocation = 'cosmos-tui',
	) {}

	get config(): LoadedConfig {
		this.loaded ??= loadConfig({flag: this.flags.config, env: this.env, cwd: this.cwd});
		return this.loaded;
	}

	get dataDir(): string {
		return path.resolve(this.cwd, this.flags.dataDir ?? this.config.config.paths.data_dir);
	}

	/** Opens the store on first use; the executor (SSH) is only made when a command needs the host. */
	service(): Promise<WorkflowService> {
		this.servicePromise ??= (async () => {
			const {config} = this.config;
			// Warming the indexes in the background only pays off for the long-lived UI.
			const store = await openStore(this.dataDir, {warmUp: this.longLived});
			this.store = store;
			const executorOptions = {
				acceptNewHostKey: Boolean(this.flags.acceptNewHostKey),
				env: this.env,
				// The full-screen UI owns the terminal: keys with passphrases must come from ssh-agent there.
				passphrase: this.interactive && !this.longLived ? askPassphrase : undefined,
			};
			return new WorkflowService({
				store,
				config,
				dataDir: this.dataDir,
				hosts: configuredHosts(config).map(host => ({
					name: host.name,
					gpus: host.gpus,
					executor: () => createExecutor(host.config, executorOptions, host.name),
					check: () => checkDockerSettings(host.config),
					// A cluster runs jobs side by side: it batches only when asked ([slurm] batch).
					batchMax: host.config.remote.kind === 'slurm' && !host.config.slurm.batch ? 1 : host.config.scheduler.batch_max,
					// Slurm queues and places runs itself; we only keep to max_submitted.
					...(host.config.remote.kind === 'slurm' ? {cluster: {maxSubmitted: host.config.slurm.max_submitted}} : {}),
				})),
				startWorker: () => spawnWorker({
					dataDir: this.dataDir,
					configFile: this.config.source,
					acceptNewHostKey: Boolean(this.flags.acceptNewHostKey),
					env: this.env,
					cwd: this.cwd,
				}),
			});
		})();
		return this.servicePromise;
	}

	async close(): Promise<void> {
		if (!this.servicePromise) return;
		const service = await this.servicePromise.catch(() => null);
		await service?.close();
		await this.store?.close();
	}

	/** Asks y/N on the terminal; No unless the user types y or yes. */
	async confirm(question: string): Promise<boolean> {
		const rl = createInterface({input: process.stdin, output: process.stderr});
		try {
			const answer = await rl.question(`${question} [y/N] `);
			return /^y(es)?$/i.test(answer.trim());
		} finally {
			rl.close();
		}
	}
}
