// A sandbox GPU host: loopback sshd + login user + docker shim (rootful podman) + cosmos-sim image.
// Several may run at once; each has its own folder, keys and port. Needs root.
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {execa} from 'execa';
import {PODMAN, SANDBOX_IMAGE, SANDBOX_USER, prepareMachine} from './machine.js';
import {childrenOf, descendantsOf, isAlive, signalAll, waitUntilGone} from './processes.js';
import {DEFAULT_GPUS_CSV, type SandboxFiles, gpuCsv, writeGpusCsv, writeSandboxFiles} from './sandbox-files.js';
import {startSshd} from './sshd.js';

export type SandboxHostOptions = {
	/** sshd MaxSessions; OpenSSH's default (10) when left out. */
	maxSessions?: number;
	/** How many GPUs nvidia-smi reports (idle ones at 300 MiB used). Without gpus and busyGpus: DEFAULT_GPUS_CSV (two). */
	gpus?: number;
	/** GPUs shown busy with a foreign process (30000 MiB used); `gpus` defaults to 2. */
	busyGpus?: number[];
};

export type SandboxHost = {
	host: '127.0.0.1';
	port: number;
	username: string;
	privateKeyPath: string;
	knownHostsPath: string;
	/** The host key line (`ssh-ed25519 AAAA... comment`), for a hostVerifier. */
	hostPublicKey: string;
	/** Writable by the login user; holds an empty checkpoints/ folder. */
	remoteDir: string;
	hfCacheDir: string;
	dockerCommand: 'docker';
	image: string;
	/**
	 * A file that must never exist. Its folder is writable by the login user, so a shell
	 * injection on the host (e.g. `touch <canaryPath>` hidden in a prompt) would create it.
	 */
	canaryPath: string;
	/** The GPUs nvidia-smi reports (CSV: index, name, memory.used, memory.total, utilization.gpu, temperature.gpu); delete it to simulate a broken driver. */
	gpusPath: string;
	/** Rewrites gpusPath (atomically) with `count` GPUs, the `busy` ones used by a foreign process. */
	setGpus(count: number, busy?: number[]): void;
	sshdLogPath: string;
	containersConfPath: string;
	dir: string;
	sshdPid: number;
	timings: {machineMs: number; imageBuilt: boolean; startMs: number};
	/**
	 * Kills sshd's per-connection processes (and the commands under them) with SIGKILL to simulate a
	 * dropped connection; the listener stays up. Connected clients get ECONNRESET: give their
	 * `ssh.connection` an 'error' listener first, or the test process dies of an unhandled error.
	 */
	killSessions(): Promise<void>;
	/**
	 * Stops sshd (connections still open after a 2 s grace are killed: dispose clients first),
	 * removes containers that mounted this sandbox's folders, deletes the folder.
	 */
	stop(): Promise<void>;
};

const live = new Set<() => void>();
process.once('exit', () => {
	for (const cleanUp of live) cleanUp();
});

function userIds(name: string): {uid: number; gid: number} {
	const line = readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find(entry => entry.startsWith(`${name}:`));
	const [, , uid, gid] = line?.split(':') ?? [];
	if (uid === undefined || gid === undefined) throw new Error(`user ${name} is missing`);
	return {uid: Number(uid), gid: Number(gid)};
}

const podmanEnv = (files: SandboxFiles) => ({...process.env, CONTAINERS_CONF: files.containersConfPath});

/** Ids of containers with a bind mount from inside dir. */
function containerIds(files: SandboxFiles): string[] {
	const env = podmanEnv(files);
	const ids = spawnSync(PODMAN, ['ps', '-aq', '--no-trunc'], {env, encoding: 'utf8'}).stdout.split('\n').filter(Boolean);
	if (ids.length === 0) return [];
	const inspected = spawnSync(PODMAN, ['inspect', '--format', '{{.Id}}{{range .Mounts}} {{.Source}}{{end}}', ...ids], {env, encoding: 'utf8'});
	return inspected.stdout
		.split('\n')
		.map(line => line.split(' '))
		.filter(([, ...sources]) => sources.some(source => source === files.dir || source.startsWith(`${files.dir}/`)))
		.map(([id]) => id!)
		.filter(Boolean);
}

/** True while pid is still the sshd started with this sandbox's config (guards against pid reuse). */
function isOurSshd(pid: number, files: SandboxFiles): boolean {
	try {
		return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(files.sshdConfigPath);
	} catch {
		return false;
	}
}

function cleanUpSync(files: SandboxFiles, sshdPid: number): void {
	if (isOurSshd(sshdPid, files)) signalAll([...descendantsOf(sshdPid), sshdPid], 'SIGKILL');
	const ids = containerIds(files);
	if (ids.length > 0) spawnSync(PODMAN, ['rm', '-f', '-t', '0', ...ids], {env: podmanEnv(files), stdio: 'ignore'});
	rmSync(files.dir, {recursive: true, force: true});
}

export async function startSandboxHost(options: SandboxHostOptions = {}): Promise<SandboxHost> {
	const machine = await prepareMachine();
	const started = Date.now();
	const dir = mkdtempSync(join(tmpdir(), 'cosmos-sandbox-'));
	try {
		const gpus = options.gpus === undefined && options.busyGpus === undefined ? DEFAULT_GPUS_CSV : gpuCsv(options.gpus ?? 2, options.busyGpus);
		const files = await writeSandboxFiles(dir, userIds(SANDBOX_USER), gpus);
		const sshd = await startSshd(files, SANDBOX_USER, options.maxSessions);
		const cleanUp = () => cleanUpSync(files, sshd.pid);
		live.add(cleanUp);
		let stopping: Promise<void> | undefined;
		return {
			host: '127.0.0.1',
			port: sshd.port,
			username: SANDBOX_USER,
			privateKeyPath: files.privateKeyPath,
			knownHostsPath: files.knownHostsPath,
			hostPublicKey: files.hostPublicKey,
			remoteDir: files.remoteDir,
			hfCacheDir: files.hfCacheDir,
			dockerCommand: 'docker',
			image: SANDBOX_IMAGE,
			canaryPath: files.canaryPath,
			gpusPath: files.gpusPath,
			setGpus(count, busy) {
				writeGpusCsv(files.gpusPath, gpuCsv(count, busy));
			},
			sshdLogPath: files.sshdLogPath,
			containersConfPath: files.containersConfPath,
			dir,
			sshdPid: sshd.pid,
			timings: {machineMs: machine.milliseconds, imageBuilt: machine.imageBuilt, startMs: Date.now() - started},
			async killSessions() {
				const sessions = childrenOf(sshd.pid);
				const doomed = [...sessions, ...sessions.flatMap(descendantsOf)];
				signalAll(doomed, 'SIGKILL');
				await waitUntilGone(doomed, 5000);
			},
			stop() {
				stopping ??= (async () => {
					// Let clients that already disconnected finish cleanly (no ECONNRESET for them), then kill the rest.
					const sessions = childrenOf(sshd.pid);
					const everything = descendantsOf(sshd.pid);
					sshd.child.kill('SIGTERM');
					await sshd.exited;
					await waitUntilGone(sessions, 2000).catch(() => undefined);
					signalAll(everything.filter(isAlive), 'SIGKILL');
					const ids = containerIds(files);
					if (ids.length > 0) await execa(PODMAN, ['rm', '-f', '-t', '0', ...ids], {env: podmanEnv(files), reject: false});
					rmSync(dir, {recursive: true, force: true});
					live.delete(cleanUp);
				})();
				return stopping;
			},
		};
	} catch (error) {
		rmSync(dir, {recursive: true, force: true});
		throw error;
	}
}
