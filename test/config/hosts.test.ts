import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {ConfigError} from '../../source/domain/errors.js';
import {configuredHosts} from '../../source/config/hosts.js';
import {loadConfig} from '../../source/config/load-config.js';
import {DEFAULT_CONFIG, type Config} from '../../source/config/schema.js';
import {tempDir} from '../helpers/temp.js';

const env = {} as NodeJS.ProcessEnv;

/** Loads `text` as the config file of a fresh temp dir. */
async function load(text: string, environment: NodeJS.ProcessEnv = env): Promise<Config> {
	const {dir, cleanup} = await tempDir();
	try {
		const file = path.join(dir, 'cosmos.toml');
		await writeFile(file, text);
		return loadConfig({flag: file, env: environment, cwd: dir, home: dir}).config;
	} finally {
		await cleanup();
	}
}

const SEVERAL = `
[remote]
host = "gpu-1"
user = "ada"
port = 2222
gpus = [0, 1]

[paths]
remote_dir = "/opt/cosmos"

[docker]
image = "team/cosmos:1"
extra_args = ["--shm-size=8g"]

[hosts.gpu-2]
gpus = [2, 3]
num_gpus = 2

[hosts.b200]
host = "10.0.0.7"
user = "grace"
remote_dir = "/srv/cosmos"
image = "team/cosmos:b200"
`;

test('several hosts: [remote] first, then [hosts.NAME] in file order', async t => {
	const config = await load(SEVERAL);
	t.deepEqual(Object.keys(config.hosts), ['gpu-2', 'b200']);
	t.deepEqual(config.hosts['gpu-2'], {gpus: [2, 3], num_gpus: 2}, 'raw keys only, nothing filled in');
	const hosts = configuredHosts(config);
	t.deepEqual(hosts.map(host => host.name), ['gpu-1', 'gpu-2', 'b200']);
	t.deepEqual(hosts.map(host => host.gpus), [[0, 1], [2, 3], []], 'gpus are not inherited: a host without them asks its nvidia-smi');
	t.deepEqual(hosts.map(host => host.config.remote.host), ['gpu-1', 'gpu-2', '10.0.0.7']);
});

test('a host section inherits every key it leaves out from [remote], [paths] and [docker]', async t => {
	const config = await load(SEVERAL);
	const [first, second, third] = configuredHosts(config);
	t.deepEqual(first?.config.remote, config.remote);
	t.deepEqual(first?.config.docker, config.docker);

	t.is(second?.config.remote.user, 'ada');
	t.is(second?.config.remote.port, 2222);
	t.is(second?.config.paths.remote_dir, '/opt/cosmos');
	t.is(second?.config.docker.image, 'team/cosmos:1');
	t.is(second?.config.docker.num_gpus, 2);
	t.deepEqual(second?.config.docker.extra_args, ['--shm-size=8g']);

	t.is(third?.config.remote.user, 'grace');
	t.is(third?.config.remote.port, 2222);
	t.is(third?.config.paths.remote_dir, '/srv/cosmos');
	t.is(third?.config.docker.image, 'team/cosmos:b200');
	t.is(third?.config.docker.num_gpus, 1, 'the default of [docker]');

	// The rest of the config is the same for every host; data_dir is local and never per host.
	t.is(third?.config.paths.data_dir, config.paths.data_dir);
	t.deepEqual(third?.config.generation, config.generation);
	t.deepEqual(third?.config.hosts, {}, 'a host config describes that one host');
});

test('host configs share no lists with each other or with the top-level config', async t => {
	const config = await load(SEVERAL);
	const [, second, third] = configuredHosts(config);
	second?.config.docker.extra_args.push('--mutated');
	second?.gpus.push(9);
	t.deepEqual(config.docker.extra_args, ['--shm-size=8g']);
	t.deepEqual(third?.config.docker.extra_args, ['--shm-size=8g']);
	t.deepEqual(config.hosts['gpu-2']?.gpus, [2, 3]);
});

test('without [remote] host, only [hosts.NAME] are hosts and [remote] only gives defaults', async t => {
	const config = await load('[remote]\nuser = "ada"\n[hosts.a]\n[hosts.b]\nhost = ""\n');
	const hosts = configuredHosts(config);
	t.deepEqual(hosts.map(host => host.name), ['a', 'b']);
	t.deepEqual(hosts.map(host => host.config.remote.host), ['a', 'b'], 'host defaults to NAME (also when empty)');
	t.is(hosts[0]?.config.remote.user, 'ada');
	t.deepEqual(configuredHosts(await load('')), [], 'no host configured at all');
});

