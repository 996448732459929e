// Finds, parses and validates the TOML configuration; applies COSMOS_<SECTION>_<KEY> overrides.
import {readFileSync, existsSync} from 'node:fs';
import {homedir} from 'node:os';
import path from 'node:path';
import {parse as parseToml, TomlError} from 'smol-toml';
import {ConfigError} from '../domain/errors.js';
import {configuredHosts} from './hosts.js';
import {
	DEFAULT_CONFIG,
	HOST_KEY_SECTIONS,
	SCHEMA,
	type Config,
	type HostSection,
	type SectionName,
} from './schema.js';

/** Where a value came from, by "section.key" (absent: the default); [hosts.NAME] keys are all from the file. */
export type ValueOrigin = {kind: 'file'; file: string} | {kind: 'environment'; variable: string};
export type LoadedConfig = {config: Config; source: string | null; origins: Record<string, ValueOrigin>};

export type ConfigLookup = {
	/** --config flag */
	flag?: string;
	env: NodeJS.ProcessEnv;
	cwd: string;
	home?: string;
};

/** --config, then COSMOS_CONFIG, then ./cosmos.toml, then ~/.config/cosmos-tui/config.toml. */
export function findConfigFile(lookup: ConfigLookup): string | null {
	const explicit = lookup.flag ?? lookup.env['COSMOS_CONFIG'];
	if (explicit) {
		const file = path.resolve(lookup.cwd, expandHome(explicit, lookup.home));
		if (!existsSync(file)) throw new ConfigError(`config file not found: ${file}`);
		return file;
	}
	const home = lookup.home ?? homedir();
	const xdg = lookup.env['XDG_CONFIG_HOME'] || path.join(home, '.config');
	const candidates = [path.join(lookup.cwd, 'cosmos.toml'), path.join(xdg, 'cosmos-tui', 'config.toml')];
	return candidates.find(file => existsSync(file)) ?? null;
}

/** One place a config file is looked for, and why there. */
export type ConfigCandidate = {file: string; from: '--config' | 'COSMOS_CONFIG' | 'working folder' | 'user config'};

/**
 * Where findConfigFile looks, in order, without touching the disk: --config, else COSMOS_CONFIG
 * (either one is the only place then), else ./cosmos.toml and $XDG_CONFIG_HOME (or
 * ~/.config)/cosmos-tui/config.toml. For "where is my config?" hints.
 */
export function configCandidates(lookup: ConfigLookup): ConfigCandidate[] {
	const home = lookup.home ?? homedir();
	if (lookup.flag) return [{file: path.resolve(lookup.cwd, expandHome(lookup.flag, lookup.home)), from: '--config'}];
	const fromEnv = lookup.env['COSMOS_CONFIG'];
	if (fromEnv) return [{file: path.resolve(lookup.cwd, expandHome(fromEnv, lookup.home)), from: 'COSMOS_CONFIG'}];
	const xdg = lookup.env['XDG_CONFIG_HOME'] || path.join(home, '.config');
	return [
		{file: path.join(lookup.cwd, 'cosmos.toml'), from: 'working folder'},
		{file: path.join(xdg, 'cosmos-tui', 'config.toml'), from: 'user config'},
	];
}

export function loadConfig(lookup: ConfigLookup): LoadedConfig {
	const source = findConfigFile(lookup);
	const raw = source ? readToml(source) : {};
	const config = structuredClone(DEFAULT_CONFIG);
	const where = source ?? 'config';
	const origins: Record<string, ValueOrigin> = {};
	for (const [section, table] of Object.entries(raw)) {
		if (section === 'hosts') {
			config.hosts = readHosts(table, where);
			continue;
		}
		if (!isSection(section)) {
			const known = [...Object.keys(SCHEMA), 'hosts'].join(', ');
			throw new ConfigError(`${where}: unknown section [${section}] (known: ${known})`);
		}
		if (!isTable(table)) throw new ConfigError(`${where}: [${section}] must be a table`);
		for (const [key, value] of Object.entries(table)) {
			setKey(config, section, key, value, where);
			origins[`${section}.${key}`] = {kind: 'file', file: where};
		}
	}
	applyEnv(config, lookup.env, origins);
	try {
		// Fails early on clashing host names (COSMOS_REMOTE_HOST may cause one, hence after applyEnv).
		configuredHosts(config);
	} catch (error) {
		if (error instanceof ConfigError) throw new ConfigError(`${where}: ${error.message}`);
		throw error;
	}
	return {config, source, origins};
}

