// `cosmos-tui doctor` and `init` through the real command line against the sandbox GPU host.
import {chownSync, mkdirSync, statSync, writeFileSync} from 'node:fs';
import {mkdir, rename, writeFile} from 'node:fs/promises';
import {createServer} from 'node:net';
import path from 'node:path';
import test from 'ava';
import {parse, stringify} from 'smol-toml';
import {sandboxConfigToml} from '../../sandbox/host/cosmos-config.js';
import {ALL_CHECKPOINTS, TRANSFER_SCRIPT, type CheckResult} from '../../source/executor/host-checks.js';
import {cosmos} from '../helpers/cli.js';
import {startSandboxHost, type SandboxHost} from '../helpers/sandbox-host.js';
import {tempDir} from '../helpers/temp.js';

let sandbox: SandboxHost;
let dir: string;
let cleanup: () => Promise<void>;

/** Creates a file or folder in remoteDir, with its parents, owned by the login user (as a checkout would be). */
function ownedPath(relative: string, kind: 'file' | 'directory'): void {
	const {uid, gid} = statSync(sandbox.remoteDir);
	let current = sandbox.remoteDir;
	const parts = relative.split('/');
	for (const [index, part] of parts.entries()) {
		current = path.join(current, part);
		const last = index === parts.length - 1;
		if (last && kind === 'file') writeFileSync(current, '');
		else mkdirSync(current, {recursive: true});
		chownSync(current, uid, gid);
	}
}

test.before(async () => {
	sandbox = await startSandboxHost();
	({dir, cleanup} = await tempDir());
	await writeFile(path.join(dir, 'cosmos.toml'), sandboxConfigToml(sandbox, './data'));
	ownedPath(TRANSFER_SCRIPT, 'file');
	// The .pt files as files, the model folders as folders.
	for (const checkpoint of ALL_CHECKPOINTS) ownedPath(`checkpoints/${checkpoint}`, checkpoint.endsWith('.pt') ? 'file' : 'directory');
});

test.after.always(async () => {
	await sandbox?.stop();
	await cleanup?.();
});

const doctor = (...args: string[]) => cosmos(['doctor', ...args], {cwd: dir});

/** The sandbox config with changes, as a second file for --config. */
async function variant(name: string, change: (config: Record<string, Record<string, unknown>>) => void): Promise<string> {
	const config = parse(sandboxConfigToml(sandbox, './data')) as Record<string, Record<string, unknown>>;
	change(config);
	const file = path.join(dir, `${name}.toml`);
	await writeFile(file, stringify(config));
	return file;
}

/** Runs doctor with the config and expects exit 1 with this one check failed (its ✗ line). */
async function expectFailure(t: import('ava').ExecutionContext, args: string[], check: string, detail: RegExp) {
	const result = await doctor(...args);
	t.is(result.code, 1, result.stderr);
	const line = result.stdout.split('\n').find(text => text.startsWith(`✗ 127.0.0.1: ${check} `));
	t.truthy(line, result.stdout);
	t.regex(line!, detail);
	const json = await doctor(...args, '--json');
	t.is(json.code, 1);
	const failed = (JSON.parse(json.stdout) as CheckResult[]).filter(r => !r.ok);
	t.deepEqual(failed.map(r => r.check), [check]);
	t.not(failed[0]!.fix, '');
	return result.stdout;
}

test.serial('a healthy sandbox passes every check', async t => {
	const result = await doctor();
	t.is(result.code, 0, result.stdout + result.stderr);
	const lines = result.stdout.trim().split('\n');
	t.true(lines.every(line => line.startsWith('✓ ')), result.stdout);
	for (const check of ['config', 'ssh reachable', 'host key', 'login', 'docker', 'image', 'transfer.py', 'checkpoints: seg', 'hf cache', 'gpus']) {
		t.true(lines.some(line => line.includes(check)), `${check} missing in\n${result.stdout}`);
	}
	const json = JSON.parse((await doctor('--json', '--host', '127.0.0.1')).stdout) as CheckResult[];
	t.true(json.length >= 13 && json.every(r => r.ok));
	t.deepEqual(json[0], {host: null, check: 'config', ok: true, detail: path.join(dir, 'cosmos.toml'), fix: ''});
});

