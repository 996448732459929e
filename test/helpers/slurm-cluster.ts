// Test harness: a real single-machine Slurm cluster, alone or behind the sandbox SSH host.
//
//   import {startSlurmSandbox, type SlurmSandbox} from '../helpers/slurm-cluster.js';
//   let slurm: SlurmSandbox;
//   test.before(async () => { slurm = await startSlurmSandbox({gpus: 2}); });
//   test.after.always(async () => { await slurm?.stop(); });
//
// slurm.sandbox is a sandbox GPU host (test/helpers/sandbox-host.ts) whose SSH sessions have
// SLURM_CONF set, so `sbatch`, `squeue`, `scontrol`, `scancel`, `sinfo` work as on a login node;
// slurm.cluster is the cluster (one node named after this machine, partition `gpu`, fake GPUs that
// give jobs CUDA_VISIBLE_DEVICES). No sacct: there is no accounting database; finished jobs stay
// visible to squeue/scontrol for 300 s and are logged in cluster.jobCompPath. Needs root; the first
// call per machine installs munge and Slurm from Debian's packages.
import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {NodeSSH} from 'node-ssh';
import type {SandboxHost} from '../../sandbox/host/sandbox-host.js';
import {parseScontrolRecords} from '../../source/executor/slurm/slurm-parse.js';

export {startSlurmCluster, type SlurmCluster, type SlurmClusterOptions} from '../../sandbox/slurm/slurm-cluster.js';
export {startSlurmSandbox, type SlurmSandbox, type SlurmSandboxOptions} from '../../sandbox/slurm/slurm-host.js';

/** True when this machine can run the cluster (root). */
export function canRunSlurm(): boolean {
	return process.getuid?.() === 0;
}

/** `scontrol show job -o` records: the product's parser (one `Key=Value` record per line). */
export {parseScontrolRecords} from '../../source/executor/slurm/slurm-parse.js';

/** The job's scontrol record, or undefined when Slurm no longer knows it. */
export async function jobRecord(ssh: NodeSSH, jobId: string): Promise<Record<string, string> | undefined> {
	const result = await ssh.execCommand(`scontrol show job -o ${jobId}`);
	if (result.code !== 0) return undefined;
	return parseScontrolRecords(result.stdout)[0];
}

/** Polls `check` until it returns a value (not undefined), every 100 ms, for at most timeoutMs. */
export async function pollUntil<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise(resolve => setTimeout(resolve, 100));
	}
}

/** Polls the job until its scontrol record satisfies accept; returns that record. */
export async function waitForJob(ssh: NodeSSH, jobId: string, accept: (job: Record<string, string>) => boolean, timeoutMs = 15_000): Promise<Record<string, string>> {
	let seen: Record<string, string> | undefined;
	try {
		return await pollUntil(async () => {
			seen = await jobRecord(ssh, jobId);
			return seen && accept(seen) ? seen : undefined;
		}, timeoutMs, `job ${jobId}`);
	} catch (error) {
		throw new Error(`${(error as Error).message}; last seen: JobState=${seen?.JobState} Reason=${seen?.Reason} ExitCode=${seen?.ExitCode}`);
	}
}

/**
 * Uploads a batch script by SFTP into `<remoteDir>/slurm/` (never through a command line) and
 * submits it there with `sbatch --parsable` plus extra options. Returns sbatch's result; the job
 * id is `stdout` when code is 0; sbatchStarted/sbatchMs time the sbatch command alone.
 */
export async function submitScript(
	ssh: NodeSSH,
	sandbox: SandboxHost,
	name: string,
	script: string,
	sbatchOptions: string[] = [],
): Promise<{code: number | null; stdout: string; stderr: string; remotePath: string; sbatchStarted: number; sbatchMs: number}> {
	const remoteFolder = `${sandbox.remoteDir}/slurm`;
	const local = join(sandbox.dir, `upload-${name}`);
	writeFileSync(local, script);
	await ssh.mkdir(remoteFolder, 'sftp');
	const remotePath = `${remoteFolder}/${name}`;
	await ssh.putFile(local, remotePath);
	const sbatchStarted = Date.now();
	const result = await ssh.execCommand(['sbatch', '--parsable', ...sbatchOptions, name].join(' '), {cwd: remoteFolder});
	return {code: result.code, stdout: result.stdout, stderr: result.stderr, remotePath, sbatchStarted, sbatchMs: Date.now() - sbatchStarted};
}
