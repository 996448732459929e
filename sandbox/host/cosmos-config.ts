// The cosmos-tui configuration (TOML) that points at sandbox GPU hosts.
import {resolve} from 'node:path';
import {stringify} from 'smol-toml';
import {loadConfig} from '../../source/config/load-config.js';
import type {SandboxHost} from './sandbox-host.js';

export type SandboxConfigExtra = {
	stall_seconds?: number;
	lease_seconds?: number;
	/** The host is a Slurm login node (a sandbox started with startSlurmSandbox): jobs run the image through its docker shim. */
	slurm?: boolean;
};

/** One sandbox as the [remote] host. */
export function sandboxConfigToml(host: SandboxHost, dataDir: string, extra: SandboxConfigExtra = {}): string {
	const config = {
		remote: {...hostKeys(host), ...(extra.slurm ? {kind: 'slurm'} : {})},
		...(extra.slurm ? {slurm: {container: 'docker'}} : {}),
		paths: {remote_dir: host.remoteDir, data_dir: dataDir},
		docker: {image: host.image, command: host.dockerCommand, num_gpus: 1, extra_args: [] as string[], hf_cache: host.hfCacheDir},
		...common(extra),
	};
	return `# cosmos-tui config for a sandbox GPU host; valid while it runs.\n\n${stringify(config)}\n`;
}

/** Several sandboxes as [hosts.NAME] sections (they all listen on 127.0.0.1, so they need names). */
export function sandboxHostsConfigToml(hosts: Record<string, SandboxHost>, dataDir: string, extra: SandboxConfigExtra = {}): string {
	const first = Object.values(hosts)[0]!;
	const config = {
		paths: {data_dir: dataDir},
		docker: {image: first.image, command: first.dockerCommand, num_gpus: 1},
		...common(extra),
		hosts: Object.fromEntries(
			Object.entries(hosts).map(([name, host]) => [name, {...hostKeys(host), remote_dir: host.remoteDir, hf_cache: host.hfCacheDir}]),
		),
	};
	return `# cosmos-tui config for sandbox GPU hosts; valid while they run.\n\n${stringify(config)}\n`;
}

function hostKeys(host: SandboxHost) {
	return {host: host.host, user: host.username, port: host.port, ssh_key: host.privateKeyPath, known_hosts: host.knownHostsPath};
}

function common(extra: SandboxConfigExtra) {
	return {
		monitor: {stall_seconds: extra.stall_seconds ?? 900, kill_grace_seconds: 5},
		scheduler: {lease_seconds: extra.lease_seconds ?? 10, busy_memory_mib: 2048},
	};
}

/**
 * The data folder the user already has (COSMOS_DATA_DIR, else their config's, else ./data), as an
 * absolute path: `npm run sandbox` writes it into the sandbox's config so prompts and runs stay in view.
 */
export function sandboxDataDir(env: NodeJS.ProcessEnv, cwd: string): string {
	if (env['COSMOS_DATA_DIR']) return resolve(cwd, env['COSMOS_DATA_DIR']);
	try {
		return resolve(cwd, loadConfig({env, cwd}).config.paths.data_dir);
	} catch {
		// A broken user config is theirs to fix; the sandbox still starts, on the default folder.
		return resolve(cwd, 'data');
	}
}