test('the single-host config is unchanged: one host, named by [remote] host', async t => {
	const config = await load('[remote]\nhost = "gpu-1"\n');
	t.deepEqual(config.hosts, {});
	t.deepEqual(config.remote.gpus, []);
	const hosts = configuredHosts(config);
	t.is(hosts.length, 1);
	t.is(hosts[0]?.name, 'gpu-1');
	t.deepEqual(hosts[0]?.gpus, [], 'empty: ask nvidia-smi');
	t.deepEqual({...hosts[0]?.config, hosts: config.hosts}, config);
});

test('host keys are checked by the rules of their home section', async t => {
	const cases: Array<[string, RegExp]> = [
		['[hosts.gpu-2]\nport = "22"', /: \[hosts\.gpu-2\] port must be a whole number from 1 to 65535, got "22"$/],
		['[hosts.gpu-2]\nnum_gpus = 0', /\[hosts\.gpu-2\] num_gpus must be a whole number from 1 to 64, got 0$/],
		['[hosts.gpu-2]\nmax_channels = 1', /\[hosts\.gpu-2\] max_channels must be a whole number from 2 to 64/],
		['[hosts.gpu-2]\nextra_args = "--x"', /\[hosts\.gpu-2\] extra_args must be a list of strings, got "--x"/],
		['[hosts.gpu-2]\nremote_dir = 3', /\[hosts\.gpu-2\] remote_dir must be a string, got 3/],
		['[hosts.gpu-2]\ngpus = [1, 1]', /\[hosts\.gpu-2\] gpus must be a list of distinct whole numbers from 0 to 63, got \[1,1\]/],
	];
	for (const [text, message] of cases) {
		const error = await t.throwsAsync(load(text), {instanceOf: ConfigError, message}, text);
		t.true(error?.message.startsWith(path.sep) && error.message.includes('cosmos.toml: '), 'names the file');
	}
});

test('unknown keys of a host section are errors listing the keys a host may set', async t => {
	for (const key of ['foo', 'data_dir', 'num_steps', 'constructor']) {
		const error = await t.throwsAsync(load(`[hosts.gpu-2]\n${key} = 1`), {instanceOf: ConfigError}, key);
		t.regex(error?.message ?? '', new RegExp(`cosmos\\.toml: unknown key \\[hosts\\.gpu-2\\] ${key} \\(known: host, user, port, `));
		t.regex(error?.message ?? '', /gpus, kind, remote_dir, image, command, num_gpus, network, extra_args, hf_cache, offload, partition, account, qos, time_limit, gres, sbatch_args, container, env_setup, max_submitted, batch, batch_max\)$/);
	}
	await t.throwsAsync(load('[hosts.gpu-2]\n"a\\nb" = 1'), {message: /unknown key \[hosts\.gpu-2\] "a\\nb" \(known: /}, 'quoted, one line');
});

test('host names: letters, digits, ".", "_" and "-", at most 63, not starting with a punctuation mark', async t => {
	const good = ['a', 'gpu-2', 'node_7.lab', 'A'.repeat(63)];
	const config = await load(good.map(name => `[hosts."${name}"]`).join('\n'));
	t.deepEqual(Object.keys(config.hosts), good);
	for (const bad of ['-gpu', '.hidden', '_x', 'gpu 2', 'gpu/2', 'A'.repeat(64), 'gpü', '__proto__', 'a\\nb', '']) {
		const error = await t.throwsAsync(load(`[hosts."${bad}"]\nport = 22`), {instanceOf: ConfigError, message: /bad host name \[hosts\.".*"\]: use 1 to 63 letters/}, bad);
		t.false(error?.message.includes('\n'), 'one line');
	}
});

test('a host section must be a table', async t => {
	await t.throwsAsync(load('hosts = 3'), {instanceOf: ConfigError, message: /\[hosts\] must hold \[hosts\.NAME\] sections/});
	await t.throwsAsync(load('[hosts]\ngpu-2 = 3'), {instanceOf: ConfigError, message: /\[hosts\.gpu-2\] must be a table/});
});

