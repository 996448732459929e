// A [docker] setting that could not launch anything is refused before a prompt or a run is stored.
import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {cosmos, stopWorkersIn} from '../helpers/cli.js';
import {sampleInputs, tempDir} from '../helpers/temp.js';

const CONFIG = '[remote]\nhost = "gpu-x"\ngpus = [0]\n[paths]\nremote_dir = "/srv/cosmos"\n';

const cases: Array<[string, Record<string, string>, RegExp]> = [
	['an image that is an option', {COSMOS_DOCKER_IMAGE: '--privileged'}, /\[docker\] settings: The image "--privileged" is not an image name/],
	['an image with shell text', {COSMOS_DOCKER_IMAGE: 'x;touch /tmp/p'}, /\[docker\] settings: The image "x;touch \/tmp\/p" is not an image name/],
	['a command that starts with an option', {COSMOS_DOCKER_COMMAND: '--host=tcp://evil docker'}, /\[docker\] settings: The docker command must start with a program/],
	['an unknown offload flag', {COSMOS_DOCKER_OFFLOAD: '--rm'}, /\[docker\] settings: Unknown offload flag/],
];

for (const [what, env, message] of cases) {
	test(`${what}: one line, exit 1, nothing stored`, async t => {
		const {dir, cleanup} = await tempDir();
		t.teardown(async () => {
			await stopWorkersIn(dir);
			await cleanup();
		});
		await writeFile(path.join(dir, 'cosmos.toml'), CONFIG);
		const inputs = await sampleInputs(dir);
		const result = await cosmos(['run', 'a red car', inputs], {cwd: dir, env});
		t.is(result.code, 1);
		t.regex(result.stderr, message);
		t.is(result.stderr.trim().split('\n').length, 1);
		t.is((await cosmos(['list', 'prompts', '--json'], {cwd: dir})).stdout.trim(), '[]');
		t.is((await cosmos(['list', 'runs', '--json'], {cwd: dir})).stdout.trim(), '[]');
	});
}