test.serial('an unknown host key names its fingerprint and suggests --accept-new-host-key', async t => {
	const knownHosts = path.join(dir, 'empty_known_hosts');
	await writeFile(knownHosts, '');
	const config = await variant('unknown-key', c => void (c['remote']!['known_hosts'] = knownHosts));
	const stdout = await expectFailure(t, ['--config', config], 'host key', /unknown key ssh-ed25519 SHA256:[A-Za-z0-9+/]{43}/);
	t.regex(stdout, /fix: .*--accept-new-host-key/);
});

test.serial('a missing image', async t => {
	const config = await variant('no-image', c => void (c['docker']!['image'] = 'cosmos-sim:does-not-exist'));
	await expectFailure(t, ['--config', config], 'image', /cosmos-sim:does-not-exist is not on the host/);
});

test.serial('a missing checkpoints folder', async t => {
	const folder = path.join(sandbox.remoteDir, 'checkpoints');
	await rename(folder, `${folder}.away`);
	try {
		await expectFailure(t, [], 'checkpoints', /checkpoints is missing/);
	} finally {
		await rename(`${folder}.away`, folder);
	}
});

test.serial('a missing transfer.py', async t => {
	const script = path.join(sandbox.remoteDir, TRANSFER_SCRIPT);
	await rename(script, `${script}.away`);
	try {
		await expectFailure(t, [], 'transfer.py', /transfer\.py is missing/);
	} finally {
		await rename(`${script}.away`, script);
	}
});

test.serial('a broken nvidia-smi', async t => {
	await rename(sandbox.gpusPath, `${sandbox.gpusPath}.away`);
	try {
		await expectFailure(t, [], 'gpus', /nvidia-smi: NVIDIA-SMI has failed/);
	} finally {
		await rename(`${sandbox.gpusPath}.away`, sandbox.gpusPath);
	}
});

test.serial('a stopped sshd: nothing listens on the port', async t => {
	const server = createServer();
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as {port: number};
	await new Promise(resolve => server.close(resolve));
	const config = await variant('no-sshd', c => void (c['remote']!['port'] = port));
	await expectFailure(t, ['--config', config], 'ssh reachable', new RegExp(`127\\.0\\.0\\.1:${port}: ECONNREFUSED`));
});

test.serial('--host must name a configured host', async t => {
	const result = await doctor('--host', 'nope');
	t.is(result.code, 2);
	t.regex(result.stderr, /--host nope is not configured \(hosts: 127\.0\.0\.1\)/);
});

test.serial('init writes a config that doctor then passes', async t => {
	const home = path.join(dir, 'home');
	await mkdir(home);
	const result = await cosmos([
		'init', '--host', sandbox.host, '--user', sandbox.username, '--port', String(sandbox.port),
		'--ssh-key', sandbox.privateKeyPath, '--known-hosts', sandbox.knownHostsPath, '--remote-dir', sandbox.remoteDir,
		'--image', sandbox.image, '--docker-command', sandbox.dockerCommand,
	], {cwd: home});
	t.is(result.code, 0, result.stdout + result.stderr);
	const file = path.join(home, '.config/cosmos-tui/config.toml');
	t.regex(result.stderr, new RegExp(`wrote ${file}`));
	t.true(result.stdout.trim().split('\n').every(line => line.startsWith('✓ ')), result.stdout);
	const again = await cosmos(['doctor'], {cwd: home});
	t.is(again.code, 0, again.stdout);
	t.regex(again.stdout, new RegExp(`✓ config +${file}`));
});
