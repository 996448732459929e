// Writes one sandbox's folder: keys, sshd_config, known_hosts, the docker shim, nvidia-smi, the
// remote folders. Layout (all under `dir`, which is root-owned and world-readable):
//   ssh/host_ed25519[.pub] ssh/client_ed25519[.pub] ssh/authorized_keys ssh/known_hosts
//   sshd_config sshd.log sshd.pid gpus.csv
//   bin/docker bin/nvidia-smi          (first on the login user's PATH)
//   remote/ remote/checkpoints/        (remoteDir, owned by the login user)
//   hf-cache/                          (hfCacheDir, owned by the login user)
//   canary/                            (writable by the login user; canaryPath = canary/canary)
import {chmodSync, chownSync, copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {execa} from 'execa';
import {CONTAINERS_CONF, ROOT_DOCKER} from './machine.js';

export type SandboxFiles = {
	dir: string;
	sshdConfigPath: string;
	sshdLogPath: string;
	hostKeyPath: string;
	hostPublicKey: string;
	privateKeyPath: string;
	knownHostsPath: string;
	containersConfPath: string;
	gpusPath: string;
	binDir: string;
	remoteDir: string;
	hfCacheDir: string;
	canaryPath: string;
};

/** Two GPUs, the second busy, so status code sees more than one and different loads. */
export const DEFAULT_GPUS_CSV = '0, NVIDIA H100 80GB HBM3, 1024, 81559, 3, 34\n1, NVIDIA H100 80GB HBM3, 40960, 81559, 97, 61\n';

/** `count` H100s for gpus.csv: the `busy` ones with 30000 MiB used (a foreign process), the others 300 MiB. */
export function gpuCsv(count: number, busy: readonly number[] = []): string {
	let csv = '';
	for (let index = 0; index < count; index++) {
		csv += busy.includes(index) ? `${index}, NVIDIA H100 80GB HBM3, 30000, 81559, 97, 61\n` : `${index}, NVIDIA H100 80GB HBM3, 300, 81559, 0, 34\n`;
	}
	return csv;
}

/** Replaces gpus.csv atomically (temp file + rename), so nvidia-smi never reads half a file. */
export function writeGpusCsv(path: string, csv: string): void {
	writeWithMode(`${path}.new`, csv, 0o644);
	renameSync(`${path}.new`, path);
}

/** `docker` on the login user's PATH: the root-side docker through `sudo -n`, like many GPU hosts. */
const DOCKER_SHIM = `#!/bin/sh
# docker -> sudo -n ${ROOT_DOCKER} (rootful podman with runc; see sandbox/host/docker-as-root.sh)
exec sudo -n ${ROOT_DOCKER} "$@"
`;

const nvidiaSmiSource = fileURLToPath(new URL('nvidia-smi', import.meta.url));

async function keygen(path: string, comment: string): Promise<void> {
	await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
}

/** Writes a file with exactly this mode, whatever the umask (the login user must read it). */
function writeWithMode(path: string, content: string, mode: number): void {
	writeFileSync(path, content);
	chmodSync(path, mode);
}

function ownedDir(path: string, uid: number, gid: number, mode = 0o755): void {
	mkdirSync(path, {recursive: true});
	chownSync(path, uid, gid);
	chmodSync(path, mode);
}

export async function writeSandboxFiles(dir: string, user: {uid: number; gid: number}, gpusCsv = DEFAULT_GPUS_CSV): Promise<SandboxFiles> {
	chmodSync(dir, 0o755);
	const ssh = join(dir, 'ssh');
	mkdirSync(ssh);
	chmodSync(ssh, 0o755);
	const hostKeyPath = join(ssh, 'host_ed25519');
	const privateKeyPath = join(ssh, 'client_ed25519');
	await Promise.all([keygen(hostKeyPath, 'cosmos-sim host'), keygen(privateKeyPath, 'cosmos-sim client')]);
	const authorizedKeys = join(ssh, 'authorized_keys');
	copyFileSync(`${privateKeyPath}.pub`, authorizedKeys);
	chmodSync(authorizedKeys, 0o644);
	const hostPublicKey = readFileSync(`${hostKeyPath}.pub`, 'utf8').trim();

	const binDir = join(dir, 'bin');
	mkdirSync(binDir);
	chmodSync(binDir, 0o755);
	writeWithMode(join(binDir, 'docker'), DOCKER_SHIM, 0o755);
	copyFileSync(nvidiaSmiSource, join(binDir, 'nvidia-smi'));
	chmodSync(join(binDir, 'nvidia-smi'), 0o755);
	const gpusPath = join(dir, 'gpus.csv');
	writeGpusCsv(gpusPath, gpusCsv);

	const remoteDir = join(dir, 'remote');
	ownedDir(remoteDir, user.uid, user.gid);
	ownedDir(join(remoteDir, 'checkpoints'), user.uid, user.gid);
	const hfCacheDir = join(dir, 'hf-cache');
	ownedDir(hfCacheDir, user.uid, user.gid);
	const canaryDir = join(dir, 'canary');
	ownedDir(canaryDir, user.uid, user.gid, 0o1777);

	return {
		dir,
		sshdConfigPath: join(dir, 'sshd_config'),
		sshdLogPath: join(dir, 'sshd.log'),
		hostKeyPath,
		hostPublicKey,
		privateKeyPath,
		knownHostsPath: join(ssh, 'known_hosts'),
		containersConfPath: CONTAINERS_CONF,
		gpusPath,
		binDir,
		remoteDir,
		hfCacheDir,
		canaryPath: join(canaryDir, 'canary'),
	};
}

export function sshdConfig(files: SandboxFiles, port: number, user: string, options: {maxSessions?: number; disablePenalties: boolean}): string {
	const path = `${files.binDir}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`;
	return [
		`Port ${port}`,
		'ListenAddress 127.0.0.1',
		`HostKey ${files.hostKeyPath}`,
		`PidFile ${join(files.dir, 'sshd.pid')}`,
		`AuthorizedKeysFile ${join(files.dir, 'ssh', 'authorized_keys')}`,
		`AllowUsers ${user}`,
		'PubkeyAuthentication yes',
		'PasswordAuthentication no',
		'KbdInteractiveAuthentication no',
		'PermitRootLogin no',
		'UsePAM no',
		'StrictModes no',
		'PrintMotd no',
		'PrintLastLog no',
		'X11Forwarding no',
		'Subsystem sftp internal-sftp',
		`SetEnv PATH=${path} COSMOS_SIM_GPUS=${files.gpusPath} CONTAINERS_CONF=${files.containersConfPath}`,
		'LogLevel VERBOSE',
		...(options.maxSessions === undefined ? [] : [`MaxSessions ${options.maxSessions}`]),
		// OpenSSH >= 9.8 would lock out a client whose sessions killSessions() ended.
		...(options.disablePenalties ? ['PerSourcePenalties no'] : []),
		'',
	].join('\n');
}

export function writeKnownHosts(files: SandboxFiles, port: number): void {
	const [type, key] = files.hostPublicKey.split(' ');
	writeWithMode(files.knownHostsPath, `[127.0.0.1]:${port} ${type} ${key}\n`, 0o644);
}
