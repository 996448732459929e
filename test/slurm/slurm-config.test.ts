// The [slurm] section and [remote] kind: defaults, validation of each key, and a [hosts.NAME]
// Slurm host that takes [slurm] and [remote] defaults and overrides its own keys.
import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {configuredHosts} from '../../source/config/hosts.js';
import {loadConfig} from '../../source/config/load-config.js';
import {DEFAULT_CONFIG, HOST_KEY_SECTIONS, SCHEMA, type Config} from '../../source/config/schema.js';
import {ConfigError} from '../../source/domain/errors.js';
import {tempDir} from '../helpers/temp.js';

async function load(text: string, env: NodeJS.ProcessEnv = {}): Promise<Config> {
	const {dir, cleanup} = await tempDir();
	try {
		const file = path.join(dir, 'cosmos.toml');
		await writeFile(file, text);
		return loadConfig({flag: file, env, cwd: dir, home: dir}).config;
	} finally {
		await cleanup();
	}
}

test('defaults: a docker host; [slurm] asks for gpu:{n}, runs docker in the job, no limits set', async t => {
	const config = await load('');
	t.is(config.remote.kind, 'docker');
	t.deepEqual(config.slurm, {partition: '', account: '', qos: '', time_limit: '', gres: 'gpu:{n}', sbatch_args: [], container: 'docker', env_setup: '', max_submitted: 0, batch: false});
	t.deepEqual(config.slurm, DEFAULT_CONFIG.slurm);
});

test('a full [slurm] section and kind = "slurm" load as written', async t => {
	const config = await load(`
[remote]
host = "login.cluster"
kind = "slurm"

[slurm]
partition = "gpu"
account = "proj_7"
qos = "normal"
time_limit = "2-00:00:00"
gres = "gpu:h100:{n}"
sbatch_args = ["--constraint=nvlink", "-C", "--exclusive"]
container = "enroot"
env_setup = "~/cosmos/.venv/bin/activate"
max_submitted = 8
batch = true
`);
	t.is(config.remote.kind, 'slurm');
	t.deepEqual(config.slurm, {partition: 'gpu', account: 'proj_7', qos: 'normal', time_limit: '2-00:00:00', gres: 'gpu:h100:{n}', sbatch_args: ['--constraint=nvlink', '-C', '--exclusive'], container: 'enroot', env_setup: '~/cosmos/.venv/bin/activate', max_submitted: 8, batch: true});
});

test('time_limit takes every Slurm format and refuses others', t => {
	const parse = (value: unknown) => SCHEMA.slurm.time_limit.parse(value).ok;
	for (const good of ['', '30', '30:00', '12:00:00', '1-12', '1-12:30', '1-12:30:15', 'UNLIMITED', 'INFINITE']) t.true(parse(good), good);
	for (const bad of ['1h', '1:2:3:4', '-5', '1-', '1-2-3', 'unlimited ', '10 ', ' 10', '$(id)', 30]) t.false(parse(bad), String(bad));
});

test('gres must contain {n}; names allow letters, digits, "_", ".", "-" (partition: a comma list too)', t => {
	const ok = (key: 'gres' | 'partition' | 'account' | 'qos', value: unknown) => SCHEMA.slurm[key].parse(value).ok;
	for (const good of ['gpu:{n}', 'gpu:h100:{n}', 'gpu:a100_80g:{n},shard:1']) t.true(ok('gres', good), good);
	for (const bad of ['gpu:2', '', 'gpu:{n} ', 'gpu:{n};id', '{n}{x}', 'gpu:{N}']) t.false(ok('gres', bad), bad);
	for (const key of ['partition', 'account', 'qos'] as const) {
		for (const good of ['', 'gpu', 'a100-80g', 'proj_7.x']) t.true(ok(key, good), `${key} ${good}`);
		for (const bad of ['a b', 'gpu;id', '$(id)', 'a\nb', 'ä', 7]) t.false(ok(key, bad), `${key} ${String(bad)}`);
	}
	t.true(ok('partition', 'gpu,long'));
	t.false(ok('account', 'a,b'));
	t.false(ok('partition', 'gpu,'));
});