const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

/** [hosts.NAME] tables: each key checked by the KeySpec of its home section ([remote], [paths] or [docker]). */
function readHosts(table: unknown, where: string): Record<string, HostSection> {
	if (!isTable(table)) throw new ConfigError(`${where}: [hosts] must hold [hosts.NAME] sections`);
	const hosts: Record<string, HostSection> = {};
	for (const [name, host] of Object.entries(table)) {
		// JSON quoting keeps a hostile name (newlines, brackets) on one readable line.
		if (!HOST_NAME.test(name)) {
			throw new ConfigError(
				`${where}: bad host name [hosts.${JSON.stringify(name)}]: use 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit`,
			);
		}
		const label = `hosts.${name}`;
		if (!isTable(host)) throw new ConfigError(`${where}: [${label}] must be a table`);
		const section: Record<string, unknown> = {};
		for (const [key, value] of Object.entries(host)) {
			if (!Object.hasOwn(HOST_KEY_SECTIONS, key)) {
				throw new ConfigError(
					`${where}: unknown key [${label}] ${keyText(key)} (known: ${Object.keys(HOST_KEY_SECTIONS).join(', ')})`,
				);
			}
			const home = HOST_KEY_SECTIONS[key as keyof typeof HOST_KEY_SECTIONS];
			section[key] = parseKey(home, key, value, where, label);
		}
		hosts[name] = section as HostSection;
	}
	return hosts;
}

function applyEnv(config: Config, env: NodeJS.ProcessEnv, origins: Record<string, ValueOrigin>): void {
	for (const section of Object.keys(SCHEMA) as SectionName[]) {
		for (const [key, spec] of Object.entries(SCHEMA[section])) {
			const name = `COSMOS_${section}_${key}`.toUpperCase();
			const text = env[name];
			if (text === undefined) continue;
			setKey(config, section, key, spec.fromEnv(text), `environment ${name}`);
			origins[`${section}.${key}`] = {kind: 'environment', variable: name};
		}
	}
	const dataDir = env['COSMOS_DATA_DIR'];
	if (dataDir) {
		config.paths.data_dir = dataDir;
		origins['paths.data_dir'] = {kind: 'environment', variable: 'COSMOS_DATA_DIR'};
	}
}

function setKey(config: Config, section: SectionName, key: string, value: unknown, where: string): void {
	(config[section] as Record<string, unknown>)[key] = parseKey(section, key, value, where, section);
}

/** Checks one value by SCHEMA[section][key]; `label` names the section the user wrote it in. */
function parseKey(section: SectionName, key: string, value: unknown, where: string, label: string): unknown {
	const specs: Record<string, {parse: (v: unknown) => {ok: true; value: unknown} | {ok: false; expected: string}}> =
		SCHEMA[section];
	// hasOwn: keys such as "constructor" must not find Object.prototype's members.
	const spec = Object.hasOwn(specs, key) ? specs[key] : undefined;
	if (!spec) {
		throw new ConfigError(`${where}: unknown key [${label}] ${keyText(key)} (known: ${Object.keys(specs).join(', ')})`);
	}
	const result = spec.parse(value);
	if (!result.ok) {
		throw new ConfigError(`${where}: [${label}] ${key} must be ${result.expected}, got ${describe(value)}`);
	}
	return result.value;
}

function readToml(file: string): Record<string, unknown> {
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (error) {
		throw new ConfigError(`cannot read config file ${file}: ${(error as Error).message}`);
	}
	try {
		return parseToml(text);
	} catch (error) {
		if (error instanceof TomlError) {
			const first = error.message.split('\n')[0] ?? 'invalid TOML';
			throw new ConfigError(`invalid TOML in ${file} at line ${error.line}, column ${error.column}: ${first}`);
		}
		throw error;
	}
}

export function expandHome(p: string, home = homedir()): string {
	return p === '~' ? home : p.startsWith('~/') ? path.join(home, p.slice(2)) : p;
}

const isSection = (name: string): name is SectionName => Object.hasOwn(SCHEMA, name);
const isTable = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);
// JSON for lists too: String([1, 1]) would read "1,1".
const describe = (v: unknown) => (typeof v === 'string' || Array.isArray(v) ? JSON.stringify(v) : String(v));
// A quoted TOML key may hold anything (a newline, brackets); quote it so the message stays one readable line.
const keyText = (key: string) => (/^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key));
