// doctor and init: setting up and checking a GPU host.
import {createInterface} from 'node:readline/promises';
import {INIT_FIELDS, REQUIRED_INIT_FIELDS, writeInitConfig, type InitValues} from '../../config/init-config.js';
import {UsageError, UserError} from '../../domain/errors.js';
import {formatResults} from '../../executor/host-checks.js';
import {runDoctor} from '../../service/doctor.js';
import type {Command, Context} from '../command.js';
import {kebab, type FlagName} from '../flags.js';
import {askPassphrase} from '../passphrase.js';

export const doctorCommand: Command = {
	name: 'doctor',
	args: '',
	summary: 'check the config and each GPU host (ssh, host key, docker, image, checkout, checkpoints, GPUs), with a fix for each problem',
	flags: ['json', 'host', 'acceptNewHostKey'],
	minArgs: 0,
	maxArgs: 0,
	run: context => doctor(context, {configFile: context.flags.config, host: context.flags.host, json: Boolean(context.flags.json)}),
};

export const initCommand: Command = {
	name: 'init',
	args: '',
	summary: 'write ~/.config/cosmos-tui/config.toml (asks for missing values on a terminal), then run doctor',
	flags: ['host', 'user', 'port', 'sshKey', 'knownHosts', 'remoteDir', 'image', 'dockerCommand', 'force', 'acceptNewHostKey'],
	minArgs: 0,
	maxArgs: 0,
	async run(context) {
		const values = await initValues(context);
		const file = await writeInitConfig(values, {env: context.env, force: Boolean(context.flags.force)});
		context.out.info(`wrote ${file}`);
		// init's --host is the host it wrote, not a choice among several.
		return doctor(context, {configFile: file, json: false});
	},
};

type DoctorRequest = {configFile: string | undefined; host?: string; json: boolean};

async function doctor(context: Context, {configFile, host, json}: DoctorRequest): Promise<number> {
	const results = await runDoctor({
		lookup: {flag: configFile, env: context.env, cwd: context.cwd},
		host,
		invocation: context.invocation,
		executor: {
			acceptNewHostKey: Boolean(context.flags.acceptNewHostKey),
			env: context.env,
			passphrase: context.interactive ? askPassphrase : undefined,
		},
	});
	const {out} = context;
	if (json) out.json(results);
	else for (const line of formatResults(results)) out.line(line.replace(/^✓/, out.paint('green', '✓')).replace(/^✗/, out.paint('red', '✗')));
	return results.every(result => result.ok) ? 0 : 1;
}

const FIELD_FLAGS: Record<(typeof INIT_FIELDS)[number], FlagName> = {
	host: 'host', user: 'user', ssh_key: 'sshKey', remote_dir: 'remoteDir', image: 'image', docker_command: 'dockerCommand',
};

/** The flags, and on a terminal the answers for the ones left out (empty: the default). */
async function initValues(context: Context): Promise<InitValues> {
	const {flags} = context;
	const values: Record<string, string | undefined> = {};
	for (const field of INIT_FIELDS) values[field] = flags[FIELD_FLAGS[field]] as string | undefined;
	const missing = INIT_FIELDS.filter(field => values[field] === undefined);
	if (context.interactive && missing.length > 0) {
		const rl = createInterface({input: process.stdin, output: process.stderr});
		try {
			for (const field of missing) {
				const required = REQUIRED_INIT_FIELDS.has(field);
				// ctrl-d or ctrl-c at a question rejects: stop with one line, write nothing.
				const answer = (await rl.question(`${field.replace('_', ' ')}${required ? '' : ' (empty: default)'}: `).catch(() => {
					throw new UserError('init cancelled; nothing was written');
				})).trim();
				values[field] = answer === '' ? undefined : answer;
			}
		} finally {
			rl.close();
		}
	}
	for (const field of REQUIRED_INIT_FIELDS) {
		const flag = FIELD_FLAGS[field as (typeof INIT_FIELDS)[number]];
		if (!values[field]) throw new UsageError(`init needs ${kebab(flag)} (or run it in a terminal to be asked)`);
	}
	let port: number | undefined;
	if (flags.port !== undefined) {
		port = Number(flags.port);
		if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new UsageError(`--port must be a whole number from 1 to 65535, got "${flags.port}"`);
	}
	return {
		host: values['host']!,
		remote_dir: values['remote_dir']!,
		user: values['user'],
		ssh_key: values['ssh_key'],
		image: values['image'],
		docker_command: values['docker_command'],
		port,
		known_hosts: flags.knownHosts,
	};
}
