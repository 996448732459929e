import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import type {ConfigReport} from '../../source/config/config-report.js';
import {cosmos} from '../helpers/cli.js';
import {tempDir} from '../helpers/temp.js';

const CONFIG = `[remote]
host = "gpu1.lab"
port = 2222

[docker]
num_gpus = 2

[hosts.a100]
host = "10.0.0.5"
gpus = [0, 1]
`;

test('config show: each value with its source (file with its path, environment variable, default), hosts too', async t => {
	const {dir, cleanup} = await tempDir();
	const file = path.join(dir, 'cosmos.toml');
	await writeFile(file, CONFIG);
	const env = {COSMOS_DOCKER_NUM_GPUS: '4', COSMOS_SCHEDULER_LEASE_SECONDS: '30'};
	const json = await cosmos(['config', 'show', '--json'], {cwd: dir, env});
	t.is(json.code, 0, json.stderr);
	const report = JSON.parse(json.stdout) as ConfigReport;
	t.is(report.file, file);
	const find = (section: string, key: string) => report.values.find(value => value.section === section && value.key === key);
	t.deepEqual(find('remote', 'host'), {section: 'remote', key: 'host', value: 'gpu1.lab', from: 'file', file});
	t.deepEqual(find('remote', 'port'), {section: 'remote', key: 'port', value: 2222, from: 'file', file});
	// The environment wins over the file.
	t.deepEqual(find('docker', 'num_gpus'), {section: 'docker', key: 'num_gpus', value: 4, from: 'environment', variable: 'COSMOS_DOCKER_NUM_GPUS'});
	t.deepEqual(find('scheduler', 'lease_seconds'), {section: 'scheduler', key: 'lease_seconds', value: 30, from: 'environment', variable: 'COSMOS_SCHEDULER_LEASE_SECONDS'});
	t.deepEqual(find('monitor', 'stall_seconds'), {section: 'monitor', key: 'stall_seconds', value: 900, from: 'default'});
	t.deepEqual(find('hosts.a100', 'gpus'), {section: 'hosts.a100', key: 'gpus', value: [0, 1], from: 'file', file});
	t.deepEqual(find('hosts.a100', 'host'), {section: 'hosts.a100', key: 'host', value: '10.0.0.5', from: 'file', file});

	const text = await cosmos(['config', 'show', '--data-dir', 'elsewhere'], {cwd: dir, env});
	t.is(text.code, 0, text.stderr);
	const lines = text.stdout.split('\n');
	t.is(lines[0], `# config file: ${file}`);
	t.regex(text.stdout, /\n\[remote\]\nhost = "gpu1\.lab" +# file \S+cosmos\.toml\n/);
	t.regex(text.stdout, /\nnum_gpus = 4 +# environment COSMOS_DOCKER_NUM_GPUS\n/);
	t.regex(text.stdout, /\nstall_seconds = 900 +# default\n/);
	t.regex(text.stdout, /\ndata_dir = "elsewhere" +# flag --data-dir\n/);
	t.regex(text.stdout, /\n\[hosts\.a100\]\nhost = "10\.0\.0\.5" +# file \S+cosmos\.toml\ngpus = \[0, 1\] +# file /);
	await cleanup();
});

test('config show without a config file: every value is a default; other subcommands are usage errors', async t => {
	const {dir, cleanup} = await tempDir();
	const report = JSON.parse((await cosmos(['config', 'show', '--json'], {cwd: dir})).stdout) as ConfigReport;
	t.is(report.file, null);
	t.true(report.values.length > 20);
	t.true(report.values.every(value => value.from === 'default'));
	const text = await cosmos(['config', 'show'], {cwd: dir});
	t.is(text.stdout.split('\n')[0], `# config file: none (looked for ${path.join(dir, 'cosmos.toml')}, ${path.join(dir, '.config', 'cosmos-tui', 'config.toml')})`);
	const bad = await cosmos(['config', 'edit'], {cwd: dir});
	t.is(bad.code, 2);
	t.regex(bad.stderr, /unknown subcommand "config edit"/);
	await cleanup();
});

test('--accept-new-host-key is listed in the global help and in the help of each command that takes it', async t => {
	const {dir, cleanup} = await tempDir();
	t.regex((await cosmos(['--help'], {cwd: dir})).stdout, /\n {2}--accept-new-host-key {2}trust an unknown GPU host key/);
	for (const command of ['run', 'sweep', 'logs', 'status', 'cancel', 'worker', 'doctor']) {
		t.regex((await cosmos([command, '--help'], {cwd: dir})).stdout, /\n {2}--accept-new-host-key +trust an unknown host key/, command);
	}
	t.notRegex((await cosmos(['list', '--help'], {cwd: dir})).stdout, /accept-new-host-key/);
	await cleanup();
});
