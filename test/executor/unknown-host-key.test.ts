// An unknown host key as data: the error carries host, key type and fingerprint, and the host
// status carries the error's key (the UI's trust dialog reads it from there).
import test from 'ava';
import {HostError} from '../../source/domain/errors.js';
import type {HostShell} from '../../source/executor/host-shell.js';
import {gatherStatus} from '../../source/executor/host-status.js';
import {HostRefusedError, UnknownHostKeyError} from '../../source/executor/ssh-connect.js';

const KEY = {host: 'gpu-1 (10.0.0.5)', keyType: 'ssh-ed25519', fingerprint: 'SHA256:q3mXZ2a1pCw5y0FJ3tqk7eV+Eo1yE2/tR6kQeG2nN0c'};

test('the error is a refusal (never retried) that carries the key', t => {
	const error = new UnknownHostKeyError(KEY);
	t.true(error instanceof HostRefusedError && error instanceof HostError);
	t.deepEqual(error.key, KEY);
	t.regex(error.message, /not known \(ssh-ed25519 SHA256:.*\).*--accept-new-host-key/);
});

/** A shell whose every command fails to run with this error, as when the connection is refused. */
const refusing = (error: Error) => ({description: 'ssh gpu-1', exec: () => Promise.reject(error)}) as unknown as HostShell;

test('a host status refused for an unknown key carries the key; another refusal carries none', async t => {
	const unknown = await gatherStatus(refusing(new UnknownHostKeyError(KEY)), 'docker', 'gpu-1');
	t.false(unknown.connected);
	t.deepEqual(unknown.unknownHostKey, KEY);
	const refused = await gatherStatus(refusing(new HostError('cannot connect to gpu-1: ECONNREFUSED')), 'docker', 'gpu-1');
	t.false(refused.connected);
	t.is(refused.unknownHostKey, undefined);
	t.regex(refused.error ?? '', /ECONNREFUSED/);
});
