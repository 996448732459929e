import {mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {ConfigError} from '../../source/domain/errors.js';
import {findConfigFile, loadConfig} from '../../source/config/load-config.js';
import {SCHEMA} from '../../source/config/schema.js';
import {PARAMETER_RULES} from '../../source/domain/parameter-rules.js';
import {PARAMETER_NAMES, checkParameter} from '../../source/domain/validate.js';
import {tempDir} from '../helpers/temp.js';

const env = {} as NodeJS.ProcessEnv;

test('no config file anywhere gives the defaults', async t => {
	const {dir, cleanup} = await tempDir();
	const {config, source} = loadConfig({env, cwd: dir, home: dir});
	t.is(source, null);
	t.is(config.generation.num_steps, 35);
	t.is(config.generation.guidance, 7);
	t.is(config.docker.command, 'docker');
	t.is(config.paths.data_dir, './data');
	await cleanup();
});

test('lookup order: --config, COSMOS_CONFIG, ./cosmos.toml, ~/.config/cosmos-tui/config.toml', async t => {
	const {dir, cleanup} = await tempDir();
	const home = path.join(dir, 'home');
	await mkdir(path.join(home, '.config', 'cosmos-tui'), {recursive: true});
	const user = path.join(home, '.config', 'cosmos-tui', 'config.toml');
	await writeFile(user, '[remote]\nhost = "user"\n');
	t.is(findConfigFile({env, cwd: dir, home}), user);
	await writeFile(path.join(dir, 'cosmos.toml'), '[remote]\nhost = "cwd"\n');
	t.is(findConfigFile({env, cwd: dir, home}), path.join(dir, 'cosmos.toml'));
	await writeFile(path.join(dir, 'env.toml'), '[remote]\nhost = "env"\n');
	t.is(findConfigFile({env: {COSMOS_CONFIG: 'env.toml'}, cwd: dir, home}), path.join(dir, 'env.toml'));
	t.is(findConfigFile({flag: user, env: {COSMOS_CONFIG: 'env.toml'}, cwd: dir, home}), user);
	t.throws(() => findConfigFile({flag: 'missing.toml', env, cwd: dir, home}), {instanceOf: ConfigError, message: /config file not found/});
	await cleanup();
});

test('values are validated and environment overrides apply', async t => {
	const {dir, cleanup} = await tempDir();
	const file = path.join(dir, 'c.toml');
	await writeFile(file, '[remote]\nhost = "gpu-1"\nport = 2222\n[generation]\nvis = 0.5\nnum_steps = 10\n[docker]\nextra_args = ["--shm-size=8g"]\n');
	const {config} = loadConfig({flag: file, env: {COSMOS_REMOTE_HOST: 'gpu-2', COSMOS_GENERATION_SEED: '7', COSMOS_DATA_DIR: '/d'}, cwd: dir});
	t.is(config.remote.host, 'gpu-2');
	t.is(config.remote.port, 2222);
	t.is(config.generation.vis, 0.5);
	t.is(config.generation.seed, 7);
	t.deepEqual(config.docker.extra_args, ['--shm-size=8g']);
	t.is(config.paths.data_dir, '/d');
	await cleanup();
});

test('bad config: invalid TOML, unknown section or key, wrong type, bad env value', async t => {
	const {dir, cleanup} = await tempDir();
	const cases: Array<[string, RegExp]> = [
		['[remote\nhost = 1', /invalid TOML in .*c\.toml at line 1/],
		['[remtoe]\nhost = "x"', /unknown section \[remtoe\]/],
		['[remote]\nhots = "x"', /unknown key \[remote\] hots \(known: host, user/],
		['[remote]\nport = "22"', /\[remote\] port must be a whole number from 1 to 65535, got "22"/],
		['[generation]\nvis = 1.5', /\[generation\] vis must be a number from 0 to 1/],
		['remote = 3', /\[remote\] must be a table/],
	];
	for (const [text, message] of cases) {
		const file = path.join(dir, 'c.toml');
		await writeFile(file, text);
		const error = t.throws(() => loadConfig({flag: file, env, cwd: dir}), {instanceOf: ConfigError, message}, text);
		t.false(error?.message.includes('\n'), 'one line');
	}
	t.throws(() => loadConfig({env: {COSMOS_REMOTE_PORT: 'abc'}, cwd: dir, home: dir}), {message: /environment COSMOS_REMOTE_PORT: \[remote\] port must be/});
	await cleanup();
});

test('keys named like Object.prototype members are unknown keys, not crashes', async t => {
	const {dir, cleanup} = await tempDir();
	const file = path.join(dir, 'c.toml');
	for (const key of ['constructor', 'toString', 'hasOwnProperty']) {
		await writeFile(file, `[remote]\n${key} = 1`);
		t.throws(() => loadConfig({flag: file, env, cwd: dir}), {instanceOf: ConfigError, message: new RegExp(`unknown key \\[remote\\] ${key} `)}, key);
	}
	await cleanup();
});

test('the config file and parameter checks use the same domain rule for each parameter', t => {
	t.deepEqual(PARAMETER_NAMES, ['num_steps', 'guidance', 'seed', 'fps', 'sigma_max', 'blur_strength', 'canny_threshold', 'num_gpus']);
	for (const name of PARAMETER_NAMES) {
		const spec = name === 'num_gpus' ? SCHEMA.docker.num_gpus : SCHEMA.generation[name];
		t.is(spec.parse, PARAMETER_RULES[name].parse, name);
	}
	t.deepEqual(checkParameter('seed', 2 ** 32), {ok: false, expected: 'a whole number from 0 to 4294967295'});
	t.deepEqual(checkParameter('canny_threshold', 'low'), {ok: true, value: 'low'});
});