test('two hosts of the same name are an error, also when the environment names [remote] host', async t => {
	const text = '[remote]\nhost = "gpu-1"\n[hosts.gpu-1]\nport = 2222\n';
	await t.throwsAsync(load(text), {
		instanceOf: ConfigError,
		message: /cosmos\.toml: two GPU hosts are named "gpu-1": \[remote\] host and \[hosts\.gpu-1\]$/,
	});
	await t.throwsAsync(load('[hosts.gpu-2]\n', {COSMOS_REMOTE_HOST: 'gpu-2'}), {instanceOf: ConfigError, message: /two GPU hosts are named "gpu-2"/});
	// The pure function checks too (a Config need not come from a file).
	const config: Config = {...DEFAULT_CONFIG, remote: {...DEFAULT_CONFIG.remote, host: 'x'}, hosts: {x: {}}};
	t.throws(() => configuredHosts(config), {instanceOf: ConfigError, message: /two GPU hosts are named "x"/});
	// Distinct names may reach the same machine (e.g. to split its GPUs).
	const split = await load('[hosts.left]\nhost = "gpu-1"\ngpus = [0]\n[hosts.right]\nhost = "gpu-1"\ngpus = [1]\n');
	t.deepEqual(configuredHosts(split).map(host => [host.name, host.config.remote.host, host.gpus]), [['left', 'gpu-1', [0]], ['right', 'gpu-1', [1]]]);
});

test('[remote] gpus: distinct whole numbers from 0 to 63; environment lists by spaces or commas', async t => {
	t.deepEqual((await load('[remote]\ngpus = [3, 0, 63]')).remote.gpus, [3, 0, 63]);
	for (const bad of ['[1, 1]', '[64]', '[-1]', '[0.5]', '["0"]', '0', '"0,1"']) {
		await t.throwsAsync(load(`[remote]\ngpus = ${bad}`), {instanceOf: ConfigError, message: /\[remote\] gpus must be a list of distinct whole numbers from 0 to 63, got /}, bad);
	}
	t.deepEqual((await load('', {COSMOS_REMOTE_GPUS: '0,1 2'})).remote.gpus, [0, 1, 2]);
	t.deepEqual((await load('[remote]\ngpus = [1]', {COSMOS_REMOTE_GPUS: ''})).remote.gpus, [], 'empty: every GPU');
	await t.throwsAsync(load('', {COSMOS_REMOTE_GPUS: '0,x'}), {message: /environment COSMOS_REMOTE_GPUS: \[remote\] gpus must be/});
});

test('[scheduler] defaults, validation and environment overrides', async t => {
	t.deepEqual((await load('')).scheduler, {busy_memory_mib: 2048, lease_seconds: 10, batch_max: 8});
	t.deepEqual((await load('[scheduler]\nbusy_memory_mib = 0\nlease_seconds = 600\nbatch_max = 1')).scheduler, {busy_memory_mib: 0, lease_seconds: 600, batch_max: 1});
	await t.throwsAsync(load('[scheduler]\nbatch_max = 0'), {message: /\[scheduler\] batch_max must be a whole number from 1 to 64, got 0/});
	await t.throwsAsync(load('[scheduler]\nlease_seconds = 1'), {message: /\[scheduler\] lease_seconds must be a whole number from 2 to 600, got 1/});
	await t.throwsAsync(load('[scheduler]\nbusy_memory_mib = 1000001'), {message: /\[scheduler\] busy_memory_mib must be a whole number from 0 to 1000000/});
	await t.throwsAsync(load('[scheduler]\nbusy_memory_mib = 1.5'), {message: /busy_memory_mib must be a whole number/});
	await t.throwsAsync(load('[scheduler]\nlease = 5'), {message: /unknown key \[scheduler\] lease \(known: busy_memory_mib, lease_seconds, batch_max\)/});
	const overridden = await load('[scheduler]\nlease_seconds = 30', {COSMOS_SCHEDULER_LEASE_SECONDS: '20', COSMOS_SCHEDULER_BUSY_MEMORY_MIB: '512'});
	t.deepEqual(overridden.scheduler, {busy_memory_mib: 512, lease_seconds: 20, batch_max: 8});
});
