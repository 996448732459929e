// Opens one SSH connection: host key checked against known_hosts (accept-new only when asked),
// user authentication through the agent and key files, ProxyJump hops through forwarded channels.
import type {Client, ClientChannel, ServerHostKeyAlgorithm} from 'ssh2';
import {HostError} from '../domain/errors.js';
import {
	type KnownHostEntry,
	appendKnownHost,
	checkHostKey,
	fingerprint,
	keyTypeOf,
	knownHostName,
	knownTypesFor,
	preferredAlgorithms,
	readKnownHosts,
} from './known-hosts.js';
import {type AuthLog, type PassphraseCallback, createAuthHandler, defaultKeyFiles} from './ssh-auth.js';
import type {SshEndpoint, SshTarget} from './ssh-config.js';

export type ConnectSettings = {
	target: SshTarget;
	home: string;
	/** Read and appended to (accept-new). */
	knownHostsFile: string;
	/** Read only, e.g. /etc/ssh/ssh_known_hosts. */
	globalKnownHostsFiles: string[];
	acceptNewHostKey: boolean;
	agentSocket?: string;
	passphrase?: PassphraseCallback;
	keepaliveMs: number;
	readyTimeoutMs: number;
};

/** ssh2's host key algorithms, in its own default order. */
const DEFAULT_HOST_KEY_ALGORITHMS: ServerHostKeyAlgorithm[] = [
	'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa',
];
const isAlgorithm = (name: string): name is ServerHostKeyAlgorithm => (DEFAULT_HOST_KEY_ALGORITHMS as string[]).includes(name);

/** Errors that say the host refused us for good; retrying cannot help. */
export class HostRefusedError extends HostError {}

/** A host key met for the first time: what the user checks before trusting it. */
export type UnknownHostKey = {
	/** The host as the user knows it: "alias (address)" or the address. */
	host: string;
	keyType: string;
	/** SHA256:..., as ssh-keygen -l prints it. */
	fingerprint: string;
};

/** The host's key is not in known_hosts (and accept-new was not asked). */
export class UnknownHostKeyError extends HostRefusedError {
	constructor(readonly key: UnknownHostKey) {
		super(unknownHostKeyMessage(key));
	}
}

export function unknownHostKeyMessage(key: UnknownHostKey): string {
	return `the host key of ${key.host} is not known (${key.keyType} ${key.fingerprint}); check it and run again with --accept-new-host-key to trust and remember it`;
}

type Verdict = {message: string} | {unknown: UnknownHostKey} | {accept: Buffer} | null;

function describe(endpoint: SshEndpoint): string {
	return endpoint.alias === endpoint.hostName ? endpoint.hostName : `${endpoint.alias} (${endpoint.hostName})`;
}

function hostKeyCheck(settings: ConnectSettings, entries: KnownHostEntry[], endpoint: SshEndpoint, name: string, verdict: {value: Verdict}) {
	return (blob: Buffer): boolean => {
		const result = checkHostKey(entries, name, blob);
		const shown = `${keyTypeOf(blob)} ${fingerprint(blob)}`;
		if (result.status === 'known') return true;
		if (result.status === 'unknown' && settings.acceptNewHostKey) {
			verdict.value = {accept: blob};
			return true;
		}
		if (result.status === 'unknown') {
			verdict.value = {unknown: {host: describe(endpoint), keyType: keyTypeOf(blob), fingerprint: fingerprint(blob)}};
		} else if (result.status === 'revoked') {
			verdict.value = {message: `the host key of ${describe(endpoint)} is marked @revoked in known_hosts (${shown}); refusing to connect`};
		} else {
			verdict.value = {
				message: `WARNING: the host key of ${describe(endpoint)} has CHANGED (now ${shown}; known_hosts has ${result.knownTypes.join(', ')} for ${name}). Someone may be intercepting the connection, or the host was reinstalled. Refusing to connect; if the change is expected, remove the old key with: ssh-keygen -R '${name}' -f ${settings.knownHostsFile}`,
			};
		}
		return false;
	};
}

