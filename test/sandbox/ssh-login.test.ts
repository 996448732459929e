// The sandbox host's SSH side: key login, host key, the login user's environment, nvidia-smi,
// MaxSessions, and killSessions() as a dropped connection.
import {execFile} from 'node:child_process';
import {existsSync, readFileSync, unlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {NodeSSH} from 'node-ssh';
import {DEFAULT_GPUS_CSV, type SandboxHost, connectToSandbox, sandboxSshConfig, startSandboxHost, streamCommand} from '../helpers/sandbox-host.js';
import {sandboxSuite} from '../helpers/sandbox-suite.js';

const suite = sandboxSuite();
const {run, serial, withSsh} = suite;

/** Opens `count` exec channels at once that block until `release` exists; returns how many opened. */
async function concurrentSessions(host: SandboxHost, count: number): Promise<{opened: number; refused: string[]}> {
	const ssh = await connectToSandbox(host);
	ssh.connection?.setMaxListeners(count + 10);
	const release = join(host.remoteDir, `release-${count}`);
	try {
		const attempts = Array.from({length: count}, async () =>
			ssh.execCommand(`while [ ! -e ${release} ]; do sleep 0.05; done; echo opened`).then(
				r => ({ok: r.stdout === 'opened', error: ''}),
				(error: unknown) => ({ok: false, error: String(error)}),
			),
		);
		// A refusal comes back while the others are still open (they wait for the release file).
		await Promise.race(attempts);
		writeFileSync(release, '');
		const results = await Promise.all(attempts);
		return {opened: results.filter(r => r.ok).length, refused: results.filter(r => !r.ok).map(r => r.error)};
	} finally {
		ssh.dispose();
	}
}

run('logs in as the sandbox user with the per-sandbox key', async t => {
	await withSsh(async ssh => {
		const result = await ssh.execCommand('id -un; echo "$0"; pwd; ls -A');
		t.is(result.code, 0);
		const [user, shell, home, ...files] = result.stdout.split('\n');
		t.is(user, suite.sandbox.username);
		t.is(shell, 'sh');
		t.is(home, `/var/lib/${suite.sandbox.username}`);
		// Other tests may leave caches here (the home is shared by every sandbox); rc files must never appear.
		t.deepEqual(files.filter(name => /^\.(profile|bashrc|bash_profile|bash_login|shrc|kshrc|zshrc|zprofile)$/.test(name)), [], 'no rc files in the home folder');
	});
});

run('a host key other than the sandbox key is refused', async t => {
	const other = new NodeSSH();
	await t.throwsAsync(other.connect({...sandboxSshConfig(suite.sandbox), hostVerifier: () => false}));
	other.dispose();
});

run('the OpenSSH client accepts the known_hosts file with strict checking', async t => {
	const {stdout} = await promisify(execFile)('ssh', [
		'-i', suite.sandbox.privateKeyPath,
		'-p', String(suite.sandbox.port),
		'-o', `UserKnownHostsFile=${suite.sandbox.knownHostsPath}`,
		'-o', 'StrictHostKeyChecking=yes',
		'-o', 'BatchMode=yes',
		`${suite.sandbox.username}@${suite.sandbox.host}`,
		'echo via-cli',
	]);
	t.is(stdout.trim(), 'via-cli');
});

run('PATH has the docker shim, nvidia-smi and /usr/sbin; docker is podman under sudo', async t => {
	await withSsh(async ssh => {
		const result = await ssh.execCommand('echo "$PATH"; command -v docker; command -v nvidia-smi; docker version --format "{{.Client.Version}}"');
		t.is(result.code, 0, result.stderr);
		const [path = '', docker, nvidiaSmi, version] = result.stdout.split('\n');
		t.true(path.split(':').includes('/usr/sbin'));
		t.is(docker, join(suite.sandbox.dir, 'bin', 'docker'));
		t.is(nvidiaSmi, join(suite.sandbox.dir, 'bin', 'nvidia-smi'));
		t.regex(version ?? '', /^\d+\.\d+/);
		t.is(result.stderr, '', 'sudo prints nothing');
	});
});

run('remoteDir (with checkpoints/) and the HF cache are writable by the login user; the canary is not there', async t => {
	await withSsh(async ssh => {
		const canaryDir = join(suite.sandbox.canaryPath, '..');
		const result = await ssh.execCommand(
			`test -d ${suite.sandbox.remoteDir}/checkpoints && touch ${suite.sandbox.remoteDir}/w ${suite.sandbox.hfCacheDir}/w ${canaryDir}/not-the-canary && echo writable`,
		);
		t.is(result.stdout, 'writable', result.stderr);
	});
	t.false(existsSync(suite.sandbox.canaryPath));
});

run('SFTP uploads into remoteDir and downloads back', async t => {
	const local = join(suite.sandbox.dir, 'sftp-source.bin');
	const back = join(suite.sandbox.dir, 'sftp-back.bin');
	writeFileSync(local, Buffer.from([0, 1, 2, 255, 10, 13]));
	await withSsh(async ssh => {
		await ssh.mkdir(`${suite.sandbox.remoteDir}/uploads/nested`, 'sftp');
		await ssh.putFile(local, `${suite.sandbox.remoteDir}/uploads/nested/video.mp4`);
		await ssh.getFile(back, `${suite.sandbox.remoteDir}/uploads/nested/video.mp4`);
		const owner = await ssh.execCommand(`stat -c %U ${suite.sandbox.remoteDir}/uploads/nested/video.mp4`);
		t.is(owner.stdout, suite.sandbox.username);
	});
	t.deepEqual(readFileSync(back), readFileSync(local));
});

serial('nvidia-smi answers the status query with two GPUs', async t => {
	await withSsh(async ssh => {
		const result = await ssh.execCommand('nvidia-smi --query-gpu=index,name,memory.used,memory.total,utilization.gpu,temperature.gpu --format=csv,noheader,nounits');
		t.is(result.code, 0);
		t.deepEqual(result.stdout.split('\n'), ['0, NVIDIA H100 80GB HBM3, 1024, 81559, 3, 34', '1, NVIDIA H100 80GB HBM3, 40960, 81559, 97, 61']);
		const withUnits = await ssh.execCommand('nvidia-smi --query-gpu=index,memory.used --format=csv');
		t.deepEqual(withUnits.stdout.split('\n'), ['index, memory.used [MiB]', '0, 1024 MiB', '1, 40960 MiB']);
	});
});

serial('nvidia-smi follows gpusPath, and fails like a broken driver without it', async t => {
	await withSsh(async ssh => {
		writeFileSync(suite.sandbox.gpusPath, '0, NVIDIA A100-SXM4-40GB, 39000, 40960, 100, 80\n');
		const one = await ssh.execCommand('nvidia-smi --query-gpu=index,name --format=csv,noheader');
		t.is(one.stdout, '0, NVIDIA A100-SXM4-40GB');
		unlinkSync(suite.sandbox.gpusPath);
		const broken = await ssh.execCommand('nvidia-smi');
		t.is(broken.code, 9);
		t.regex(broken.stdout, /couldn't communicate with the NVIDIA driver/);
	});
	writeFileSync(suite.sandbox.gpusPath, DEFAULT_GPUS_CSV);
});

serial('MaxSessions is left at the OpenSSH default of 10', async t => {
	const {opened, refused} = await concurrentSessions(suite.sandbox, 11);
	t.is(opened, 10);
	t.is(refused.length, 1);
	t.regex(refused[0] ?? '', /open failed|Channel open failure/i);
});

serial('killSessions() drops live connections; the listener stays up for new logins', async t => {
	const ssh = await connectToSandbox(suite.sandbox);
	const errors: Error[] = [];
	ssh.connection?.on('error', (error: Error) => errors.push(error));
	const closed = new Promise<void>(resolve => ssh.connection?.once('close', () => resolve()));
	let started!: () => void;
	const running = new Promise<void>(resolve => (started = resolve));
	const longCommand = streamCommand(ssh, 'echo started; while :; do sleep 1; done', line => {
		if (line === 'started') started();
	});
	await running;
	await suite.sandbox.killSessions();
	await closed;
	await longCommand;
	t.false(ssh.isConnected());
	await withSsh(async again => {
		t.is((await again.execCommand('echo back')).stdout, 'back');
	});
});

serial('maxSessions option sets sshd MaxSessions; several sandboxes run side by side', async t => {
	const small = await startSandboxHost({maxSessions: 2});
	try {
		t.not(small.port, suite.sandbox.port);
		t.not(small.dir, suite.sandbox.dir);
		const {opened, refused} = await concurrentSessions(small, 3);
		t.is(opened, 2);
		t.is(refused.length, 1);
	} finally {
		await small.stop();
	}
	t.false(existsSync(small.dir));
});
