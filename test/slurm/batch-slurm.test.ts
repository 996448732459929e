// Batches on a Slurm host ([slurm] batch = true): the real command line against the single-machine
// cluster. A sweep goes as ONE sbatch job (transfer.py --batch_input_path inside it), and each run
// keeps its own output and verdict; a sample the guardrail blocks fails only its run.
import {readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import type {Run} from '../../source/domain/model.js';
import {canRunSlurm} from '../helpers/slurm-cluster.js';
import {slurmCli} from '../helpers/slurm-cli.js';

const serial = canRunSlurm() ? test.serial : test.serial.skip;
const cli = slurmCli('cosmos-slurm-batch-');

serial('a sweep on a Slurm host with [slurm] batch runs as one job; each run its own output; a blocked sample fails only its run', async t => {
	const config = path.join(cli.dir, 'cosmos.toml');
	await writeFile(config, (await readFile(config, 'utf8')).replace(/^\[slurm\]$/m, '[slurm]\nbatch = true'));
	const created = await cli.run('prompt', 'create', 'a street in the rain [cosmos-sim fail_sample=1]', cli.inputs, '--json');
	t.is(created.code, 0, created.stderr);
	const {id} = JSON.parse(created.stdout) as {id: string};
	const swept = await cli.run('sweep', id, '--vis', '0.2,0.5,0.8', '--json');
	const runs = JSON.parse(swept.stdout) as Run[];
	t.deepEqual(runs.map(run => run.batch?.size), [3, 3, 3]);
	t.is(new Set(runs.map(run => run.remote?.job)).size, 1, 'one Slurm job for the three');
	t.is(runs[0]!.remote?.backend, 'slurm');
	const byIndex = [...runs].sort((a, b) => a.batch!.index - b.batch!.index);
	t.deepEqual(byIndex.map(run => run.status), ['success', 'failed', 'success']);
	t.is(byIndex[1]!.failure_kind, 'guardrail');
	for (const run of [byIndex[0]!, byIndex[2]!]) t.true((await readFile(run.outputs.video!)).length > 0, `${run.id} has its video`);
	t.not(byIndex[0]!.outputs.video, byIndex[2]!.outputs.video);
	t.is(swept.code, 1, 'a failed run makes the command fail');
});