test('errors name the key and what it must be', async t => {
	const cases: Array<[string, RegExp]> = [
		['[remote]\nkind = "k8s"', /\[remote\] kind must be one of docker, slurm, got "k8s"/],
		['[slurm]\ngres = "gpu:2"', /\[slurm\] gres must be a GRES request containing \{n\}/],
		['[slurm]\ntime_limit = "1h"', /\[slurm\] time_limit must be a Slurm time limit: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS or UNLIMITED, got "1h"/],
		['[slurm]\nsbatch_args = ["--exclusive", "job.sh"]', /\[slurm\] sbatch_args must be a list of sbatch options, each starting with "-"/],
		['[slurm]\nsbatch_args = "--exclusive"', /\[slurm\] sbatch_args must be a list of sbatch options/],
		['[slurm]\ncontainer = "singularity"', /\[slurm\] container must be one of podman, docker, enroot, apptainer, none/],
		['[slurm]\nmax_submitted = -1', /\[slurm\] max_submitted must be/],
		['[slurm]\nmax_submitted = 1.5', /\[slurm\] max_submitted must be/],
		['[slurm]\nqos = "a b"', /\[slurm\] qos must be a Slurm QOS name/],
		['[slurm]\npartitions = "gpu"', /unknown key \[slurm\] partitions \(known: partition, account, qos, time_limit, gres, sbatch_args, container, env_setup, max_submitted, batch\)/],
		['[hosts.c1]\ntime_limit = "soon"', /\[hosts\.c1\] time_limit must be a Slurm time limit/],
	];
	for (const [text, message] of cases) await t.throwsAsync(load(text), {instanceOf: ConfigError, message}, text);
});

test('environment overrides: COSMOS_SLURM_* and COSMOS_REMOTE_KIND, lists whitespace-separated', async t => {
	const config = await load('', {COSMOS_REMOTE_KIND: 'slurm', COSMOS_SLURM_SBATCH_ARGS: '--exclusive --constraint=a100', COSMOS_SLURM_MAX_SUBMITTED: '4', COSMOS_SLURM_CONTAINER: 'apptainer'});
	t.is(config.remote.kind, 'slurm');
	t.deepEqual(config.slurm.sbatch_args, ['--exclusive', '--constraint=a100']);
	t.is(config.slurm.max_submitted, 4);
	t.is(config.slurm.container, 'apptainer');
});

test('every [slurm] key and kind may be set per host; a Slurm host gets [slurm] defaults under its own keys', async t => {
	for (const key of Object.keys(SCHEMA.slurm)) t.is(HOST_KEY_SECTIONS[key as keyof typeof HOST_KEY_SECTIONS], 'slurm', key);
	t.is(HOST_KEY_SECTIONS.kind, 'remote');
	const config = await load(`
[remote]
host = "gpu-box"

[slurm]
partition = "gpu"
sbatch_args = ["--exclusive"]

[hosts.cluster]
host = "login.hpc"
kind = "slurm"
container = "apptainer"
gres = "gpu:a100:{n}"
time_limit = "4:00:00"
`);
	const [box, cluster] = configuredHosts(config);
	t.is(box?.config.remote.kind, 'docker');
	t.is(cluster?.name, 'cluster');
	t.is(cluster?.config.remote.kind, 'slurm');
	t.deepEqual(cluster?.config.slurm, {...DEFAULT_CONFIG.slurm, partition: 'gpu', sbatch_args: ['--exclusive'], container: 'apptainer', gres: 'gpu:a100:{n}', time_limit: '4:00:00'});
	// Cloned per host: no two hosts share the list.
	t.not(cluster?.config.slurm.sbatch_args, config.slurm.sbatch_args);
	t.is(box?.config.slurm.container, 'docker');
});
