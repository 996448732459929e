// A real single-machine Slurm cluster for tests: slurmctld + slurmd (Debian's packages) with fake
// GPUs, in a private folder with its own ports, so several can run at once (each is its own
// cluster; they share only the machine's munged). Needs root.
//
//   const cluster = await startSlurmCluster({gpus: 2});
//   // SLURM_CONF=cluster.confPath sbatch/squeue/scontrol/scancel/sinfo ...
//   await cluster.stop();
import {spawnSync} from 'node:child_process';
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {hostname, tmpdir} from 'node:os';
import {join} from 'node:path';
import {execa} from 'execa';
import {prepareSlurmMachine} from './machine.js';
import {daemonPid, killDaemonsSync, killJobsSync} from './slurm-processes.js';
import {type SlurmLayout, fakeGpuDevices, gresConf, slurmConf, slurmPaths} from './slurm-config.js';
import {freePort} from '../host/sshd.js';

export type SlurmClusterOptions = {
	/** Fake GPUs on the node (gres gpu); 2 when left out. */
	gpus?: number;
};

export type SlurmCluster = {
	/** Give it to every client command as SLURM_CONF (readable by every user). */
	confPath: string;
	partition: string;
	/** Unique among running sandbox clusters; jobs see it as SLURM_CLUSTER_NAME. */
	clusterName: string;
	/** The only node: this machine's short hostname. */
	nodeName: string;
	gpus: number;
	/** The cluster's folder (conf world-readable; state/ and log/ root-only). */
	dir: string;
	slurmctldLogPath: string;
	slurmdLogPath: string;
	/** jobcomp/filetxt: one line per finished job (JobId, UserId, JobState, ExitCode...); there is no sacct. */
	jobCompPath: string;
	slurmctldPort: number;
	slurmdPort: number;
	/** Environment for client commands run here as root: process.env plus SLURM_CONF. */
	env: NodeJS.ProcessEnv;
	timings: {installMs: number; startMs: number};
	/** Cancels its jobs (waits for them to end), shuts its daemons down, removes its folder. */
	stop(): Promise<void>;
};

const PARTITION = 'gpu';
const START_TIMEOUT_MS = 20_000;

const live = new Set<() => void>();
process.once('exit', () => {
	for (const cleanUp of live) cleanUp();
});

const delay = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

function tail(path: string, lines = 15): string {
	return existsSync(path) ? readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n') : '(no log)';
}

function writeFolder(layout: SlurmLayout): void {
	const paths = slurmPaths(layout.dir);
	// The submitting user's sbatch/squeue read slurm.conf and gres.conf; nothing else needs to be open.
	chmodSync(layout.dir, 0o755);
	for (const dir of [paths.ctldStateDir, paths.slurmdSpoolDir, paths.runDir, paths.logDir, paths.fakeDevDir]) {
		mkdirSync(dir, {recursive: true, mode: 0o755});
	}
	for (const device of fakeGpuDevices(layout.dir, layout.gpus)) {
		if (existsSync(device.path)) continue;
		const made = spawnSync('mknod', ['-m', '666', device.path, 'c', '195', String(device.minor)], {encoding: 'utf8'});
		if (made.status !== 0) throw new Error(`mknod ${device.path} failed: ${made.stderr}`);
	}
	writeFileSync(paths.gresConfPath, gresConf(layout), {mode: 0o644});
	writeFileSync(paths.confPath, slurmConf(layout), {mode: 0o644});
}

/** Node state as sinfo reports it (`idle`, `mixed`, `down*`, `inval`...), or '' while slurmctld does not answer. */
async function nodeState(env: NodeJS.ProcessEnv): Promise<string> {
	const result = await execa('sinfo', ['-h', '-o', '%T', '-p', PARTITION], {env, reject: false, timeout: 5000});
	return result.exitCode === 0 ? result.stdout.trim() : '';
}

type Started = {layout: SlurmLayout; env: NodeJS.ProcessEnv};

