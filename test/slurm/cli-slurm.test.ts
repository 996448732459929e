// The real command line with a Slurm cluster as the GPU host (startSlurmSandbox: sbatch over the
// loopback sshd, the cosmos-sim stand-in in a container started inside the job): the same commands
// as for a Docker host, with Slurm doing the queueing and the placement.
import {readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {containerGpus} from '../helpers/sandbox-gpus.js';
import {canRunSlurm, pollUntil} from '../helpers/slurm-cluster.js';
import {slurmCli} from '../helpers/slurm-cli.js';

const serial = canRunSlurm() ? test.serial : test.serial.skip;
const cli = slurmCli('cosmos-slurm-cli-');
const {run} = cli;
const simulate = (options: Record<string, unknown>) => writeFile(path.join(cli.slurm.sandbox.remoteDir, 'cosmos-sim.json'), JSON.stringify(options));
type RunJson = {id: string; status: string; outputs: {video?: string}; metrics: Record<string, number | string>; failure_kind: string | null; remote: {backend: string; job: string} | null};
const show = async (id: string) => (JSON.parse((await run('show', id, '--json')).stdout) as {run: RunJson}).run;

serial('run on a Slurm host streams the log to the end; the run records its Slurm job; a marked prompt fails as oom', async t => {
	await simulate({mode: 'ok', clips: 2});
	const result = await run('run', 'A foggy harbour at dawn', cli.inputs, '--weights', 'vis=0.3,edge=0.6');
	t.is(result.code, 0, result.stderr);
	t.regex(result.stdout, /Saved video to/);
	const id = /\b(rs_[0-9a-f]{12})\b/.exec(result.stderr)?.[1];
	t.truthy(id);
	const done = await show(id!);
	t.is(done.status, 'success');
	t.is(done.remote?.backend, 'slurm');
	t.regex(done.remote?.job ?? '', /^\d+$/);
	t.is(done.metrics['slurm_state'], 'COMPLETED');
	t.true((await readFile(done.outputs.video!)).length > 0);

	const failed = await run('run', 'A harbour [cosmos-sim oom]', cli.inputs, '--json');
	t.is(failed.code, 1, failed.stderr);
	const [oom] = JSON.parse(failed.stdout) as RunJson[];
	t.is(oom!.failure_kind, 'oom');

	// A job that fails on its own (the child exits 3; torchrun reports it and exits 1).
	const exited = await run('run', 'A harbour [cosmos-sim mode=exit code=3]', cli.inputs, '--json');
	t.is(exited.code, 1, exited.stderr);
	const [three] = JSON.parse(exited.stdout) as RunJson[];
	t.is(three!.status, 'failed');
	t.is(three!.failure_kind, 'other');
	t.is(three!.metrics['slurm_state'], 'FAILED');
	t.regex(await readFile(path.join(cli.dir, 'data', 'runs', three!.id, 'run.log'), 'utf8'), /exitcode\s*: 3\b/);
});

serial('three runs on two GPUs: Slurm runs two and queues one (its reason shown); cancel takes a pending and a running run', async t => {
	await simulate({mode: 'slow', seconds: 60, clips: 2});
	const ids: string[] = [];
	for (const text of ['one', 'two', 'three']) {
		const submitted = await run('run', `A slow ${text}`, cli.inputs, '--detach');
		t.is(submitted.code, 0, submitted.stderr);
		ids.push(submitted.stdout.trim());
	}
	// All three go to Slurm at once (it queues them itself); one waits for a GPU.
	// Only with both GPUs taken is the waiting one settled (a job can wait a moment before the
	// scheduler's first pass starts it): two runs past the queue, one queued on the cluster.
	const pending = await pollUntil(async () => {
		const runs = await Promise.all(ids.map(show));
		const waits = (candidate: RunJson) => (candidate as RunJson & {progress?: {message: string} | null}).progress?.message.startsWith('queued on cluster') === true;
		const queued = runs.filter(candidate => waits(candidate));
		return runs.every(candidate => candidate.status === 'running') && queued.length === 1 ? queued[0] : undefined;
	}, 60_000, 'two runs running and one queued on the cluster');
	const shown = await run('show', pending.id);
	t.regex(shown.stdout, /queued on cluster: (Resources|Priority)/);
	const running = ids.find(id => id !== pending.id)!;
	for (const id of [pending.id, running]) t.is((await run('cancel', id)).code, 0);
	for (const id of [pending.id, running]) await pollUntil(async () => ((await show(id)).status === 'cancelled' ? true : undefined), 60_000, `${id} cancelled`);
	const last = ids.find(id => id !== pending.id && id !== running)!;
	t.is((await run('cancel', last)).code, 0);
	const left = (await containerGpus(cli.slurm.sandbox)).map(container => container.runId);
	for (const id of [pending.id, running]) t.false(left.includes(id), 'no container left');
});

