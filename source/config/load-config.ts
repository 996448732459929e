// Finds, parses and validates the TOML configuration; applies COSMOS_<SECTION>_<KEY> overrides.
import {readFileSync, existsSync} from 'node:fs';
import {homedir} from 'node:os';
import path from 'node:path';
import {parse as parseToml, TomlError} from 'smol-toml';
import {ConfigError} from '../domain/errors.js';
import {DEFAULT_CONFIG, SCHEMA, type Config, type SectionName} from './schema.js';

export type LoadedConfig = {config: Config; source: string | null};

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

export function loadConfig(lookup: ConfigLookup): LoadedConfig {
	const source = findConfigFile(lookup);
	const raw = source ? readToml(source) : {};
	const config = structuredClone(DEFAULT_CONFIG);
	const where = source ?? 'config';
	for (const [section, table] of Object.entries(raw)) {
		if (!isSection(section)) {
			throw new ConfigError(`${where}: unknown section [${section}] (known: ${Object.keys(SCHEMA).join(', ')})`);
		}
		if (!isTable(table)) throw new ConfigError(`${where}: [${section}] must be a table`);
		for (const [key, value] of Object.entries(table)) setKey(config, section, key, value, where);
	}
	applyEnv(config, lookup.env);
	return {config, source};
}

function applyEnv(config: Config, env: NodeJS.ProcessEnv): void {
	for (const section of Object.keys(SCHEMA) as SectionName[]) {
		for (const [key, spec] of Object.entries(SCHEMA[section])) {
			const name = `COSMOS_${section}_${key}`.toUpperCase();
			const text = env[name];
			if (text !== undefined) setKey(config, section, key, spec.fromEnv(text), `environment ${name}`);
		}
	}
	const dataDir = env['COSMOS_DATA_DIR'];
	if (dataDir) config.paths.data_dir = dataDir;
}

function setKey(config: Config, section: SectionName, key: string, value: unknown, where: string): void {
	const specs: Record<string, {parse: (v: unknown) => {ok: true; value: unknown} | {ok: false; expected: string}}> =
		SCHEMA[section];
	const spec = specs[key];
	if (!spec) {
		throw new ConfigError(
			`${where}: unknown key [${section}] ${key} (known: ${Object.keys(specs).join(', ')})`,
		);
	}
	const result = spec.parse(value);
	if (!result.ok) {
		throw new ConfigError(`${where}: [${section}] ${key} must be ${result.expected}, got ${describe(value)}`);
	}
	(config[section] as Record<string, unknown>)[key] = result.value;
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
const describe = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));
