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
	minArgs: number;
	maxArgs: number;
	run: (context: Context, args: string[]) => Promise<number | void>;
};

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