/** Starts both daemons on fresh ports and waits until the node is idle; throws with the logs if not. */
async function startDaemons(dir: string, gpus: number): Promise<Started> {
	const paths = slurmPaths(dir);
	for (let attempt = 1; ; attempt++) {
		const slurmctldPort = await freePort();
		const layout: SlurmLayout = {
			// Named after its port: unique among the clusters running now, so job names built from it are too.
			clusterName: `sandbox${slurmctldPort}`,
			dir,
			nodeName: hostname().split('.')[0]!,
			partition: PARTITION,
			gpus,
			slurmctldPort,
			slurmdPort: await freePort(),
		};
		// A failed attempt's state would name the old cluster (slurmctld refuses a mismatch).
		rmSync(paths.logDir, {recursive: true, force: true});
		rmSync(join(dir, 'state'), {recursive: true, force: true});
		writeFolder(layout);
		const env = {...process.env, SLURM_CONF: paths.confPath};
		// Both daemonize (the command returns once they have forked) and write their pid files.
		for (const daemon of ['slurmctld', 'slurmd']) {
			const result = await execa(daemon, ['-f', paths.confPath], {env, reject: false, all: true, stdin: 'ignore'});
			if (result.exitCode !== 0) throw new Error(`${daemon} did not start (exit ${result.exitCode}):\n${result.all}`);
		}
		const deadline = Date.now() + START_TIMEOUT_MS;
		let state = '';
		let failure = '';
		while (Date.now() < deadline) {
			state = await nodeState(env);
			if (state === 'idle') return {layout, env};
			const ctldAlive = daemonPid(paths.slurmctldPidPath, paths.confPath) !== undefined;
			const slurmdAlive = daemonPid(paths.slurmdPidPath, paths.confPath) !== undefined;
			// A pid file appears shortly after the fork; only a missing process with a written log is a failure.
			if (!ctldAlive && existsSync(paths.slurmctldPidPath)) failure = 'slurmctld exited';
			if (!slurmdAlive && existsSync(paths.slurmdPidPath)) failure = 'slurmd exited';
			if (failure) break;
			await delay(100);
		}
		const logs = `slurmctld.log:\n${tail(paths.slurmctldLogPath)}\nslurmd.log:\n${tail(paths.slurmdLogPath)}`;
		killDaemonsSync([paths.slurmctldPidPath, paths.slurmdPidPath], paths.confPath);
		// Another process may have taken a port between freePort() and the bind: try new ones.
		if (attempt < 3 && /Address already in use/i.test(logs)) continue;
		throw new Error(`sandbox Slurm cluster did not become idle (${failure || `node state '${state}'`} after ${attempt} attempt(s)):\n${logs}`);
	}
}

async function waitUntil(condition: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await condition()) return true;
		await delay(100);
	}
	return condition();
}

export async function startSlurmCluster(options: SlurmClusterOptions = {}): Promise<SlurmCluster> {
	const machine = await prepareSlurmMachine();
	const started = Date.now();
	const gpus = options.gpus ?? 2;
	const dir = mkdtempSync(join(tmpdir(), 'cosmos-slurm-'));
	const paths = slurmPaths(dir);
	const cleanUp = () => {
		killDaemonsSync([paths.slurmctldPidPath, paths.slurmdPidPath], paths.confPath);
		killJobsSync(dir);
		rmSync(dir, {recursive: true, force: true});
	};
	live.add(cleanUp);
	let ready: Started;
	try {
		ready = await startDaemons(dir, gpus);
	} catch (error) {
		cleanUp();
		live.delete(cleanUp);
		throw error;
	}
	const {layout, env} = ready;
	let stopping: Promise<void> | undefined;
	return {
		confPath: paths.confPath,
		partition: PARTITION,
		clusterName: layout.clusterName,
		nodeName: layout.nodeName,
		gpus,
		dir,
		slurmctldLogPath: paths.slurmctldLogPath,
		slurmdLogPath: paths.slurmdLogPath,
		jobCompPath: paths.jobCompPath,
		slurmctldPort: layout.slurmctldPort,
		slurmdPort: layout.slurmdPort,
		env,
		timings: {installMs: machine.installMs, startMs: Date.now() - started},
		stop() {
			stopping ??= (async () => {
				// Cancelled batch scripts get SIGTERM (and SIGKILL after KillWait), so their traps can remove containers.
				await execa('scancel', ['--partition', PARTITION], {env, reject: false});
				await waitUntil(async () => {
					const queue = await execa('squeue', ['-h', '-t', 'PENDING,RUNNING,COMPLETING,SUSPENDED', '-o', '%i'], {env, reject: false});
					return queue.exitCode !== 0 || queue.stdout.trim() === '';
				}, 15_000);
				await execa('scontrol', ['shutdown'], {env, reject: false});
				const gone = () => daemonPid(paths.slurmctldPidPath, paths.confPath) === undefined && daemonPid(paths.slurmdPidPath, paths.confPath) === undefined;
				await waitUntil(gone, 10_000);
				cleanUp();
				live.delete(cleanUp);
			})();
			return stopping;
		},
	};
}