async function connectEndpoint(settings: ConnectSettings, endpoint: SshEndpoint, sock: ClientChannel | undefined): Promise<Client> {
	const name = knownHostName(endpoint.knownHostsName, endpoint.port);
	const entries = await readKnownHosts([settings.knownHostsFile, ...settings.globalKnownHostsFiles]);
	const known = preferredAlgorithms(knownTypesFor(entries, name)).filter(isAlgorithm);
	const verdict: {value: Verdict} = {value: null};
	const authLog: AuthLog = {tried: [], notes: []};
	// Loaded on first use, so commands that never connect do not pay for loading ssh2.
	const {NodeSSH} = await import('node-ssh');
	const ssh = new NodeSSH();
	const authHandler = createAuthHandler(
		{
			username: endpoint.user,
			agentSocket: settings.agentSocket,
			keyFiles: endpoint.identityFiles,
			defaultKeyFiles: endpoint.identitiesOnly && endpoint.identityFiles.length > 0 ? [] : defaultKeyFiles(settings.home),
			passphrase: settings.passphrase,
		},
		authLog,
	);
	try {
		await ssh.connect({
			...(sock ? {sock} : {host: endpoint.hostName, port: endpoint.port}),
			username: endpoint.user,
			authHandler,
			hostVerifier: hostKeyCheck(settings, entries, endpoint, name, verdict),
			algorithms: {serverHostKey: [...new Set([...known, ...DEFAULT_HOST_KEY_ALGORITHMS])]},
			keepaliveInterval: settings.keepaliveMs,
			keepaliveCountMax: 3,
			readyTimeout: settings.readyTimeoutMs,
		});
	} catch (error) {
		ssh.connection?.end();
		if (verdict.value && 'unknown' in verdict.value) throw new UnknownHostKeyError(verdict.value.unknown);
		if (verdict.value && 'message' in verdict.value) throw new HostRefusedError(verdict.value.message);
		const err = error as Error & {level?: string; code?: string};
		if (err.level === 'client-authentication') {
			const tried = authLog.tried.length > 0 ? authLog.tried.join(', ') : 'no key or agent';
			const notes = authLog.notes.length > 0 ? `; ${authLog.notes.join('; ')}` : '';
			throw new HostRefusedError(`SSH login to ${endpoint.user}@${describe(endpoint)} failed (tried ${tried}${notes})`);
		}
		throw error;
	}
	const client = ssh.connection!;
	// node-ssh drops its error listener once connected; without one a later socket error would
	// crash the process. The connection's owner watches 'close' (and its own 'error' listener).
	client.on('error', () => undefined);
	if (verdict.value && 'accept' in verdict.value) await appendKnownHost(settings.knownHostsFile, name, verdict.value.accept);
	return client;
}

function forward(client: Client, host: string, port: number): Promise<ClientChannel> {
	return new Promise((resolve, reject) => {
		client.forwardOut('127.0.0.1', 0, host, port, (error, channel) => (error ? reject(error) : resolve(channel)));
	});
}

/**
 * Connects to the target through its jump hosts. Returns the final client; closing it also
 * closes the hops (they end when their forwarded channel does).
 */
export async function openSshClient(settings: ConnectSettings): Promise<Client> {
	const {target} = settings;
	let previous: Client | undefined;
	const hops: Client[] = [];
	try {
		for (const endpoint of [...target.jumps, target]) {
			const sock = previous ? await forward(previous, endpoint.hostName, endpoint.port) : undefined;
			previous = await connectEndpoint(settings, endpoint, sock);
			hops.push(previous);
		}
	} catch (error) {
		for (const hop of hops) hop.end();
		throw error;
	}
	const client = previous!;
	// A jump host connection ends with the final one.
	for (const hop of hops.slice(0, -1)) client.once('close', () => hop.end());
	return client;
}
