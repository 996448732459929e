// known_hosts parsing and matching, checked against files written by OpenSSH's own ssh-keygen.
import {createHmac, randomBytes} from 'node:crypto';
import {readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {execa} from 'execa';
import {
	appendKnownHost,
	checkHostKey,
	fingerprint,
	hostFieldMatches,
	keyTypeOf,
	knownHostName,
	knownTypesFor,
	parseKnownHosts,
	preferredAlgorithms,
} from '../../source/executor/known-hosts.js';
import {tempDir} from '../helpers/temp.js';

async function newKey(dir: string, type = 'ed25519'): Promise<{line: string; blob: Buffer; file: string}> {
	const file = path.join(dir, `key-${randomBytes(4).toString('hex')}`);
	await execa('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', file]);
	const line = readFileSync(`${file}.pub`, 'utf8').trim();
	return {line, blob: Buffer.from(line.split(' ')[1]!, 'base64'), file: `${file}.pub`};
}

const hashed = (name: string, salt = randomBytes(20)) =>
	`|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;

test('knownHostName: plain on port 22, [host]:port elsewhere', t => {
	t.is(knownHostName('gpu.example.com', 22), 'gpu.example.com');
	t.is(knownHostName('10.0.0.5', 2222), '[10.0.0.5]:2222');
});

test('parse: comments, blank lines, markers, unknown markers skipped', t => {
	const entries = parseKnownHosts(['# comment', '', 'a,b ssh-ed25519 AAAA', '@revoked * ssh-rsa BBBB', '@bogus x ssh-rsa CCCC', 'broken-line'].join('\n'));
	t.deepEqual(entries, [
		{marker: null, hosts: 'a,b', keyType: 'ssh-ed25519', key: 'AAAA'},
		{marker: 'revoked', hosts: '*', keyType: 'ssh-rsa', key: 'BBBB'},
	]);
});

test('host patterns: lists, wildcards, negation, brackets, case', t => {
	t.true(hostFieldMatches('a,gpu-1,b', 'gpu-1'));
	t.true(hostFieldMatches('GPU-1', 'gpu-1'));
	t.true(hostFieldMatches('gpu-*', 'gpu-12'));
	t.true(hostFieldMatches('gpu-?', 'gpu-1'));
	t.false(hostFieldMatches('gpu-?', 'gpu-12'));
	t.false(hostFieldMatches('gpu-*,!gpu-3', 'gpu-3'));
	t.true(hostFieldMatches('[10.0.0.5]:2222', '[10.0.0.5]:2222'));
	t.false(hostFieldMatches('10.0.0.5', '[10.0.0.5]:2222'), 'a port-22 entry does not cover other ports');
	t.true(hostFieldMatches('[10.0.0.*]:2222', '[10.0.0.5]:2222'));
	t.false(hostFieldMatches('a.b', 'aXb'), 'dots are literal');
});

test('hashed |1| entries match only their own name', t => {
	t.true(hostFieldMatches(hashed('[10.0.0.5]:2222'), '[10.0.0.5]:2222'));
	t.false(hostFieldMatches(hashed('[10.0.0.5]:2222'), '10.0.0.5'));
	t.false(hostFieldMatches('|1|bad', 'x'));
});

test('hashed entries written by ssh-keygen -H are found', async t => {
	const {dir, cleanup} = await tempDir();
	t.teardown(cleanup);
	const key = await newKey(dir);
	const file = path.join(dir, 'known_hosts');
	writeFileSync(file, `[gpu.example.com]:2200 ${key.line}\ngpu.example.com ${key.line}\n`);
	await execa('ssh-keygen', ['-H', '-f', file]);
	const entries = parseKnownHosts(readFileSync(file, 'utf8'));
	t.true(entries.every(entry => entry.hosts.startsWith('|1|')));
	t.deepEqual(checkHostKey(entries, '[gpu.example.com]:2200', key.blob), {status: 'known'});
	t.deepEqual(checkHostKey(entries, 'gpu.example.com', key.blob), {status: 'known'});
	t.deepEqual(checkHostKey(entries, '[gpu.example.com]:2201', key.blob), {status: 'unknown'});
});

test('verdicts: known, unknown, changed (same or other type), revoked', async t => {
	const {dir, cleanup} = await tempDir();
	t.teardown(cleanup);
	const [key, other, rsa] = [await newKey(dir), await newKey(dir), await newKey(dir, 'rsa')];
	const text = (lines: string[]) => parseKnownHosts(lines.join('\n'));
	t.deepEqual(checkHostKey(text([`gpu ${key.line}`]), 'gpu', key.blob), {status: 'known'});
	t.deepEqual(checkHostKey(text([`other ${key.line}`]), 'gpu', key.blob), {status: 'unknown'});
	t.deepEqual(checkHostKey(text([`gpu ${other.line}`]), 'gpu', key.blob), {status: 'changed', knownTypes: ['ssh-ed25519']});
	t.deepEqual(checkHostKey(text([`gpu ${rsa.line}`]), 'gpu', key.blob), {status: 'changed', knownTypes: ['ssh-rsa']});
	t.deepEqual(checkHostKey(text([`gpu ${key.line}`, `@revoked * ${key.line}`]), 'gpu', key.blob), {status: 'revoked'});
	t.deepEqual(checkHostKey(text([`@cert-authority gpu ${other.line}`]), 'gpu', key.blob), {status: 'unknown'}, 'CA lines are not host keys');
	t.deepEqual(knownTypesFor(text([`gpu ${rsa.line}`, `gpu ${key.line}`]), 'gpu'), ['ssh-rsa', 'ssh-ed25519']);
	t.deepEqual(preferredAlgorithms(['ssh-rsa', 'ssh-ed25519']), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519']);
});

test('key type and SHA256 fingerprint match ssh-keygen -l', async t => {
	const {dir, cleanup} = await tempDir();
	t.teardown(cleanup);
	const key = await newKey(dir);
	t.is(keyTypeOf(key.blob), 'ssh-ed25519');
	const listed = await execa('ssh-keygen', ['-l', '-E', 'sha256', '-f', key.file]);
	t.is(fingerprint(key.blob), listed.stdout.split(' ')[1]!);
});

test('appendKnownHost writes a line OpenSSH reads, creating the folder and file', async t => {
	const {dir, cleanup} = await tempDir();
	t.teardown(cleanup);
	const key = await newKey(dir);
	const file = path.join(dir, 'new', '.ssh', 'known_hosts');
	await appendKnownHost(file, '[127.0.0.1]:2222', key.blob);
	await appendKnownHost(file, 'gpu', key.blob);
	const found = await execa('ssh-keygen', ['-F', '[127.0.0.1]:2222', '-f', file]);
	t.true(found.stdout.includes(key.line.split(' ')[1]!));
	t.is(readFileSync(file, 'utf8').split('\n').filter(Boolean).length, 2);
});
