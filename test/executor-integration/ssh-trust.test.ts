// Who we talk to and as whom: host keys checked against known_hosts (unknown refused unless
// accepted, then remembered; changed always refused; hashed entries), encrypted keys with a
// passphrase callback, ssh-agent, ~/.ssh/config aliases and ProxyJump.
import {type ChildProcess, spawn} from 'node:child_process';
import {appendFileSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {execa} from 'execa';
import {HostError} from '../../source/domain/errors.js';
import {createExecutor} from '../../source/executor/create-executor.js';
import type {Executor} from '../../source/executor/executor.js';
import {type SandboxHost, startSandboxHost} from '../helpers/sandbox-host.js';
import {tempDir} from '../helpers/temp.js';
import {Recorder, type SimOptions, makeJob, sandboxConfig, testOptions} from './harness.js';

let sandbox: SandboxHost;
let dir: string;
let cleanup: () => Promise<void>;
let fingerprint: string;
const sims = new Map<string, SimOptions>();
const executors: Executor[] = [];
const agents: ChildProcess[] = [];

test.before(async () => {
	sandbox = await startSandboxHost();
	({dir, cleanup} = await tempDir('cosmos-exec-trust-'));
	const listed = await execa('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${path.dirname(sandbox.knownHostsPath)}/host_ed25519.pub`]);
	fingerprint = listed.stdout.split(' ')[1]!;
});
test.after.always(async () => {
	for (const executor of executors) await executor.close();
	for (const agent of agents) agent.kill();
	await sandbox?.stop();
	await cleanup?.();
});

async function statusWith(knownHosts: string, options: {accept?: boolean} = {}) {
	const config = sandboxConfig(sandbox, dir, c => {
		c.remote.known_hosts = knownHosts;
	});
	const executor = await createExecutor(config, testOptions(dir, sims, {acceptNewHostKey: options.accept ?? false}));
	executors.push(executor);
	return {executor, status: await executor.status()};
}

const hostName = () => `[127.0.0.1]:${sandbox.port}`;

async function keyLine(type: 'ed25519' | 'rsa'): Promise<string> {
	const file = path.join(dir, `other-${type}-${Math.random().toString(36).slice(2)}`);
	await execa('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', file]);
	return readFileSync(`${file}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
}

test.serial('an unknown host key is refused with its fingerprint and the flag to trust it', async t => {
	const knownHosts = path.join(dir, 'empty_known_hosts');
	writeFileSync(knownHosts, '');
	const {executor, status} = await statusWith(knownHosts);
	t.false(status.connected);
	t.regex(status.error ?? '', /not known/);
	t.true(status.error?.includes(fingerprint), status.error);
	t.regex(status.error ?? '', /--accept-new-host-key/);
	const job = await makeJob(dir);
	await t.throwsAsync(executor.launch(job, new Recorder().events), {instanceOf: HostError, message: /not known/});
	t.is(readFileSync(knownHosts, 'utf8'), '', 'nothing was written');
});

test.serial('accept-new trusts an unknown key, writes it like OpenSSH, and later runs remember it', async t => {
	const knownHosts = path.join(dir, 'ssh', 'fresh_known_hosts');
	const accepted = await statusWith(knownHosts, {accept: true});
	t.true(accepted.status.connected, accepted.status.error);
	const found = await execa('ssh-keygen', ['-F', hostName(), '-f', knownHosts], {reject: false});
	t.is(found.exitCode, 0, 'OpenSSH finds the new entry');
	const again = await statusWith(knownHosts);
	t.true(again.status.connected, again.status.error);
	t.is(readFileSync(knownHosts, 'utf8').trim().split('\n').length, 1);
});

test.serial('a changed host key is refused with a warning, even with accept-new', async t => {
	const knownHosts = path.join(dir, 'changed_known_hosts');
	writeFileSync(knownHosts, `${hostName()} ${await keyLine('ed25519')}\n`);
	const before = readFileSync(knownHosts, 'utf8');
	const {status} = await statusWith(knownHosts, {accept: true});
	t.false(status.connected);
	t.regex(status.error ?? '', /CHANGED/);
	t.true(status.error?.includes(fingerprint));
	t.is(readFileSync(knownHosts, 'utf8'), before);
});

test.serial('a host known only by another key type is refused too', async t => {
	const knownHosts = path.join(dir, 'rsa_known_hosts');
	writeFileSync(knownHosts, `${hostName()} ${await keyLine('rsa')}\n`);
	const {status} = await statusWith(knownHosts, {accept: true});
	t.false(status.connected);
	t.regex(status.error ?? '', /CHANGED/);
});

test.serial('hashed known_hosts entries (ssh-keygen -H) are recognised', async t => {
	const knownHosts = path.join(dir, 'hashed_known_hosts');
	writeFileSync(knownHosts, readFileSync(sandbox.knownHostsPath));
	await execa('ssh-keygen', ['-H', '-f', knownHosts]);
	t.true(readFileSync(knownHosts, 'utf8').startsWith('|1|'));
	const {status} = await statusWith(knownHosts);
	t.true(status.connected, status.error);
});

test.serial('an encrypted key asks the passphrase callback; without one the error says so', async t => {
	const key = path.join(dir, 'encrypted_key');
	await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'open sesame', '-f', key]);
	appendFileSync(path.join(path.dirname(sandbox.knownHostsPath), 'authorized_keys'), readFileSync(`${key}.pub`));
	const config = sandboxConfig(sandbox, dir, c => {
		c.remote.ssh_key = key;
	});
	const asked: string[] = [];
	const withPassphrase = await createExecutor(config, testOptions(dir, sims, {passphrase: async file => (asked.push(file), 'open sesame')}));
	executors.push(withPassphrase);
	const status = await withPassphrase.status();
	t.true(status.connected, status.error);
	t.deepEqual(asked, [key]);

	const without = await createExecutor(config, testOptions(dir, sims));
	executors.push(without);
	const refused = await without.status();
	t.false(refused.connected);
	t.regex(refused.error ?? '', /encrypted and no passphrase/);
});

test.serial('ssh-agent from SSH_AUTH_SOCK logs in without a key file', async t => {
	const socket = path.join(dir, 'agent.sock');
	const agent = spawn('ssh-agent', ['-D', '-a', socket], {stdio: 'ignore'});
	agents.push(agent);
	for (;;) {
		const added = await execa('ssh-add', [sandbox.privateKeyPath], {env: {SSH_AUTH_SOCK: socket}, reject: false});
		if (added.exitCode === 0) break;
		await new Promise(resolve => setTimeout(resolve, 20)); // the agent's socket is not there yet
	}
	const config = sandboxConfig(sandbox, dir, c => {
		c.remote.ssh_key = '';
	});
	const options = testOptions(dir, sims);
	const executor = await createExecutor(config, {...options, env: {...options.env, SSH_AUTH_SOCK: socket}});
	executors.push(executor);
	const status = await executor.status();
	t.true(status.connected, status.error);
});

test.serial('a ~/.ssh/config alias with HostName, Port, User, IdentityFile and a ProxyJump hop', async t => {
	const options = testOptions(dir, sims);
	const home = options.env['HOME']!;
	mkdirSync(path.join(home, '.ssh'), {recursive: true});
	writeFileSync(
		path.join(home, '.ssh', 'config'),
		[
			'Include ~/.ssh/config.d/*',
			'Host gpubox',
			`  HostName 127.0.0.1`,
			'  ProxyJump jumpbox',
			'Host *',
			`  User ${sandbox.username}`,
			`  IdentityFile ${sandbox.privateKeyPath}`,
			'',
		].join('\n'),
	);
	mkdirSync(path.join(home, '.ssh', 'config.d'), {recursive: true});
	writeFileSync(path.join(home, '.ssh', 'config.d', 'ports'), `Host gpubox jumpbox\n  Port ${sandbox.port}\nHost jumpbox\n  HostName 127.0.0.1\n`);
	const config = sandboxConfig(sandbox, dir, c => {
		c.remote = {...c.remote, host: 'gpubox', user: '', port: 22, ssh_key: ''};
	});
	const executor = await createExecutor(config, options);
	executors.push(executor);
	t.is(executor.description, 'ssh gpubox');
	const logins = () => readFileSync(sandbox.sshdLogPath, 'utf8').split('Accepted publickey').length - 1;
	const before = logins();
	const status = await executor.status();
	t.true(status.connected, status.error);
	t.is(status.gpus.length, 2);
	t.is(logins() - before, 2, 'one login on the jump host, one on the target through it');
});
