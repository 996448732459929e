// The cosmos-tui configuration (TOML) that points at a sandbox GPU host.
import {stringify} from 'smol-toml';
import type {SandboxHost} from './sandbox-host.js';

export function sandboxConfigToml(host: SandboxHost, dataDir: string, extra: {stall_seconds?: number} = {}): string {
	const config = {
		remote: {
			host: host.host,
			user: host.username,
			port: host.port,
			ssh_key: host.privateKeyPath,
			known_hosts: host.knownHostsPath,
		},
		paths: {remote_dir: host.remoteDir, data_dir: dataDir},
		docker: {image: host.image, command: host.dockerCommand, num_gpus: 1, extra_args: [] as string[], hf_cache: host.hfCacheDir},
		monitor: {stall_seconds: extra.stall_seconds ?? 900, kill_grace_seconds: 5},
	};
	return `# cosmos-tui config for a sandbox GPU host; valid while it runs.\n\n${stringify(config)}\n`;
}
