// OpenSSH known_hosts: parsing, host matching (plain, wildcard, negated and hashed |1| names,
// [host]:port for other ports) and the verdict on a presented host key. Pure except the file helpers.
import {createHash, createHmac} from 'node:crypto';
import {appendFile, mkdir, readFile} from 'node:fs/promises';
import path from 'node:path';

export type KnownHostEntry = {
	marker: 'cert-authority' | 'revoked' | null;
	/** The host field as written: comma-separated patterns or one |1|salt|hash. */
	hosts: string;
	keyType: string;
	/** Base64 of the public key blob, as in the file. */
	key: string;
};

export type HostKeyVerdict =
	| {status: 'known'}
	| {status: 'unknown'}
	/** The host has other keys on file: a different key of this type, or only keys of other types. */
	| {status: 'changed'; knownTypes: string[]}
	| {status: 'revoked'};

export function parseKnownHosts(text: string): KnownHostEntry[] {
	const entries: KnownHostEntry[] = [];
	for (const raw of text.split('\n')) {
		const line = raw.trim();
		if (line === '' || line.startsWith('#')) continue;
		const fields = line.split(/\s+/);
		let marker: KnownHostEntry['marker'] = null;
		if (fields[0]?.startsWith('@')) {
			const name = fields.shift()!.slice(1);
			if (name !== 'cert-authority' && name !== 'revoked') continue;
			marker = name;
		}
		const [hosts, keyType, key] = fields;
		if (!hosts || !keyType || !key) continue;
		entries.push({marker, hosts, keyType, key});
	}
	return entries;
}

/** The name known_hosts uses: `host` on port 22, `[host]:port` elsewhere. */
export function knownHostName(host: string, port: number): string {
	return port === 22 ? host : `[${host}]:${port}`;
}

/** OpenSSH's match_pattern: `*` any run, `?` one character; case-insensitive like hostnames. */
function wildcardMatch(pattern: string, name: string): boolean {
	const source = [...pattern.toLowerCase()]
		.map(ch => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
		.join('');
	return new RegExp(`^${source}$`, 's').test(name.toLowerCase());
}

function hashedMatch(field: string, name: string): boolean {
	const [, magic, salt, hash] = field.split('|');
	if (magic !== '1' || !salt || !hash) return false;
	const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
	return digest === hash;
}

/** True when the entry's host field names `name` (a knownHostName). A matching `!pattern` vetoes. */
export function hostFieldMatches(field: string, name: string): boolean {
	if (field.startsWith('|')) return hashedMatch(field, name);
	let matched = false;
	for (const pattern of field.split(',')) {
		if (pattern.startsWith('!')) {
			if (wildcardMatch(pattern.slice(1), name)) return false;
		} else if (wildcardMatch(pattern, name)) {
			matched = true;
		}
	}
	return matched;
}

/** The key type named inside a public key blob (its first SSH string). */
export function keyTypeOf(blob: Buffer): string {
	if (blob.length < 4) return 'unknown';
	const length = blob.readUInt32BE(0);
	return blob.subarray(4, 4 + length).toString('latin1');
}

/** `SHA256:<base64 without padding>`, as `ssh-keygen -l` prints it. */
export function fingerprint(blob: Buffer): string {
	return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export function checkHostKey(entries: readonly KnownHostEntry[], name: string, blob: Buffer): HostKeyVerdict {
	const key = blob.toString('base64');
	const forHost = entries.filter(entry => hostFieldMatches(entry.hosts, name));
	if (forHost.some(entry => entry.marker === 'revoked' && entry.key === key)) return {status: 'revoked'};
	const plain = forHost.filter(entry => entry.marker === null);
	if (plain.some(entry => entry.key === key)) return {status: 'known'};
	// Any other key on file means this is not a first contact: refuse rather than guess (an attacker
	// could offer a key type the file does not list yet).
	if (plain.length > 0) return {status: 'changed', knownTypes: [...new Set(plain.map(entry => entry.keyType))]};
	return {status: 'unknown'};
}

/** Host key algorithms that produce keys of these known_hosts types, so the server offers a known one first. */
export function preferredAlgorithms(knownTypes: readonly string[]): string[] {
	return knownTypes.flatMap(type => (type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type]));
}

export function knownTypesFor(entries: readonly KnownHostEntry[], name: string): string[] {
	return [...new Set(entries.filter(entry => entry.marker === null && hostFieldMatches(entry.hosts, name)).map(entry => entry.keyType))];
}

export function knownHostsLine(name: string, blob: Buffer): string {
	return `${name} ${keyTypeOf(blob)} ${blob.toString('base64')}\n`;
}

export async function readKnownHosts(files: readonly string[]): Promise<KnownHostEntry[]> {
	const entries: KnownHostEntry[] = [];
	for (const file of files) {
		const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
			if (error.code === 'ENOENT') return '';
			throw error;
		});
		entries.push(...parseKnownHosts(text));
	}
	return entries;
}

/** Appends like OpenSSH's accept-new: creates ~/.ssh (0700) and the file (0600) when missing. */
export async function appendKnownHost(file: string, name: string, blob: Buffer): Promise<void> {
	await mkdir(path.dirname(file), {recursive: true, mode: 0o700});
	const existing = await readFile(file, 'utf8').catch(() => '');
	const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
	await appendFile(file, separator + knownHostsLine(name, blob), {mode: 0o600});
}
