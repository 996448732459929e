// Picks and builds the Executor the configuration asks for:
//   [remote] host = "local"         Docker on this machine (LocalHostShell)
//   [remote] host = anything else   Docker on that host over SSH (a name, an address or a ~/.ssh/config alias)
//   [remote] kind = "slurm"         a Slurm cluster's login node over SSH (sbatch; SlurmExecutor)
// The two Docker kinds are the same DockerExecutor; only the shell differs. Nothing connects until first use.
import {homedir, userInfo} from 'node:os';
import path from 'node:path';
import type {Config} from '../config/schema.js';
import {ConfigError} from '../domain/errors.js';
import {DockerExecutor} from './docker-executor.js';
import type {Executor, Job} from './executor.js';
import type {HostShell} from './host-shell.js';
import {LocalHostShell} from './local-host-shell.js';
import {SlurmExecutor} from './slurm/slurm-executor.js';
import {type PassphraseCallback, checkKeyFiles} from './ssh-auth.js';
import {expandHome, loadSshConfig, resolveSshTarget} from './ssh-config.js';
import {openSshClient} from './ssh-connect.js';
import {type ReconnectPolicy, SshConnection} from './ssh-connection.js';
import {SshHostShell} from './ssh-host-shell.js';

/** The [remote] host value that means "Docker on this machine". */
export const LOCAL_HOST = 'local';

export type ExecutorOptions = {
	/** Trust and remember an unknown host key (like ssh -o StrictHostKeyChecking=accept-new). */
	acceptNewHostKey: boolean;
	/** HOME, USER and SSH_AUTH_SOCK come from here; so does the local shell's environment. */
	env: NodeJS.ProcessEnv;
	/** Asked for an encrypted key's passphrase; null skips the key. */
	passphrase?: PassphraseCallback;
	/** Read-only system known_hosts files (default /etc/ssh/ssh_known_hosts). */
	globalKnownHostsFiles?: string[];
	reconnect?: ReconnectPolicy;
	/** Extra top-level spec keys (the sandbox stand-in's "cosmos_sim" block in tests and benches). */
	specExtras?: (job: Job) => Record<string, unknown>;
};

/** The Executor for the host config.remote names; `name` (default: the host value) goes into every handle. */
export async function createExecutor(config: Config, options: ExecutorOptions, name = config.remote.host.trim()): Promise<Executor> {
	const host = config.remote.host.trim();
	if (config.paths.remote_dir.trim() === '') throw new ConfigError('set [paths] remote_dir to the Cosmos-Transfer1 checkout on the GPU host');
	const shell = await createHostShell(config, options);
	const description = host === LOCAL_HOST ? 'local docker' : shell.description;
	if (config.remote.kind === 'slurm') return new SlurmExecutor({shell, config, host: name, description: `slurm ${description}`, specExtras: options.specExtras});
	return new DockerExecutor({shell, config, host: name, description, specExtras: options.specExtras});
}

/** The shell for [remote] host: LocalHostShell for "local", else an SshHostShell (not connected yet). */
export async function createHostShell(config: Config, options: ExecutorOptions): Promise<HostShell> {
	const host = config.remote.host.trim();
	if (host === '') throw new ConfigError('no GPU host configured: set [remote] host in the config file');
	if (host === LOCAL_HOST) return new LocalHostShell(options.env);

	const home = options.env['HOME'] || homedir();
	const localUser = options.env['USER'] || userInfo().username;
	const sshKey = config.remote.ssh_key ? path.resolve(expandHome(config.remote.ssh_key, home)) : '';
	const target = resolveSshTarget({host, user: config.remote.user, port: config.remote.port, sshKey}, loadSshConfig(home), {home, localUser});
	await checkKeyFiles({username: target.user, keyFiles: sshKey ? [sshKey] : [], defaultKeyFiles: []});
	const settings = {
		target,
		home,
		knownHostsFile: path.resolve(expandHome(config.remote.known_hosts || '~/.ssh/known_hosts', home)),
		globalKnownHostsFiles: options.globalKnownHostsFiles ?? ['/etc/ssh/ssh_known_hosts'],
		acceptNewHostKey: options.acceptNewHostKey,
		agentSocket: options.env['SSH_AUTH_SOCK'] || undefined,
		passphrase: options.passphrase,
		keepaliveMs: config.remote.keepalive_seconds * 1000,
		readyTimeoutMs: 20_000,
	};
	const connection = new SshConnection({
		open: () => openSshClient(settings),
		label: target.alias,
		maxChannels: config.remote.max_channels,
		reconnect: options.reconnect,
	});
	return new SshHostShell(connection, `ssh ${target.alias}`);
}
