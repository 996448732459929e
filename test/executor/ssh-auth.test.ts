// Encrypted-key detection (keys from ssh-keygen, OpenSSH and PEM formats) and the auth order.
import {readFileSync} from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {execa} from 'execa';
import {type AuthLog, createAuthHandler, isEncryptedKey} from '../../source/executor/ssh-auth.js';
import {tempDir} from '../helpers/temp.js';

async function key(dir: string, name: string, args: string[]): Promise<string> {
	const file = path.join(dir, name);
	await execa('ssh-keygen', ['-q', ...args, '-f', file]);
	return file;
}

test('isEncryptedKey for OpenSSH and PEM keys, with and without a passphrase', async t => {
	const {dir, cleanup} = await tempDir();
	t.teardown(cleanup);
	t.false(isEncryptedKey(readFileSync(await key(dir, 'plain', ['-t', 'ed25519', '-N', '']), 'utf8')));
	t.true(isEncryptedKey(readFileSync(await key(dir, 'secret', ['-t', 'ed25519', '-N', 'secret-pass']), 'utf8')));
	t.false(isEncryptedKey(readFileSync(await key(dir, 'pem', ['-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', '']), 'utf8')));
	t.true(isEncryptedKey(readFileSync(await key(dir, 'pem-secret', ['-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', 'secret-pass']), 'utf8')));
	t.true(isEncryptedKey(readFileSync(await key(dir, 'pkcs8-secret', ['-t', 'rsa', '-b', '2048', '-m', 'PKCS8', '-N', 'secret-pass']), 'utf8')));
});

test('auth order: agent, configured keys, default keys that exist; encrypted keys need the callback', async t => {
	const {dir, cleanup} = await tempDir();
	t.teardown(cleanup);
	const plain = await key(dir, 'plain', ['-t', 'ed25519', '-N', '']);
	const secret = await key(dir, 'secret', ['-t', 'ed25519', '-N', 'secret-pass']);
	const log: AuthLog = {tried: [], notes: []};
	const handler = createAuthHandler(
		{username: 'u', agentSocket: '/tmp/agent.sock', keyFiles: [secret], defaultKeyFiles: [path.join(dir, 'missing'), plain]},
		log,
	);
	const methods: string[] = [];
	await new Promise<void>(resolve => {
		const next = (method: unknown) => {
			if (method === false) return resolve();
			const {type} = method as {type: string};
			methods.push(type);
			handler([], false, next);
		};
		handler([], false, next);
	});
	t.deepEqual(methods, ['agent', 'publickey']);
	t.deepEqual(log.tried, ['ssh-agent', secret, plain]);
	t.true(log.notes.some(note => note.includes('encrypted and no passphrase')));
});
