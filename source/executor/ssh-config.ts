// Where and as whom to connect: [remote] settings merged with ~/.ssh/config (Host aliases:
// HostName, User, Port, IdentityFile, IdentitiesOnly, HostKeyAlias, ProxyJump), like `ssh <alias>`.
// Settings in the cosmos-tui config win, as command-line options win for ssh; port 22 (the
// default) counts as "not set". `Match exec` is never evaluated (no shell runs on our behalf).
import {readFileSync, readdirSync} from 'node:fs';
import path from 'node:path';
import SSHConfig from 'ssh-config';
import {HostError} from '../domain/errors.js';

export type SshEndpoint = {
	/** The name as configured (an alias or a host name). */
	alias: string;
	hostName: string;
	port: number;
	user: string;
	/** Key files named by the cosmos-tui config or IdentityFile, `~` and %-tokens expanded. */
	identityFiles: string[];
	/** IdentitiesOnly yes: do not fall back to the default ~/.ssh/id_* files. */
	identitiesOnly: boolean;
	/** The name looked up in known_hosts (HostKeyAlias, else HostName) and port. */
	knownHostsName: string;
};

export type SshTarget = SshEndpoint & {
	/** ProxyJump hops, first hop first. */
	jumps: SshEndpoint[];
};

export type SshContext = {home: string; localUser: string};

export type TargetInput = {host: string; user: string; port: number; sshKey: string};

type Computed = Record<string, string | string[]>;

const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

export function expandHome(file: string, home: string): string {
	if (file === '~') return home;
	if (file.startsWith('~/')) return path.join(home, file.slice(2));
	return file;
}

/** ssh_config %-tokens that make sense here: %d home, %u local user, %h host, %r remote user, %p port, %%. */
function expandTokens(value: string, context: SshContext, endpoint: {hostName: string; user: string; port: number}): string {
	return value.replace(/%([%duhrp])/g, (_, token: string) => {
		if (token === '%') return '%';
		if (token === 'd') return context.home;
		if (token === 'u') return context.localUser;
		if (token === 'h') return endpoint.hostName;
		if (token === 'r') return endpoint.user;
		return String(endpoint.port);
	});
}

function parsePort(value: string | undefined, where: string): number | undefined {
	if (value === undefined) return undefined;
	const port = Number(value);
	if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new HostError(`invalid Port ${JSON.stringify(value)} for ${where} in ~/.ssh/config`);
	return port;
}

function endpoint(input: TargetInput, computed: Computed, context: SshContext): SshEndpoint & {proxyJump?: string} {
	const hostName = first(computed['hostname']) ?? input.host;
	const port = input.port !== 22 ? input.port : (parsePort(first(computed['port']), input.host) ?? 22);
	const user = input.user || first(computed['user']) || context.localUser;
	const expanded = {hostName: hostName.replaceAll('%h', input.host), user, port};
	const configured = computed['identityfile'];
	const files = input.sshKey ? [input.sshKey] : Array.isArray(configured) ? configured : configured ? [configured] : [];
	const identityFiles = files.map(file => expandHome(expandTokens(file, context, expanded), context.home));
	return {
		alias: input.host,
		hostName: expanded.hostName,
		port,
		user,
		identityFiles,
		identitiesOnly: /^yes$/i.test(first(computed['identitiesonly']) ?? ''),
		knownHostsName: first(computed['hostkeyalias']) ?? expanded.hostName,
		proxyJump: first(computed['proxyjump']),
	};
}

/** `[user@]host[:port]` (or `[ipv6]:port`) from a ProxyJump list. */
export function parseJump(spec: string): {user: string; host: string; port: number} {
	let rest = spec.trim().replace(/^ssh:\/\//, '');
	let user = '';
	const at = rest.lastIndexOf('@');
	if (at !== -1) {
		user = rest.slice(0, at);
		rest = rest.slice(at + 1);
	}
	const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
	const plain = /^([^:]+)(?::(\d+))?$/.exec(rest);
	const match = bracketed ?? plain;
	if (!match) throw new HostError(`cannot read ProxyJump host ${JSON.stringify(spec)}`);
	return {user, host: match[1]!, port: match[2] ? Number(match[2]) : 22};
}

/** Resolves the configured host (possibly an alias) into where to connect, through which jump hosts. */
export function resolveSshTarget(input: TargetInput, configText: string | null, context: SshContext): SshTarget {
	const config = configText === null ? null : SSHConfig.parse(configText);
	const compute = (host: string): Computed => config?.compute(host, {ignoreCase: true, matchExec: false}) ?? {};
	const target = endpoint(input, compute(input.host), context);
	const jumps: SshEndpoint[] = [];
	if (target.proxyJump && target.proxyJump.toLowerCase() !== 'none') {
		for (const spec of target.proxyJump.split(',')) {
			const hop = parseJump(spec);
			// A hop uses its own Host block, but its own ProxyJump is not followed (one level of jumps).
			const {proxyJump: _ignored, ...resolved} = endpoint({host: hop.host, user: hop.user, port: hop.port, sshKey: ''}, compute(hop.host), context);
			jumps.push(resolved);
		}
	}
	const {proxyJump: _used, ...rest} = target;
	return {...rest, jumps};
}

/**
 * ~/.ssh/config with its Include lines expanded in place (relative paths under ~/.ssh, `*` and
 * `?` in the last component), since the ssh-config package leaves them as plain keys. Null when
 * there is no config file.
 */
export function loadSshConfig(home: string, file = path.join(home, '.ssh', 'config')): string | null {
	const read = (target: string): string | null => {
		try {
			return readFileSync(target, 'utf8');
		} catch {
			return null;
		}
	};
	const expand = (text: string, depth: number): string =>
		text
			.split('\n')
			.map(line => {
				const match = /^\s*include\s*[=\s]\s*(.+?)\s*$/i.exec(line);
				if (!match || depth > 8) return line;
				return match[1]!
					.split(/\s+/)
					.flatMap(pattern => includedFiles(expandHome(pattern.replace(/^"|"$/g, ''), home), home))
					.map(included => expand(read(included) ?? '', depth + 1))
					.join('\n');
			})
			.join('\n');
	const text = read(file);
	return text === null ? null : expand(text, 0);
}

function includedFiles(pattern: string, home: string): string[] {
	const absolute = path.isAbsolute(pattern) ? pattern : path.join(home, '.ssh', pattern);
	const dir = path.dirname(absolute);
	const base = path.basename(absolute);
	if (!/[*?]/.test(base)) return [absolute];
	const regex = new RegExp(`^${base.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`);
	try {
		return readdirSync(dir)
			.filter(name => regex.test(name))
			.sort()
			.map(name => path.join(dir, name));
	} catch {
		return [];
	}
}
