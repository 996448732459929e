// remote_dir and the Hugging Face cache of a host, with `~` resolved against the login user's home,
// checked once per executor: remote_dir must be a folder there (on a cluster: on storage the compute
// nodes share, since the job reads its spec and inputs and writes its outputs there).
import type {Config} from '../config/schema.js';
import {ConfigError, HostError} from '../domain/errors.js';
import type {HostShell} from './host-shell.js';
import {resolveHomePath} from './remote-layout.js';

export type HostPaths = {remoteDir: string; hfCacheDir: string};

export async function resolveHostPaths(shell: HostShell, config: Config, description: string): Promise<HostPaths> {
	const home = await shell.home();
	const remoteDir = resolveHomePath(config.paths.remote_dir, home);
	const hfCacheDir = resolveHomePath(config.docker.hf_cache || '~/.cache/huggingface', home);
	if (!remoteDir.startsWith('/')) throw new ConfigError(`[paths] remote_dir must be an absolute path or start with ~/ (got ${JSON.stringify(config.paths.remote_dir)})`);
	const stat = await shell.stat(remoteDir);
	if (stat?.type !== 'directory') {
		const where = config.remote.kind === 'slurm' ? " on the cluster's shared storage" : '';
		throw new HostError(`remote_dir ${remoteDir} is not a folder on ${description}; set [paths] remote_dir to the Cosmos-Transfer1 checkout${where}`);
	}
	// A container engine would create a missing mount source as root; make it as the login user instead.
	await shell.mkdirp(hfCacheDir).catch(() => undefined);
	return {remoteDir, hfCacheDir};
}

/** One resolution per executor; a failed one is tried again on the next call. */
export function cachedHostPaths(resolve: () => Promise<HostPaths>): () => Promise<HostPaths> {
	let paths: Promise<HostPaths> | null = null;
	return () => {
		if (paths) return paths;
		const made = resolve();
		paths = made;
		made.catch(() => {
			if (paths === made) paths = null;
		});
		return made;
	};
}
