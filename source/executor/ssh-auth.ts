// SSH user authentication in OpenSSH's order: ssh-agent (SSH_AUTH_SOCK), then key files (the
// configured ones, else ~/.ssh/id_ed25519, id_ecdsa, id_rsa). An encrypted key asks the passphrase
// callback; without one it is skipped with a note that ends up in the error message.
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import type {AuthHandlerMiddleware, NextAuthHandler} from 'ssh2';
import {HostError} from '../domain/errors.js';

export type PassphraseCallback = (keyPath: string) => Promise<string | null>;

export type AuthPlan = {
	username: string;
	agentSocket?: string;
	/** Key files that must exist (from the config or IdentityFile). */
	keyFiles: string[];
	/** Tried only when they exist. */
	defaultKeyFiles: string[];
	passphrase?: PassphraseCallback;
};

export const DEFAULT_KEY_NAMES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

export function defaultKeyFiles(home: string): string[] {
	return DEFAULT_KEY_NAMES.map(name => path.join(home, '.ssh', name));
}

const OPENSSH_MAGIC = 'openssh-key-v1\0';

/** True for a private key file that needs a passphrase (OpenSSH or PEM format). */
export function isEncryptedKey(text: string): boolean {
	if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(text) || /Proc-Type:\s*4,ENCRYPTED/.test(text)) return true;
	const body = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(text)?.[1];
	if (!body) return false;
	const blob = Buffer.from(body.replace(/\s+/g, ''), 'base64');
	if (blob.subarray(0, OPENSSH_MAGIC.length).toString('latin1') !== OPENSSH_MAGIC) return false;
	const length = blob.readUInt32BE(OPENSSH_MAGIC.length);
	const cipher = blob.subarray(OPENSSH_MAGIC.length + 4, OPENSSH_MAGIC.length + 4 + length).toString('latin1');
	return cipher !== 'none';
}

/** What was tried, for the error message when every method failed. */
export type AuthLog = {tried: string[]; notes: string[]};

type Attempt = () => Promise<Parameters<NextAuthHandler>[0] | null>;

/** Checks the explicit key files now, so a wrong path is a clear error before any connection. */
export async function checkKeyFiles(plan: AuthPlan): Promise<void> {
	for (const file of plan.keyFiles) {
		await readFile(file).catch(() => {
			throw new HostError(`SSH key file not found or unreadable: ${file}`);
		});
	}
}

export function createAuthHandler(plan: AuthPlan, log: AuthLog): AuthHandlerMiddleware {
	const {username} = plan;
	const attempts: Attempt[] = [];
	if (plan.agentSocket) {
		const agent = plan.agentSocket;
		attempts.push(async () => {
			log.tried.push('ssh-agent');
			return {type: 'agent', username, agent};
		});
	}
	const keyAttempt = (file: string, required: boolean): Attempt => async () => {
		let text: string;
		try {
			text = await readFile(file, 'utf8');
		} catch {
			if (required) log.notes.push(`cannot read ${file}`);
			return null;
		}
		log.tried.push(file);
		if (!isEncryptedKey(text)) return {type: 'publickey', username, key: text};
		const passphrase = plan.passphrase ? await plan.passphrase(file) : null;
		if (passphrase === null) {
			log.notes.push(`${file} is encrypted and no passphrase was given (load it into ssh-agent)`);
			return null;
		}
		return {type: 'publickey', username, key: text, passphrase};
	};
	for (const file of plan.keyFiles) attempts.push(keyAttempt(file, true));
	for (const file of plan.defaultKeyFiles) if (!plan.keyFiles.includes(file)) attempts.push(keyAttempt(file, false));

	let index = 0;
	return (_methodsLeft, _partial, next) => {
		const tryNext = (): void => {
			const attempt = attempts[index++];
			if (!attempt) {
				next(false as unknown as Parameters<NextAuthHandler>[0]);
				return;
			}
			attempt().then(
				method => (method ? next(method) : tryNext()),
				() => tryNext(),
			);
		};
		tryNext();
	};
}
