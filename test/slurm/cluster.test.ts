// A real single-machine Slurm cluster (munged, slurmctld, slurmd) with two fake GPUs, driven the way
// the Slurm GPU host will be: over SSH as the sandbox user, scripts uploaded by SFTP, sbatch,
// squeue/scontrol, scancel. Serial: the tests share the cluster's two GPUs.
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import type {NodeSSH} from 'node-ssh';
import {connectToSandbox} from '../helpers/sandbox-host.js';
import {type SlurmSandbox, canRunSlurm, jobRecord, pollUntil, startSlurmSandbox, submitScript, waitForJob} from '../helpers/slurm-cluster.js';

const serial = canRunSlurm() ? test.serial : test.serial.skip;
let slurm: SlurmSandbox;
let ssh: NodeSSH;

test.before(async t => {
	if (!canRunSlurm()) return;
	slurm = await startSlurmSandbox({gpus: 2});
	ssh = await connectToSandbox(slurm.sandbox);
	t.log(`timings (ms): ${JSON.stringify(slurm.timings)}`);
});
test.after.always(async () => {
	ssh?.dispose();
	await slurm?.stop();
});

/** A batch script that prints its GPU, then waits for `release-<tag>` in its folder and exits with `code`. */
const heldScript = (tag: string, code: number) => `#!/bin/sh
#SBATCH --job-name=held-${tag}
#SBATCH --gres=gpu:1
#SBATCH --output=%x-%j.out
echo "CUDA_VISIBLE_DEVICES=$CUDA_VISIBLE_DEVICES"
while [ ! -e release-${tag} ]; do sleep 0.1; done
exit ${code}
`;

const release = (tag: string) => ssh.execCommand(`touch ${slurm.sandbox.remoteDir}/slurm/release-${tag}`);
/** The job's output file as far as written ('' until slurmstepd creates it). */
const outputOf = (job: Record<string, string>) => (existsSync(job.StdOut!) ? readFileSync(job.StdOut!, 'utf8') : '');

serial('the session sees SLURM_CONF; sinfo shows the idle gpu partition with two GPUs', async t => {
	const result = await ssh.execCommand('echo "$SLURM_CONF"; sinfo -h -o "%P %T %G %N"');
	t.is(result.code, 0, result.stderr);
	t.deepEqual(result.stdout.split('\n'), [slurm.cluster.confPath, `gpu* idle gpu:2 ${slurm.cluster.nodeName}`]);
});

serial('an uploaded script runs as the sandbox user with a GPU; its exit code 3 reaches scontrol', async t => {
	t.teardown(async () => release('exit3'));
	const sbatch = await submitScript(ssh, slurm.sandbox, 'exit3.sh', heldScript('exit3', 3));
	t.is(sbatch.code, 0, sbatch.stderr);
	const jobId = sbatch.stdout.trim();
	t.regex(jobId, /^\d+$/);

	const running = await waitForJob(ssh, jobId, job => job.JobState === 'RUNNING');
	t.log(`sbatch over SSH: ${sbatch.sbatchMs} ms; sbatch start -> RUNNING seen: ${Date.now() - sbatch.sbatchStarted} ms`);
	t.is(running.UserId?.split('(')[0], slurm.sandbox.username);
	const queue = await ssh.execCommand(`squeue -h -j ${jobId} -o "%i %T %u"`);
	t.is(queue.stdout, `${jobId} RUNNING ${slurm.sandbox.username}`);
	const stdout = running.StdOut!;
	t.is(stdout, join(slurm.sandbox.remoteDir, 'slurm', `held-exit3-${jobId}.out`));
	await pollUntil(async () => (/^CUDA_VISIBLE_DEVICES=[01]$/m.test(outputOf(running)) ? true : undefined), 10_000, 'the output line');

	await release('exit3');
	const finished = await waitForJob(ssh, jobId, job => job.JobState === 'FAILED');
	t.is(finished.ExitCode, '3:0');
	t.is(finished.Reason, 'NonZeroExitCode');
	const listed = await ssh.execCommand(`squeue -h -t all -j ${jobId} -o "%T"`);
	t.is(listed.stdout, 'FAILED');
});

