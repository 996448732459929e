// The Slurm job script, checked for real: every variant passes `sh -n`, and each one runs under
// the machine's sh (dash) with fake docker/srun/apptainer/torchrun programs on PATH that record
// their argv (NUL-separated) and environment. Hostile values (the executor tests' injection
// strings and the terminal escape sequences) in paths, environment values and arguments arrive
// as exactly one argument each, and nothing runs (the canary file stays absent).
import {execFile, spawn} from 'node:child_process';
import {chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {promisify} from 'node:util';
import test from 'ava';
import {type JobScriptInput, JobScriptError, buildJobScript} from '../../source/executor/slurm/job-script.js';
import {MERGE_STDERR} from '../../source/executor/docker-command.js';
import {HOSTILE} from '../ui/helpers/hostile.js';
import {tempDir} from '../helpers/temp.js';
import {waitFor} from '../ui/helpers/wait-for.js';

const run = promisify(execFile);

/** The injection strings of test/executor-integration/hostile-input.test.ts (ways to smuggle `touch <canary>` into a command line). */
function hostileStrings(canary: string): string[] {
	const touch = `touch ${canary}`;
	return [
		`$(${touch})`, `\`${touch}\``, `;${touch};`, `'; ${touch}; '`, `"; ${touch}; "`, `' $(${touch}) '`, `" \`${touch}\` "`,
		`| ${touch}`, `|| ${touch}`, `&& ${touch}`, `& ${touch} &`, `\n${touch}\n`, `\r\n${touch}`, `$({touch,${canary}})`,
		`\${IFS}${touch}`, `$(IFS=_;cmd=touch_${canary};$cmd)`, `'"'"'; ${touch}; echo '"'"'`, `\\'; ${touch}; \\'`, `$'\\x27'; ${touch}`,
		`<(${touch})`, `>(${touch})`, `> ${canary}`, `>> ${canary}`, `2> ${canary}`, `--name=$(${touch})`, `-v /:/host -e X=$(${touch})`,
		`--entrypoint=sh`, `'--privileged'`, `x'y"z\`${touch}\``, `\\$(${touch})`, `$$(${touch})`, `\${x:-$(${touch})}`, `$((1))$(${touch})`,
		`{${touch},}`, `!${touch}`, `#; ${touch}`, `~root/$(${touch})`, `*$(${touch})*`, `?[a]$(${touch})`, `=$(${touch})`,
		`a=b $(${touch})`, `if true; then ${touch}; fi`, `for i in 1; do ${touch}; done`, `exec ${touch}`, `eval '${touch}'`,
		`%0a${touch}`, `\u001b]0;$(${touch})\u0007`, `\u2028${touch}`, `\t${touch}\t`,
		`\u00a0;${touch}`, `ＩＦＳ;${touch}`, `💥$(${touch})💥`, `{"prompt": "$(${touch})"}`, `'\\''; ${touch} #`, `"$(printf '%s' '${touch}')"`,
	];
}

/** A fake program: records its name and argv (NUL-separated) and its environment, then acts like the real one enough for the script. */
const RECORDER = `#!/bin/sh
me=\${0##*/}
f=$(mktemp "$RECORD_DIR/call.XXXXXX")
env -0 > "$f.env"
printf '%s\\0' "$me" "$@" > "$f"
case "$me $1" in
"docker run") echo 0123456789ab ;;
"docker logs") echo "a line from the container" ;;
"docker wait")
	while [ ! -e "$RECORD_DIR/release" ]; do sleep 0.02; done
	echo "\${FAKE_EXIT:-0}" ;;
"docker "*) ;;
*) echo "$me ran"; exit "\${FAKE_EXIT:-0}" ;;
esac
`;

type Call = {argv: string[]; env: Map<string, string>};

function calls(recordDir: string): Call[] {
	return readdirSync(recordDir)
		.filter(name => name.startsWith('call.') && !name.endsWith('.env'))
		.map(name => {
			const argv = readFileSync(path.join(recordDir, name), 'utf8').split('\0').slice(0, -1);
			const env = new Map<string, string>();
			for (const entry of readFileSync(path.join(recordDir, `${name}.env`), 'utf8').split('\0')) {
				const at = entry.indexOf('=');
				if (at > 0) env.set(entry.slice(0, at), entry.slice(at + 1));
			}
			return {argv, env};
		});
}

const callOf = (recordDir: string, ...head: string[]): Call | undefined =>
	calls(recordDir).find(call => head.every((word, index) => call.argv[index] === word));

type Scene = {dir: string; canary: string; bin: string; recordDir: string; strings: string[]};

async function scene(t: {teardown: (fn: () => Promise<void>) => void}): Promise<Scene> {
	const {dir, cleanup} = await tempDir('cosmos-job-script-');
	t.teardown(cleanup);
	const bin = path.join(dir, 'bin');
	const recordDir = path.join(dir, 'calls');
	mkdirSync(bin);
	mkdirSync(recordDir);
	for (const name of ['docker', 'srun', 'apptainer', 'torchrun']) {
		writeFileSync(path.join(bin, name), RECORDER);
		chmodSync(path.join(bin, name), 0o755);
	}
	writeFileSync(path.join(recordDir, 'release'), '');
	const canary = path.join(dir, 'canary');
	return {dir, canary, bin, recordDir, strings: [...hostileStrings(canary), ...Object.values(HOSTILE)]};
}

/** A folder named after hostile strings (one component each; "/", ":" and "," are not allowed in mount paths). */
function hostileFolder(root: string, strings: readonly string[]): string {
	let folder = root;
	for (const text of strings) folder = path.join(folder, text.replaceAll(/[/:,]/g, '_').slice(0, 60) || '_');
	mkdirSync(folder, {recursive: true});
	return folder;
}

function baseInput(s: Scene, fields: Partial<JobScriptInput> = {}): JobScriptInput {
	const remoteDir = hostileFolder(path.join(s.dir, 'remote'), s.strings.slice(0, 4));
	const runDir = path.join(remoteDir, '.cosmos-tui', 'runs', 'r1');
	mkdirSync(runDir, {recursive: true});
	return {
		runId: 'r1',
		container: 'docker',
		containerCommand: ['docker'],
		image: 'cosmos-sim:latest',
		remoteDir,
		hfCacheDir: hostileFolder(path.join(s.dir, 'hf'), s.strings.slice(4, 8)),
		runDir,
		env: Object.fromEntries(s.strings.map((text, index) => [`HOSTILE_${index}`, text])),
		torchrun: ['torchrun', '--nproc_per_node=1', 'transfer.py', ...s.strings],
		envSetup: '',
		exitFile: `${runDir}/exit_code`,
		...fields,
	};
}

/** Runs the script with sh, PATH = the fakes first; resolves with its exit code and output. */
async function runScript(s: Scene, script: string, env: NodeJS.ProcessEnv = {}): Promise<{code: number; stdout: string; stderr: string}> {
	const file = path.join(s.dir, 'job.sh');
	writeFileSync(file, script);
	try {
		const {stdout, stderr} = await run('sh', [file], {env: {PATH: `${s.bin}:/usr/bin:/bin`, HOME: s.dir, RECORD_DIR: s.recordDir, ...env}});
		return {code: 0, stdout, stderr};
	} catch (error) {
		const failed = error as {code: number; stdout: string; stderr: string};
		return {code: failed.code, stdout: failed.stdout, stderr: failed.stderr};
	}
}

const envOf = (input: JobScriptInput): string[] =>
	[['PYTHONUNBUFFERED', '1'], ['PYTHONPATH', '/workspace'], ...Object.entries(input.env)].flatMap(([key, value]) => ['-e', `${key}=${value}`]);

test('every variant passes sh -n, with hostile values everywhere a value goes', async t => {
	const s = await scene(t);
	const setup = path.join(s.dir, s.strings[0]!.replaceAll('/', '_'));
	for (const container of ['docker', 'podman', 'enroot', 'apptainer', 'none'] as const) {
		const input = baseInput(s, {container, envSetup: container === 'none' ? setup : '', image: container === 'docker' || container === 'podman' ? 'cosmos-sim:latest' : `x${s.strings[5]!}`});
		const file = path.join(s.dir, `${container}.sh`);
		writeFileSync(file, buildJobScript(input));
		const checked = await run('sh', ['-n', file]).then(() => 'ok', (error: Error) => error.message);
		t.is(checked, 'ok', container);
	}
});

test('docker: every hostile value is one argument of docker run; logs, wait and rm follow; the exit code is the container\'s', async t => {
	const s = await scene(t);
	const input = baseInput(s, {containerCommand: ['env', 'docker'], extraArgs: ['--shm-size=8g', s.strings[25]!], network: 'host'});
	const result = await runScript(s, buildJobScript(input), {CUDA_VISIBLE_DEVICES: '1', FAKE_EXIT: '3'});
	t.is(result.code, 3, result.stderr);
	t.is(readFileSync(input.exitFile, 'utf8'), '3\n');
	t.false(existsSync(`${input.exitFile}.tmp`));
	t.regex(result.stdout, /a line from the container/);

	const dockerRun = callOf(s.recordDir, 'docker', 'run');
	t.deepEqual(dockerRun?.argv, [
		'docker', 'run', '-d', '--name', 'cosmos-tui-r1', '--label', 'cosmos-tui.run=r1', '--gpus', 'all', '--ipc=host', '--network=host',
		...envOf(input),
		'-v', `${input.remoteDir}:/workspace`, '-v', `${input.hfCacheDir}:/root/.cache/huggingface`, '-w', '/workspace', '--init',
		'-e', 'CUDA_VISIBLE_DEVICES=1',
		'--shm-size=8g', s.strings[25]!,
		'cosmos-sim:latest', ...MERGE_STDERR, ...input.torchrun,
	]);
	t.truthy(callOf(s.recordDir, 'docker', 'logs', '-f', 'cosmos-tui-r1'));
	t.truthy(callOf(s.recordDir, 'docker', 'wait', 'cosmos-tui-r1'));
	t.truthy(callOf(s.recordDir, 'docker', 'rm', 'cosmos-tui-r1'));
	t.is(calls(s.recordDir).length, 4);
	t.false(existsSync(s.canary), 'nothing ran');
});

test('docker: each hostile string alone as the folders, an environment value and an argument, and CUDA_VISIBLE_DEVICES unset', async t => {
	const s = await scene(t);
	for (const [index, text] of s.strings.entries()) {
		const root = path.join(s.dir, `case-${index}`);
		const remoteDir = hostileFolder(root, [text]);
		const runDir = path.join(remoteDir, '.cosmos-tui', 'runs', 'r1');
		mkdirSync(runDir, {recursive: true});
		const input = baseInput(s, {remoteDir, runDir, exitFile: `${runDir}/exit_code`, hfCacheDir: hostileFolder(path.join(root, 'hf'), [text]), env: {VALUE: text}, torchrun: ['torchrun', text]});
		const result = await runScript(s, buildJobScript(input), {RECORD_DIR: s.recordDir});
		t.is(result.code, 0, `${JSON.stringify(text)}: ${result.stderr}`);
		const argv = calls(s.recordDir).find(call => call.argv[1] === 'run' && call.argv.at(-1) === text)?.argv ?? [];
		t.is(argv.at(-2), 'torchrun', JSON.stringify(text));
		t.true(argv.includes(`VALUE=${text}`), JSON.stringify(text));
		t.true(argv.includes(`${remoteDir}:/workspace`), JSON.stringify(text));
		t.true(argv.includes('CUDA_VISIBLE_DEVICES='), JSON.stringify(text));
		t.is(readFileSync(input.exitFile, 'utf8'), '0\n');
	}
	t.false(existsSync(s.canary), 'nothing ran');
});

test('docker: TERM (scancel) while the container runs removes it, writes 143 and exits 143', async t => {
	const s = await scene(t);
	const input = baseInput(s);
	const file = path.join(s.dir, 'job.sh');
	writeFileSync(file, buildJobScript(input));
	// The fake `docker wait` blocks until this file exists again.
	const release = path.join(s.recordDir, 'release');
	const {unlinkSync} = await import('node:fs');
	unlinkSync(release);
	t.teardown(async () => writeFileSync(release, ''));
	const child = spawn('sh', [file], {env: {PATH: `${s.bin}:/usr/bin:/bin`, RECORD_DIR: s.recordDir}, stdio: 'ignore'});
	const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)));
	await waitFor(() => callOf(s.recordDir, 'docker', 'wait') !== undefined);
	child.kill('SIGTERM');
	t.is(await exited, 143);
	t.is(readFileSync(input.exitFile, 'utf8'), '143\n');
	t.truthy(callOf(s.recordDir, 'docker', 'rm', '-f', '-t', '2', 'cosmos-tui-r1'));
	t.false(existsSync(s.canary));
});

