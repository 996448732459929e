import {existsSync} from 'node:fs';
import {mkdir, readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {initConfigToml, userConfigPath, writeInitConfig} from '../../source/config/init-config.js';
import {loadConfig} from '../../source/config/load-config.js';
import {cosmos} from '../helpers/cli.js';
import {tempDir} from '../helpers/temp.js';

const withHome = async (fn: (home: string) => Promise<void>) => {
	const {dir, cleanup} = await tempDir();
	try {
		await fn(dir);
	} finally {
		await cleanup();
	}
};

test('userConfigPath follows XDG_CONFIG_HOME like findConfigFile', t => {
	t.is(userConfigPath({HOME: '/h'}), '/h/.config/cosmos-tui/config.toml');
	t.is(userConfigPath({HOME: '/h', XDG_CONFIG_HOME: '/x'}), '/x/cosmos-tui/config.toml');
});

test('initConfigToml leaves out the values not given', t => {
	const text = initConfigToml({host: 'gpu-1', remote_dir: '/srv/ct1', port: 2222, image: ''});
	t.regex(text, /host = "gpu-1"/);
	t.regex(text, /port = 2_?222/);
	t.notRegex(text, /image|user|command/);
});

test('writeInitConfig writes a file the loader reads back, creating the folders', t => withHome(async home => {
	const env = {HOME: home};
	const file = await writeInitConfig({host: 'gpu-1', remote_dir: '/srv/ct1', user: 'me', docker_command: 'sudo -n docker'}, {env, force: false});
	t.is(file, path.join(home, '.config/cosmos-tui/config.toml'));
	const {config, source} = loadConfig({env, cwd: home, home});
	t.is(source, file);
	t.is(config.remote.host, 'gpu-1');
	t.is(config.remote.user, 'me');
	t.is(config.paths.remote_dir, '/srv/ct1');
	t.is(config.docker.command, 'sudo -n docker');
	t.is(config.docker.image, 'nvcr.io/nvidia/cosmos-transfer1:latest');
}));

test('writeInitConfig refuses to replace a file without force, and replaces it with force', t => withHome(async home => {
	const env = {HOME: home, XDG_CONFIG_HOME: path.join(home, 'xdg')};
	const file = userConfigPath(env);
	await mkdir(path.dirname(file), {recursive: true});
	await writeFile(file, '# mine\n');
	await t.throwsAsync(writeInitConfig({host: 'a', remote_dir: '/r'}, {env, force: false}), {message: /already exists; pass --force/});
	t.is(await readFile(file, 'utf8'), '# mine\n');
	await writeInitConfig({host: 'a', remote_dir: '/r'}, {env, force: true});
	t.regex(await readFile(file, 'utf8'), /host = "a"/);
}));

test('writeInitConfig validates with the loader and writes nothing on an error', t => withHome(async home => {
	const env = {HOME: home};
	await t.throwsAsync(writeInitConfig({host: 'a', remote_dir: '/r', port: 0}, {env, force: false}), {message: /^config: \[remote\] port must be/});
	await t.throwsAsync(writeInitConfig({host: '', remote_dir: '/r'}, {env, force: false}), {message: 'host is required'});
	t.false(existsSync(path.join(home, '.config')));
}));

test('cli: init without a terminal and without --remote-dir is a one-line usage error', t => withHome(async home => {
	const result = await cosmos(['init', '--host', 'gpu-1'], {cwd: home});
	t.is(result.code, 2);
	t.is(result.stderr.trim(), 'cosmos-tui: init needs --remote-dir (or run it in a terminal to be asked)');
	t.false(existsSync(path.join(home, '.config')));
}));

test('cli: init does not overwrite an existing config without --force', t => withHome(async home => {
	const file = userConfigPath({HOME: home});
	await mkdir(path.dirname(file), {recursive: true});
	await writeFile(file, '# mine\n');
	const result = await cosmos(['init', '--host', 'gpu-1', '--remote-dir', '/r'], {cwd: home});
	t.is(result.code, 1);
	t.is(result.stderr.trim(), `cosmos-tui: ${file} already exists; pass --force to replace it`);
	t.is(await readFile(file, 'utf8'), '# mine\n');
}));