serial('three one-GPU jobs on two GPUs: two run on different GPUs, one waits for Resources', async t => {
	const ids: string[] = [];
	t.teardown(async () => release('three'));
	for (const index of [1, 2, 3]) {
		const sbatch = await submitScript(ssh, slurm.sandbox, `three-${index}.sh`, heldScript('three', 0));
		t.is(sbatch.code, 0, sbatch.stderr);
		ids.push(sbatch.stdout.trim());
	}
	const jobs = await pollUntil(async () => {
		const records = await Promise.all(ids.map(async id => jobRecord(ssh, id)));
		const states = records.map(job => `${job?.JobState}/${job?.Reason}`);
		const settled = states.filter(state => state === 'RUNNING/None').length === 2 && states.includes('PENDING/Resources');
		return settled ? (records as Array<Record<string, string>>) : undefined;
	}, 15_000, 'two RUNNING and one PENDING (Resources)');
	const running = jobs.filter(job => job.JobState === 'RUNNING');
	const devices = await Promise.all(
		running.map(async job => pollUntil(async () => /^CUDA_VISIBLE_DEVICES=(\d)$/m.exec(outputOf(job))?.[1], 10_000, 'the output line')),
	);
	t.deepEqual(devices.sort(), ['0', '1']);

	await release('three');
	for (const id of ids) await waitForJob(ssh, id, job => job.JobState === 'COMPLETED');
	t.pass();
});

serial('more GPUs than the node has is refused at submit with Slurm\'s message', async t => {
	const sbatch = await submitScript(ssh, slurm.sandbox, 'too-many.sh', heldScript('too-many', 0), ['--gres=gpu:3']);
	t.is(sbatch.code, 1);
	t.is(sbatch.stdout, '');
	t.regex(sbatch.stderr, /Requested node configuration is not available/);
});

/**
 * Runs the cosmos-sim image through the docker shim; TERM (scancel) removes the container (see the
 * Slurm note). The GPU goes in as `-e NAME=value`: the shim runs `sudo -n`, which drops the job's
 * environment, so the pass-through form `-e CUDA_VISIBLE_DEVICES` would arrive empty. The mount
 * of the job's folder lets sandbox.stop() find the container should the test fail half-way.
 */
const containerScript = `#!/bin/sh
#SBATCH --job-name=container
#SBATCH --gres=gpu:1
#SBATCH --output=%x-%j.out
# Job ids start at 1 in every cluster and container names are machine-wide: the cluster name keeps parallel test files apart.
name=$SLURM_CLUSTER_NAME-job-$SLURM_JOB_ID
docker run -d --name "$name" -v "$PWD:/job" -e "CUDA_VISIBLE_DEVICES=$CUDA_VISIBLE_DEVICES" cosmos-sim:latest sh -c 'echo "container gpu=$CUDA_VISIBLE_DEVICES"; exec sleep 600' >/dev/null || exit 1
trap 'docker rm -f -t 2 "$name" >/dev/null 2>&1; exit 143' TERM
docker logs -f "$name" &
docker wait "$name" > "exit-$SLURM_JOB_ID" &
wait $!
rc=$(cat "exit-$SLURM_JOB_ID")
docker rm "$name" >/dev/null 2>&1
exit "$rc"
`;

serial('a job running a container: scancel ends the job as CANCELLED and leaves no container behind', async t => {
	const sbatch = await submitScript(ssh, slurm.sandbox, 'container.sh', containerScript);
	t.is(sbatch.code, 0, sbatch.stderr);
	const jobId = sbatch.stdout.trim();
	t.teardown(async () => ssh.execCommand(`scancel ${jobId}`));
	const container = `${slurm.cluster.clusterName}-job-${jobId}`;
	const running = await waitForJob(ssh, jobId, job => job.JobState === 'RUNNING');
	await pollUntil(async () => (/^container gpu=[01]$/m.test(outputOf(running)) ? true : undefined), 20_000, 'the container\'s first line');
	const listed = await ssh.execCommand(`docker ps --filter name=^${container}$ --format "{{.Names}} {{.Status}}"`);
	t.regex(listed.stdout, new RegExp(`^${container} Up`));

	const cancelled = Date.now();
	const scancel = await ssh.execCommand(`scancel ${jobId}`);
	t.is(scancel.code, 0, scancel.stderr);
	await waitForJob(ssh, jobId, job => job.JobState === 'CANCELLED');
	t.log(`scancel -> CANCELLED: ${Date.now() - cancelled} ms`);
	await pollUntil(async () => {
		const left = await ssh.execCommand(`docker ps -a --filter name=^${container}$ --format "{{.Names}}"`);
		return left.code === 0 && left.stdout === '' ? true : undefined;
	}, 15_000, `container ${container} to be removed`);
	t.log(`scancel -> container gone: ${Date.now() - cancelled} ms`);
	await pollUntil(async () => (/CANCELLED AT/.test(outputOf(running)) ? true : undefined), 5000, 'slurmstepd\'s cancel line');
});
