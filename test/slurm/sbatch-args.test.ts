// sbatch's argv for a run: one `--option=value` word per setting, the extra options as given,
// the job script last; gres with the run's GPU count.
import test from 'ava';
import {DEFAULT_CONFIG} from '../../source/config/schema.js';
import {ConfigError} from '../../source/domain/errors.js';
import {gresFor, sbatchArgs} from '../../source/executor/slurm/sbatch-args.js';
import {buildCommand} from '../../source/executor/shell-quote.js';

const runDir = '/shared/cosmos/.cosmos-tui/runs/r1';
const slurm = DEFAULT_CONFIG.slurm;

test('the defaults: parsable, named after the run, output in the run folder, gpu:{n}, no requeue, the script last', t => {
	t.deepEqual(sbatchArgs({runId: 'r1', runDir, numGpus: 1, slurm}), [
		'sbatch',
		'--parsable',
		'--job-name=cosmos-tui-r1',
		`--output=${runDir}/slurm.out`,
		'--gres=gpu:1',
		'--no-requeue',
		`${runDir}/job.sh`,
	]);
});

test('partition, account, qos, time limit and extra options when set; gres typed with the count', t => {
	const args = sbatchArgs({
		runId: 'r1',
		runDir,
		numGpus: 4,
		slurm: {...slurm, partition: 'gpu,long', account: 'proj-7', qos: 'high', time_limit: '1-12:00', gres: 'gpu:h100:{n}', sbatch_args: ['--constraint=nvlink', '-N1']},
	});
	t.deepEqual(args.slice(4), [
		'--gres=gpu:h100:4',
		'--partition=gpu,long',
		'--account=proj-7',
		'--qos=high',
		'--time=1-12:00',
		'--no-requeue',
		'--constraint=nvlink',
		'-N1',
		`${runDir}/job.sh`,
	]);
});

test('gresFor replaces every {n}; a template without it, or a bad count, is refused', t => {
	t.is(gresFor('gpu:{n}', 2), 'gpu:2');
	t.is(gresFor('gpu:a100:{n},shard:{n}', 3), 'gpu:a100:3,shard:3');
	t.throws(() => gresFor('gpu:2', 2), {instanceOf: ConfigError, message: /\{n\}/});
	t.throws(() => gresFor('gpu:{n}', 0), {instanceOf: ConfigError});
	t.throws(() => gresFor('gpu:{n}', 1.5), {instanceOf: ConfigError});
});

test('values stay inside their option word: hostile settings never become options or shell text', t => {
	const hostile = '$(touch /tmp/pwned) --wrap=id';
	const args = sbatchArgs({runId: 'r1', runDir, numGpus: 1, slurm: {...slurm, partition: hostile, account: hostile}});
	t.true(args.includes(`--partition=${hostile}`));
	t.true(args.includes(`--account=${hostile}`));
	t.false(args.includes('--wrap=id'));
	t.true(buildCommand(args).includes(`'--partition=$(touch /tmp/pwned) --wrap=id'`));
	t.throws(() => sbatchArgs({runId: 'r1', runDir, numGpus: 1, slurm: {...slurm, qos: 'a\nb'}}), {instanceOf: ConfigError});
});

test('refused: extra arguments that are not options, a bad run id, and run folders sbatch would rewrite', t => {
	t.throws(() => sbatchArgs({runId: 'r1', runDir, numGpus: 1, slurm: {...slurm, sbatch_args: ['/tmp/other.sh']}}), {instanceOf: ConfigError, message: /start/});
	t.throws(() => sbatchArgs({runId: '../x', runDir, numGpus: 1, slurm}));
	for (const bad of ['relative/runs/r1', '/shared/%j/runs/r1', '/shared/a\\b/r1', '/shared/a\nb/r1']) {
		t.throws(() => sbatchArgs({runId: 'r1', runDir: bad, numGpus: 1, slurm}), {instanceOf: ConfigError}, bad);
	}
});
