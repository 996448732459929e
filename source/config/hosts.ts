// The GPU hosts a config names: [remote] and each [hosts.NAME], with top-level values filled in.
import {ConfigError} from '../domain/errors.js';
import {HOST_KEY_SECTIONS, type Config, type HostSection} from './schema.js';

export type HostDefinition = {name: string; config: Config; gpus: number[]};

/**
 * Every configured GPU host: the [remote] one first (named by its host value, when host is non-empty),
 * then [hosts.NAME] in file order (names that are whole numbers, e.g. [hosts.2], come first:
 * JavaScript orders such object keys before the others).
 * Each config is a full Config for that one host (its `hosts` is empty), so code that takes a Config works per host.
 */
export function configuredHosts(config: Config): HostDefinition[] {
	const hosts: HostDefinition[] = [];
	if (config.remote.host !== '') hosts.push(definition(config.remote.host, hostConfig(config, {})));
	for (const [name, section] of Object.entries(config.hosts)) {
		if (name === config.remote.host) {
			throw new ConfigError(`two GPU hosts are named "${name}": [remote] host and [hosts.${name}]`);
		}
		// An empty host means "not given", as for the other empty-means-default keys.
		// A host's GPUs are its own: a section without gpus asks that host's nvidia-smi.
		hosts.push(definition(name, hostConfig(config, {...section, host: section.host || name, gpus: section.gpus ?? []})));
	}
	return hosts;
}

const definition = (name: string, config: Config): HostDefinition => ({name, config, gpus: [...config.remote.gpus]});

/** The top-level [remote], [paths], [docker], [slurm] and [scheduler] values with the host's own keys on top. */
function hostConfig(config: Config, section: HostSection): Config {
	// Cloned so that no two host configs share a list.
	const merged = structuredClone({remote: config.remote, paths: config.paths, docker: config.docker, slurm: config.slurm, scheduler: config.scheduler});
	for (const [key, value] of Object.entries(section)) {
		if (value === undefined || !Object.hasOwn(HOST_KEY_SECTIONS, key)) continue;
		const home = HOST_KEY_SECTIONS[key as keyof typeof HOST_KEY_SECTIONS];
		(merged[home] as Record<string, unknown>)[key] = structuredClone(value);
	}
	return {...config, ...merged, hosts: {}};
}
