// A sandbox GPU host (sandbox/host) whose login user also reaches a sandbox Slurm cluster:
// sbatch/squeue/scontrol/scancel over non-interactive SSH see SLURM_CONF, as on a login node
// whose /etc/slurm/slurm.conf is set up. Jobs run as that user with the session's environment
// (sbatch's default --export=ALL), so `docker` (the shim over rootful podman) works inside them.
//
// startSandboxHost() writes sshd_config and starts sshd in one step, so the variable is added
// afterwards: the SetEnv line is extended and sshd gets SIGHUP, which makes it re-execute itself
// (same pid, same port, new config). Only the first SetEnv line counts in sshd_config, hence the edit.
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {execa} from 'execa';
import {type SandboxHost, type SandboxHostOptions, startSandboxHost} from '../host/sandbox-host.js';
import {SSHD} from '../host/sshd.js';
import {type SlurmCluster, startSlurmCluster} from './slurm-cluster.js';
import {greets} from '../host/sshd.js';

export type SlurmSandboxOptions = {
	/** Fake GPUs in Slurm and rows in the host's nvidia-smi; 2 when left out. */
	gpus?: number;
	host?: Omit<SandboxHostOptions, 'gpus'>;
};

export type SlurmSandbox = {
	sandbox: SandboxHost;
	cluster: SlurmCluster;
	timings: {hostStartMs: number; clusterStartMs: number; installMs: number; sshdReloadMs: number};
	/** Stops the cluster (cancelling its jobs first), then the host. */
	stop(): Promise<void>;
};

/** sshd_config with `name=value` added to its (first) SetEnv line. Pure; values must not hold spaces. */
export function withSshdEnv(config: string, variables: Record<string, string>): string {
	const added = Object.entries(variables).map(([name, value]) => {
		if (/[\s"]/.test(value) || !/^\w+$/.test(name)) throw new Error(`cannot put ${name}=${value} into sshd SetEnv`);
		return `${name}=${value}`;
	});
	const lines = config.split('\n');
	const index = lines.findIndex(line => line.startsWith('SetEnv '));
	if (index === -1) return [...lines.slice(0, -1), `SetEnv ${added.join(' ')}`, lines.at(-1)!].join('\n');
	lines[index] = `${lines[index]} ${added.join(' ')}`;
	return lines.join('\n');
}

const countOf = (text: string, part: string) => text.split(part).length - 1;

/** Adds variables to the sandbox's sshd environment and waits until the restarted sshd greets again. */
export async function addSshdEnv(sandbox: SandboxHost, variables: Record<string, string>): Promise<void> {
	const configPath = join(sandbox.dir, 'sshd_config');
	writeFileSync(configPath, withSshdEnv(readFileSync(configPath, 'utf8'), variables), {mode: 0o644});
	const check = await execa(SSHD, ['-t', '-f', configPath], {reject: false, all: true});
	if (check.exitCode !== 0) throw new Error(`sshd rejected the extended configuration:\n${check.all}`);
	const listening = `Server listening on 127.0.0.1 port ${sandbox.port}.`;
	const before = countOf(readFileSync(sandbox.sshdLogPath, 'utf8'), listening);
	process.kill(sandbox.sshdPid, 'SIGHUP');
	const deadline = Date.now() + 10_000;
	while (Date.now() < deadline) {
		// The log line proves the re-executed sshd has bound the port again.
		if (countOf(readFileSync(sandbox.sshdLogPath, 'utf8'), listening) > before && (await greets(sandbox.port))) return;
		await new Promise(resolve => setTimeout(resolve, 20));
	}
	throw new Error(`sshd did not come back after SIGHUP:\n${readFileSync(sandbox.sshdLogPath, 'utf8').split('\n').slice(-20).join('\n')}`);
}

export async function startSlurmSandbox(options: SlurmSandboxOptions = {}): Promise<SlurmSandbox> {
	const gpus = options.gpus ?? 2;
	const hostStarted = Date.now();
	const [host, cluster] = await Promise.allSettled([
		startSandboxHost({...options.host, gpus}).then(sandbox => ({sandbox, ms: Date.now() - hostStarted})),
		startSlurmCluster({gpus}),
	]);
	if (host.status === 'rejected' || cluster.status === 'rejected') {
		if (host.status === 'fulfilled') await host.value.sandbox.stop();
		if (cluster.status === 'fulfilled') await cluster.value.stop();
		throw host.status === 'rejected' ? host.reason : (cluster as PromiseRejectedResult).reason;
	}
	const {sandbox} = host.value;
	const reloadStarted = Date.now();
	try {
		await addSshdEnv(sandbox, {SLURM_CONF: cluster.value.confPath});
	} catch (error) {
		await cluster.value.stop();
		await sandbox.stop();
		throw error;
	}
	let stopping: Promise<void> | undefined;
	return {
		sandbox,
		cluster: cluster.value,
		timings: {
			hostStartMs: host.value.ms,
			clusterStartMs: cluster.value.timings.startMs,
			installMs: cluster.value.timings.installMs,
			sshdReloadMs: Date.now() - reloadStarted,
		},
		stop() {
			stopping ??= (async () => {
				try {
					await cluster.value.stop();
				} finally {
					await sandbox.stop();
				}
			})();
			return stopping;
		},
	};
}
