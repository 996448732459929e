// ~/.ssh/config resolution: aliases, precedence of the cosmos-tui config, tokens, ProxyJump, Include.
import {mkdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {HostError} from '../../source/domain/errors.js';
import {loadSshConfig, parseJump, resolveSshTarget} from '../../source/executor/ssh-config.js';
import {tempDir} from '../helpers/temp.js';

const context = {home: '/home/me', localUser: 'me'};
const input = (host: string, extra: Partial<{user: string; port: number; sshKey: string}> = {}) => ({host, user: '', port: 22, sshKey: '', ...extra});

const CONFIG = `
Host gpu
  HostName 10.0.0.5
  Port 2200
  User deploy
  IdentityFile ~/.ssh/gpu_key
  IdentityFile %d/.ssh/%r@%h
  ProxyJump admin@bastion:2022,jump2
Host bastion
  HostName bastion.example.com
  IdentityFile ~/.ssh/bastion
Host aliased
  HostName 10.0.0.9
  HostKeyAlias gpu-key
  IdentitiesOnly yes
Match exec "touch /tmp/should-not-run"
  User evil
Host *
  IdentityFile ~/.ssh/default
`;

test('an alias resolves HostName, Port, User, IdentityFile (expanded) and ProxyJump hops', t => {
	const target = resolveSshTarget(input('gpu'), CONFIG, context);
	t.is(target.alias, 'gpu');
	t.is(target.hostName, '10.0.0.5');
	t.is(target.port, 2200);
	t.is(target.user, 'deploy');
	t.deepEqual(target.identityFiles, ['/home/me/.ssh/gpu_key', '/home/me/.ssh/deploy@10.0.0.5', '/home/me/.ssh/default']);
	t.is(target.knownHostsName, '10.0.0.5');
	t.deepEqual(
		target.jumps.map(hop => [hop.hostName, hop.port, hop.user, hop.identityFiles[0]]),
		[
			['bastion.example.com', 2022, 'admin', '/home/me/.ssh/bastion'],
			['jump2', 22, 'me', '/home/me/.ssh/default'],
		],
	);
});

test('the cosmos-tui config wins over ~/.ssh/config; port 22 counts as unset', t => {
	const target = resolveSshTarget(input('gpu', {user: 'other', port: 2300, sshKey: '/keys/k'}), CONFIG, context);
	t.is(target.user, 'other');
	t.is(target.port, 2300);
	t.deepEqual(target.identityFiles, ['/keys/k']);
});

test('a plain host with no config: the local user, port 22, no jumps', t => {
	const target = resolveSshTarget(input('10.1.1.1'), null, context);
	t.deepEqual(target, {alias: '10.1.1.1', hostName: '10.1.1.1', port: 22, user: 'me', identityFiles: [], identitiesOnly: false, knownHostsName: '10.1.1.1', jumps: []});
});

test('HostKeyAlias names the known_hosts entry; IdentitiesOnly is read; Match exec never runs', t => {
	const target = resolveSshTarget(input('aliased'), CONFIG, context);
	t.is(target.knownHostsName, 'gpu-key');
	t.true(target.identitiesOnly);
	t.is(target.user, 'me', 'the Match exec block was not taken');
});

test('parseJump: user, host, port, IPv6 in brackets', t => {
	t.deepEqual(parseJump('admin@bastion:2022'), {user: 'admin', host: 'bastion', port: 2022});
	t.deepEqual(parseJump('bastion'), {user: '', host: 'bastion', port: 22});
	t.deepEqual(parseJump('[::1]:2200'), {user: '', host: '::1', port: 2200});
	t.throws(() => parseJump('a:b:c'), {instanceOf: HostError});
});

test('an invalid Port is a clear error', t => {
	t.throws(() => resolveSshTarget(input('x'), 'Host x\n  Port abc\n', context), {instanceOf: HostError, message: /invalid Port/});
});

test('loadSshConfig expands Include (relative to ~/.ssh, with globs) and tolerates a missing file', async t => {
	const {dir, cleanup} = await tempDir();
	t.teardown(cleanup);
	t.is(loadSshConfig(dir), null);
	mkdirSync(path.join(dir, '.ssh', 'conf.d'), {recursive: true});
	writeFileSync(path.join(dir, '.ssh', 'config'), 'Include conf.d/*.conf\nHost *\n  User fallback\n');
	writeFileSync(path.join(dir, '.ssh', 'conf.d', 'a.conf'), 'Host gpu\n  HostName 10.0.0.7\n');
	writeFileSync(path.join(dir, '.ssh', 'conf.d', 'b.conf'), 'Host gpu\n  Port 2201\n');
	writeFileSync(path.join(dir, '.ssh', 'conf.d', 'ignored.txt'), 'Host gpu\n  Port 9\n');
	const target = resolveSshTarget(input('gpu'), loadSshConfig(dir), {home: dir, localUser: 'me'});
	t.is(target.hostName, '10.0.0.7');
	t.is(target.port, 2201);
	t.is(target.user, 'fallback');
});
