// `cosmos-tui doctor`: is everything in place to run? The config file, then for each configured host
// the chain SSH port -> host key -> login -> docker -> image -> checkout -> checkpoints -> HF cache -> GPUs.
// A link that fails ends that host's chain (the later checks could only repeat its failure).
import {homedir, userInfo} from 'node:os';
import path from 'node:path';
import {configuredHosts, type HostDefinition} from '../config/hosts.js';
import {findConfigFile, loadConfig, type ConfigLookup} from '../config/load-config.js';
import {UsageError} from '../domain/errors.js';
import {createHostShell, LOCAL_HOST, type ExecutorOptions} from '../executor/create-executor.js';
import {type CheckResult, type Outcome, failed, pass, runHostChecks, tcpReachable} from '../executor/host-checks.js';
import {expandHome, loadSshConfig, resolveSshTarget} from '../executor/ssh-config.js';
import {UnknownHostKeyError} from '../executor/ssh-connect.js';

export type DoctorOptions = {
	lookup: ConfigLookup;
	/** Only this configured host. */
	host?: string;
	executor: ExecutorOptions;
	/** How the user runs us, for the fixes: cosmos-tui, npx cosmos-tui, … */
	invocation?: string;
};

export async function runDoctor(options: DoctorOptions): Promise<CheckResult[]> {
	const {lookup} = options;
	const me = options.invocation ?? 'cosmos-tui';
	const config = checkConfig(lookup, me);
	if (!config.ok) return [config.result];
	const hosts = configuredHosts(config.value);
	const chosen = options.host === undefined ? hosts : hosts.filter(host => host.name === options.host);
	if (options.host !== undefined && chosen.length === 0) {
		throw new UsageError(`--host ${options.host} is not configured (hosts: ${hosts.map(host => host.name).join(', ') || 'none'})`);
	}
	const results: CheckResult[] = [config.result];
	if (hosts.length === 0) {
		results.push({host: null, check: 'hosts', ok: false, detail: 'no GPU host configured', fix: `set [remote] host (or add [hosts.NAME] sections), or run ${me} init`});
	}
	// One host after the other: their lines stay together, and one slow host is easy to spot.
	for (const host of chosen) {
		for (const outcome of await checkHost(host, options.executor, me)) results.push({host: host.name, ...outcome});
	}
	return results;
}

type ConfigCheck = {ok: true; value: ReturnType<typeof loadConfig>['config']; result: CheckResult} | {ok: false; result: CheckResult};

function checkConfig(lookup: ConfigLookup, me: string): ConfigCheck {
	const result = (ok: boolean, detail: string, fix = ''): CheckResult => ({host: null, check: 'config', ok, detail, fix});
	try {
		const file = findConfigFile(lookup);
		if (file === null) return {ok: false, result: result(false, 'no config file (./cosmos.toml or ~/.config/cosmos-tui/config.toml)', `run ${me} init, or pass --config FILE`)};
		const {config} = loadConfig(lookup);
		return {ok: true, value: config, result: result(true, file)};
	} catch (error) {
		return {ok: false, result: result(false, (error as Error).message, 'correct the config file (keys and types are in the README, Configuration)')};
	}
}

async function checkHost(host: HostDefinition, executor: ExecutorOptions, me: string): Promise<Outcome[]> {
	const results: Outcome[] = [];
	const remote = host.config.remote;
	if (remote.host.trim() !== LOCAL_HOST) {
		const reach = await checkReachable(host, executor.env);
		results.push(reach);
		if (!reach.ok) return results;
	}
	let shell;
	try {
		shell = await createHostShell(host.config, executor);
		await shell.exec(['true']);
	} catch (error) {
		await shell?.close().catch(() => undefined);
		return [...results, ...loginFailure(error as Error, me)];
	}
	try {
		if (remote.host.trim() !== LOCAL_HOST) {
			results.push(pass('host key', 'known'), pass('login', shell.description));
		}
		results.push(...await runHostChecks(shell, host.config));
	} catch (error) {
		results.push(failed('host', (error as Error).message, `check the connection and run ${me} doctor again`));
	} finally {
		await shell.close().catch(() => undefined);
	}
	return results;
}

/** TCP to the first hop (the host itself, or its first ProxyJump). */
async function checkReachable(host: HostDefinition, env: NodeJS.ProcessEnv): Promise<Outcome> {
	const home = env['HOME'] || homedir();
	const {remote} = host.config;
	const sshKey = remote.ssh_key ? path.resolve(expandHome(remote.ssh_key, home)) : '';
	try {
		const target = resolveSshTarget({host: remote.host.trim(), user: remote.user, port: remote.port, sshKey}, loadSshConfig(home), {home, localUser: env['USER'] || userInfo().username});
		const hop = target.jumps[0] ?? target;
		const where = `${hop.hostName}:${hop.port}`;
		const error = await tcpReachable(hop.hostName, hop.port);
		return error === null
			? pass('ssh reachable', where)
			: failed('ssh reachable', `${where}: ${error}`, 'start sshd on the host, or correct [remote] host and port (or the ~/.ssh/config alias)');
	} catch (error) {
		return failed('ssh reachable', (error as Error).message, 'correct [remote] host, or its ~/.ssh/config entry');
	}
}

/** The first connection failed: a refused host key, or the login itself. */
function loginFailure(error: Error, me: string): Outcome[] {
	const {message} = error;
	if (error instanceof UnknownHostKeyError) {
		const {keyType, fingerprint} = error.key;
		return [failed('host key', `unknown key ${keyType} ${fingerprint}`, `check the fingerprint with the host's admin, then run ${me} doctor --accept-new-host-key to trust and remember it`)];
	}
	if (/host key/i.test(message)) return [failed('host key', message, 'fix known_hosts as the message says')];
	const fix = 'check [remote] user and ssh_key (or ssh-agent); the key must be in the login user\'s authorized_keys';
	// Authentication starts only after the host key was accepted.
	if (/^SSH login/.test(message)) return [pass('host key', 'known'), failed('login', message, fix)];
	return [failed('login', message, fix)];
}