test('docker: a failing `docker run` ends the job with its exit code and starts nothing else', async t => {
	const s = await scene(t);
	const input = baseInput(s, {containerCommand: ['sh', '-c', 'echo "no such image" >&2; exit 125', 'docker']});
	const result = await runScript(s, buildJobScript(input));
	t.is(result.code, 125);
	t.regex(result.stderr, /no such image/);
	t.is(readFileSync(input.exitFile, 'utf8'), '125\n');
	t.is(calls(s.recordDir).length, 0);
});

test('enroot: srun with the container flags, each hostile value one argument, the environment exported', async t => {
	const s = await scene(t);
	const image = `nvcr.io#nvidia/cosmos:1 ${s.strings[0]!}`;
	const input = baseInput(s, {container: 'enroot', image});
	const result = await runScript(s, buildJobScript(input), {FAKE_EXIT: '7'});
	t.is(result.code, 7, result.stderr);
	t.is(readFileSync(input.exitFile, 'utf8'), '7\n');
	const srun = callOf(s.recordDir, 'srun');
	t.deepEqual(srun?.argv, [
		'srun',
		`--container-image=${image}`,
		`--container-mounts=${input.remoteDir}:/workspace,${input.hfCacheDir}:/root/.cache/huggingface`,
		'--container-workdir=/workspace',
		`--container-env=PYTHONUNBUFFERED,PYTHONPATH,${Object.keys(input.env).join(',')}`,
		...input.torchrun,
	]);
	for (const [name, value] of Object.entries(input.env)) t.is(srun?.env.get(name), value, name);
	t.is(srun?.env.get('PYTHONPATH'), '/workspace');
	t.false(existsSync(s.canary));
});

