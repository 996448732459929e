// `cosmos-tui config show`: every effective value and where it came from (the file, an environment
// variable, a command-line flag, or the default), [hosts.NAME] sections included. Pure: from a loaded config.
import type {LoadedConfig} from './load-config.js';
import {SCHEMA, type SectionName} from './schema.js';

export type ConfigValueSource =
	| {from: 'file'; file: string}
	| {from: 'environment'; variable: string}
	| {from: 'flag'; flag: string}
	| {from: 'default'};

/** One value: section is "remote", "docker", … or "hosts.NAME". */
export type ConfigValue = {section: string; key: string; value: unknown} & ConfigValueSource;

export type ConfigReport = {file: string | null; values: ConfigValue[]};

/** --data-dir wins over the config's paths.data_dir, as it does for every command. */
export type ConfigFlags = {dataDir?: string};

export function configReport(loaded: LoadedConfig, flags: ConfigFlags = {}): ConfigReport {
	const values: ConfigValue[] = [];
	for (const section of Object.keys(SCHEMA) as SectionName[]) {
		const table = loaded.config[section] as Record<string, unknown>;
		for (const key of Object.keys(SCHEMA[section])) {
			values.push({section, key, value: table[key], ...sourceOf(loaded, section, key)});
		}
	}
	if (flags.dataDir !== undefined) {
		const index = values.findIndex(value => value.section === 'paths' && value.key === 'data_dir');
		values[index] = {section: 'paths', key: 'data_dir', value: flags.dataDir, from: 'flag', flag: '--data-dir'};
	}
	for (const [name, host] of Object.entries(loaded.config.hosts)) {
		for (const [key, value] of Object.entries(host)) {
			// Only the file writes [hosts.NAME]; keys it leaves out come from [remote], [paths] and [docker].
			if (value !== undefined) values.push({section: `hosts.${name}`, key, value, from: 'file', file: loaded.source ?? ''});
		}
	}
	return {file: loaded.source, values};
}

function sourceOf(loaded: LoadedConfig, section: string, key: string): ConfigValueSource {
	const origin = loaded.origins[`${section}.${key}`];
	if (origin === undefined) return {from: 'default'};
	return origin.kind === 'file' ? {from: 'file', file: origin.file} : {from: 'environment', variable: origin.variable};
}

/** TOML-like lines, a section header before each group, the source as a trailing comment. */
export function formatConfigReport(report: ConfigReport, lookedIn: readonly string[] = []): string[] {
	const none = lookedIn.length > 0 ? `none (looked for ${lookedIn.join(', ')})` : 'none';
	const lines = [`# config file: ${report.file ?? none}`];
	const width = Math.max(...report.values.map(value => `${value.key} = ${valueText(value.value)}`.length));
	let section = '';
	for (const value of report.values) {
		if (value.section !== section) {
			section = value.section;
			lines.push('', `[${section}]`);
		}
		lines.push(`${`${value.key} = ${valueText(value.value)}`.padEnd(Math.min(width, 48))}  # ${sourceText(value)}`);
	}
	return lines;
}

// JSON text of strings, numbers and booleans is valid TOML for them as well.
const valueText = (value: unknown): string => (Array.isArray(value) ? `[${value.map(valueText).join(', ')}]` : JSON.stringify(value) ?? '""');

function sourceText(value: ConfigValue): string {
	switch (value.from) {
		case 'file': return `file ${value.file}`;
		case 'environment': return `environment ${value.variable}`;
		case 'flag': return `flag ${value.flag}`;
		case 'default': return 'default';
	}
}
