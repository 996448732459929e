// `cosmos-tui init`: writes the user's config file from a few values. The TOML is checked by the same
// loader as every command (written to a scratch file and loaded back) before the real file is touched.
import {existsSync} from 'node:fs';
import {mkdir, mkdtemp, rename, rm, writeFile} from 'node:fs/promises';
import {homedir, tmpdir} from 'node:os';
import path from 'node:path';
import {stringify} from 'smol-toml';
import {ConfigError} from '../domain/errors.js';
import {loadConfig} from './load-config.js';

export type InitValues = {
	host: string;
	remote_dir: string;
	user?: string;
	port?: number;
	ssh_key?: string;
	known_hosts?: string;
	image?: string;
	docker_command?: string;
};

/** The values init asks for on a terminal, in order; host and remote_dir are required. */
export const INIT_FIELDS = ['host', 'user', 'ssh_key', 'remote_dir', 'image', 'docker_command'] as const;
export const REQUIRED_INIT_FIELDS: ReadonlySet<string> = new Set(['host', 'remote_dir']);

/** Where findConfigFile looks last: $XDG_CONFIG_HOME (or ~/.config)/cosmos-tui/config.toml. */
export function userConfigPath(env: NodeJS.ProcessEnv, home = env['HOME'] || homedir()): string {
	return path.join(env['XDG_CONFIG_HOME'] || path.join(home, '.config'), 'cosmos-tui', 'config.toml');
}

/** The TOML for the values; keys not given are left out, so they keep their defaults. */
export function initConfigToml(values: InitValues): string {
	const defined = <T extends object>(table: T) => Object.fromEntries(Object.entries(table).filter(([, v]) => v !== undefined && v !== ''));
	const docker = defined({image: values.image, command: values.docker_command});
	const config = {
		remote: defined({host: values.host, user: values.user, port: values.port, ssh_key: values.ssh_key, known_hosts: values.known_hosts}),
		paths: {remote_dir: values.remote_dir},
		...(Object.keys(docker).length > 0 ? {docker} : {}),
	};
	return `# cosmos-tui config, written by cosmos-tui init (every key: README, Configuration).\n\n${stringify(config)}\n`;
}

/** Validates, then writes the file (folders created). An existing file needs force. Returns its path. */
export async function writeInitConfig(values: InitValues, options: {env: NodeJS.ProcessEnv; force: boolean}): Promise<string> {
	const file = userConfigPath(options.env);
	if (existsSync(file) && !options.force) throw new ConfigError(`${file} already exists; pass --force to replace it`);
	for (const key of REQUIRED_INIT_FIELDS) {
		if (!values[key as keyof InitValues]) throw new ConfigError(`${key} is required`);
	}
	const text = initConfigToml(values);
	const scratch = await mkdtemp(path.join(tmpdir(), 'cosmos-init-'));
	const candidate = path.join(scratch, 'config.toml');
	try {
		await writeFile(candidate, text);
		// No environment: the file must be valid on its own, not thanks to COSMOS_* overrides.
		loadConfig({flag: candidate, env: {}, cwd: scratch});
	} catch (error) {
		if (error instanceof ConfigError) throw new ConfigError(error.message.replaceAll(candidate, 'config'));
		throw error;
	} finally {
		await rm(scratch, {recursive: true, force: true});
	}
	await mkdir(path.dirname(file), {recursive: true});
	// Temp file + rename: a crash never leaves half a config behind.
	const temporary = `${file}.${process.pid}.tmp`;
	await writeFile(temporary, text, {mode: 0o600});
	await rename(temporary, file);
	return file;
}