test('apptainer: exec --nv with binds and the image, the environment also as APPTAINERENV_*', async t => {
	const s = await scene(t);
	const image = path.join(s.dir, `${s.strings[1]!.replaceAll('/', '_')}.sif`);
	const input = baseInput(s, {container: 'apptainer', image, torchrun: [...MERGE_STDERR, 'torchrun', ...s.strings]});
	const result = await runScript(s, buildJobScript(input), {CUDA_VISIBLE_DEVICES: '0'});
	t.is(result.code, 0, result.stderr);
	const exec = callOf(s.recordDir, 'apptainer');
	t.deepEqual(exec?.argv, [
		'apptainer', 'exec', '--nv', '--bind', `${input.remoteDir}:/workspace,${input.hfCacheDir}:/root/.cache/huggingface`, '--pwd', '/workspace',
		image, 'torchrun', ...s.strings,
	], 'the docker host\'s stderr wrapper is dropped');
	for (const [name, value] of Object.entries(input.env)) {
		t.is(exec?.env.get(name), value, name);
		t.is(exec?.env.get(`APPTAINERENV_${name}`), value, name);
	}
	t.is(exec?.env.get('CUDA_VISIBLE_DEVICES'), '0');
	t.is(readFileSync(input.exitFile, 'utf8'), '0\n');
	t.false(existsSync(s.canary));
});

