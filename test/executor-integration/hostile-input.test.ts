// User text and host-made file names never act on either machine: 50+ shell-injection strings in
// the prompt text, negative prompt, name and the input folder and file names run nothing on the
// host (the canary stays absent), and remote output names cannot leave the local outputs folder.
import {copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync} from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type {Config} from '../../source/config/schema.js';
import type {InputFile} from '../../source/domain/model.js';
import {sha256File} from '../../source/service/inputs.js';
import {type SandboxHost, startSandboxHost} from '../helpers/sandbox-host.js';
import {SAMPLE_DIR, tempDir} from '../helpers/temp.js';
import {type CapturingShell, Recorder, type SimOptions, capturingExecutor, makeJob, sandboxConfig, testOptions} from './harness.js';
import type {DockerExecutor} from '../../source/executor/docker-executor.js';

let sandbox: SandboxHost;
let dir: string;
let cleanup: () => Promise<void>;
let config: Config;
let executor: DockerExecutor;
let shell: CapturingShell;
const sims = new Map<string, SimOptions>();

test.before(async () => {
	sandbox = await startSandboxHost();
	({dir, cleanup} = await tempDir('cosmos-exec-hostile-'));
	config = sandboxConfig(sandbox, dir);
	({executor, shell} = await capturingExecutor(config, testOptions(dir, sims)));
});
test.after.always(async () => {
	await executor?.close();
	await sandbox?.stop();
	await cleanup?.();
});

/** Ways to smuggle `touch <canary>` into a shell command line, each a complete string. */
function hostileStrings(canary: string): string[] {
	const touch = `touch ${canary}`;
	const payloads = [
		`$(${touch})`, `\`${touch}\``, `;${touch};`, `'; ${touch}; '`, `"; ${touch}; "`, `' $(${touch}) '`, `" \`${touch}\` "`,
		`| ${touch}`, `|| ${touch}`, `&& ${touch}`, `& ${touch} &`, `\n${touch}\n`, `\r\n${touch}`, `$({touch,${canary}})`,
		`\${IFS}${touch}`, `$(IFS=_;cmd=touch_${canary};$cmd)`, `'"'"'; ${touch}; echo '"'"'`, `\\'; ${touch}; \\'`, `$'\\x27'; ${touch}`,
		`<(${touch})`, `>(${touch})`, `> ${canary}`, `>> ${canary}`, `2> ${canary}`, `--name=$(${touch})`, `-v /:/host -e X=$(${touch})`,
		`--entrypoint=sh`, `'--privileged'`, `x'y"z\`${touch}\``, `\\$(${touch})`, `$$(${touch})`, `\${x:-$(${touch})}`, `$((1))$(${touch})`,
		`{${touch},}`, `!${touch}`, `#; ${touch}`, `~root/$(${touch})`, `*$(${touch})*`, `?[a]$(${touch})`, `=$(${touch})`,
		`a=b $(${touch})`, `if true; then ${touch}; fi`, `for i in 1; do ${touch}; done`, `exec ${touch}`, `eval '${touch}'`,
		`%0a${touch}`, `\u0000${touch}`.replace('\u0000', ''), `\u001b]0;$(${touch})\u0007`, `\u2028${touch}`, `\t${touch}\t`,
		`\u00a0;${touch}`, `ＩＦＳ;${touch}`, `💥$(${touch})💥`, `{"prompt": "$(${touch})"}`, `'\\''; ${touch} #`, `"$(printf '%s' '${touch}')"`,
	];
	return payloads;
}

/** A name usable as one path component: '/' (not allowed in names) becomes '∕'. */
const component = (text: string) => text.replaceAll('/', '\u2215').replaceAll('\0', '').slice(0, 200) || 'x';

test.serial('50+ injection strings in prompt, negative prompt, name, folder and file names run nothing on the host', async t => {
	const strings = hostileStrings(sandbox.canaryPath);
	t.true(strings.length >= 50);
	// The input videos sit under a folder path made of every string (one folder per string), in
	// files named after them; each run below uses three of those names.
	let folder = dir;
	for (const text of strings) folder = path.join(folder, component(text).slice(0, 60));
	mkdirSync(folder, {recursive: true});
	const samples = {video: 'color.mp4', depth: 'depth.mp4', seg: 'segmentation.mp4'} as const;
	const inputFile = async (role: keyof typeof samples, name: string): Promise<InputFile> => {
		const file = path.join(folder, `${component(name).slice(0, 60)}.mp4`);
		copyFileSync(path.join(SAMPLE_DIR, samples[role]), file);
		return {path: file, sha256: await sha256File(file), size: statSync(file).size, mtime_ms: 0};
	};
	const prompts = [strings.join(' '), strings[0]!, strings[12]!, strings[40]!];
	for (const [index, text] of prompts.entries()) {
		const job = await makeJob(dir, {promptText: text, negativePrompt: [...strings].reverse().join('\n'), name: strings[index * 3]!});
		job.prompt.inputs = {
			video: await inputFile('video', strings[index * 3]!),
			depth: await inputFile('depth', strings[index * 3 + 1]!),
			seg: await inputFile('seg', strings[index * 3 + 2]!),
		};
		job.prompt.video_dir = folder;
		const recorder = new Recorder();
		const handle = await executor.launch(job, recorder.events);
		const result = await executor.follow(handle, job, recorder.events, {skipLines: 0});
		t.is(result.status, 'success', result.errorMessage ?? '');
		// The text reached the model unchanged, through the spec file.
		t.is(readFileSync(result.outputs.prompt_text!, 'utf8'), job.prompt.prompt_text);
		const spec = JSON.parse(readFileSync(path.join(handle.run_dir, 'spec.json'), 'utf8')) as {negative_prompt: string};
		t.is(spec.negative_prompt, job.prompt.negative_prompt);
	}
	t.false(existsSync(sandbox.canaryPath), 'nothing ran on the host');
});

test.serial('remote output names cannot leave the outputs folder; symlinks and odd names stay on the host', async t => {
	const job = await makeJob(dir);
	sims.set(job.run.id, {mode: 'ok', hostile_files: true});
	shell.injectEntries = [
		{name: '../escaped_input_control_0.mp4', size: 1, type: 'file'},
		{name: '../../output.mp4', size: 1, type: 'file'},
		{name: '/etc/vis_input_control_0.mp4', size: 1, type: 'file'},
		{name: '..', size: 1, type: 'file'},
		{name: 'depth_input_control_0.mp4/../../x', size: 1, type: 'file'},
	];
	const recorder = new Recorder();
	const result = await executor.follow(await executor.launch(job, recorder.events), job, recorder.events, {skipLines: 0});
	shell.injectEntries = [];
	t.is(result.status, 'success', result.errorMessage ?? '');
	t.deepEqual(readdirSync(job.outputDir).sort(), ['edge_input_control_0.mp4', 'output.mp4', 'output.txt', 'vis_input_control_0.mp4']);
	t.deepEqual(readdirSync(path.dirname(job.outputDir)), ['outputs']);
	t.false(existsSync(path.join(dir, 'escaped_input_control_0.mp4')));
	t.is(result.outputs.controls?.edge, path.join(job.outputDir, 'edge_input_control_0.mp4'), 'rank 0, not the symlinked rank 7');
});