test('none: env_setup ("~/" = home) is sourced, then torchrun runs in the checkout with PYTHONPATH on it and /workspace paths mapped to it', async t => {
	const s = await scene(t);
	const venv = hostileFolder(path.join(s.dir, 'venv'), s.strings.slice(8, 10));
	writeFileSync(path.join(venv, 'activate'), 'export FROM_SETUP=yes\ncd /\n');
	const torchrunArgv = ['torchrun', '--checkpoint_dir', '/workspace/checkpoints', '--controlnet_specs', '/workspace/.cosmos-tui/runs/r1/spec.json', '/workspace', '/workspaces', ...s.strings];
	const input = baseInput(s, {container: 'none', envSetup: `~/${path.relative(s.dir, venv)}/activate`, torchrun: torchrunArgv});
	const result = await runScript(s, buildJobScript(input), {FAKE_EXIT: '4'});
	t.is(result.code, 4, result.stderr);
	const torchrun = callOf(s.recordDir, 'torchrun');
	t.deepEqual(torchrun?.argv, [
		'torchrun', '--checkpoint_dir', `${input.remoteDir}/checkpoints`, '--controlnet_specs', `${input.remoteDir}/.cosmos-tui/runs/r1/spec.json`, input.remoteDir, '/workspaces', ...s.strings,
	], '/workspace paths name the checkout: there is no container');
	t.is(torchrun?.env.get('FROM_SETUP'), 'yes');
	t.is(torchrun?.env.get('PWD'), input.remoteDir);
	t.is(torchrun?.env.get('PYTHONPATH'), input.remoteDir);
	for (const [name, value] of Object.entries(input.env)) t.is(torchrun?.env.get(name), value, name);
	t.is(readFileSync(input.exitFile, 'utf8'), '4\n');
	t.false(existsSync(s.canary));
});

test('none: an env_setup file that cannot be read fails the job with a message (exit 1), torchrun never runs', async t => {
	const s = await scene(t);
	const input = baseInput(s, {container: 'none', envSetup: path.join(s.dir, 'missing', 'activate')});
	const result = await runScript(s, buildJobScript(input));
	t.is(result.code, 1);
	t.regex(result.stderr, /cannot read env_setup/);
	t.is(readFileSync(input.exitFile, 'utf8'), '1\n');
	t.is(callOf(s.recordDir, 'torchrun'), undefined);
});

test('a missing remote folder fails the job (exit 1) before anything runs', async t => {
	const s = await scene(t);
	const input = baseInput(s, {remoteDir: path.join(s.dir, 'nowhere')});
	const result = await runScript(s, buildJobScript(input));
	t.is(result.code, 1);
	t.is(readFileSync(input.exitFile, 'utf8'), '1\n');
	t.is(calls(s.recordDir).length, 0);
});

test('refused: values no script carries safely', t => {
	const input: JobScriptInput = {
		runId: 'r1', container: 'docker', containerCommand: ['docker'], image: 'cosmos-sim:latest', remoteDir: '/shared/cosmos', hfCacheDir: '/shared/hf',
		runDir: '/shared/cosmos/.cosmos-tui/runs/r1', env: {}, torchrun: ['torchrun'], envSetup: '', exitFile: '/shared/cosmos/.cosmos-tui/runs/r1/exit_code',
	};
	t.notThrows(() => buildJobScript(input));
	const bad: Array<[string, Partial<JobScriptInput>]> = [
		['relative remote folder', {remoteDir: 'cosmos'}],
		['":" in a mounted folder', {remoteDir: '/shared/a:b'}],
		['"," in a mounted folder (enroot mount list)', {container: 'enroot', hfCacheDir: '/shared/a,b'}],
		['an image that is an option', {container: 'apptainer', image: '--bind=/:/host'}],
		['a docker image that is no image', {image: 'Cosmos Sim'}],
		['an environment name that is no name', {env: {'A B': '1'}}],
		['a NUL in a value', {env: {A: 'x\0y'}}],
		['an empty command', {torchrun: []}],
		['a command that is an option', {torchrun: ['--help']}],
		['an empty container command', {containerCommand: []}],
		['a run id that is no run id', {runId: '../x'}],
		['a relative exit file', {exitFile: 'exit_code'}],
	];
	for (const [what, fields] of bad) t.throws(() => buildJobScript({...input, ...fields}), {instanceOf: Error}, what);
	t.throws(() => buildJobScript({...input, remoteDir: 'cosmos'}), {instanceOf: JobScriptError});
});
