// The prompt upsampler run (`cosmos-tui enhance`): how its answer is read from its stdout copy,
// the fixed script and the docker argv (the prompt text is never on a command line), the Slurm job
// that runs the same command, and the end-of-run check (success means an upsampled text).
import {execFile} from 'node:child_process';
import {chmod, mkdir, readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {promisify} from 'node:util';
import test from 'ava';
import {DEFAULT_PARAMETERS} from '../../source/domain/model.js';
import {MERGE_STDERR, UPSAMPLER_SCRIPT, UPSAMPLER_SH, dockerRunUpsamplerArgs, upsamplerCommand} from '../../source/executor/docker-command.js';
import type {ExecutorEvents} from '../../source/executor/executor.js';
import {NO_OUTPUT_VIDEO_HINT, NO_UPSAMPLED_TEXT_HINT, classifyFailure} from '../../source/executor/failure-classifier.js';
import {planLaunch} from '../../source/executor/launch-plan.js';
import {LocalHostShell} from '../../source/executor/local-host-shell.js';
import {collectOutputs, missingOutputHint} from '../../source/executor/output-download.js';
import {planSlurmLaunch} from '../../source/executor/slurm/slurm-launch-plan.js';
import {parseUpsampledPrompt} from '../../source/executor/upsampler-output.js';
import {HOST_PATHS, testConfig, testJob} from '../helpers/jobs.js';
import {REPO_ROOT, tempDir} from '../helpers/temp.js';

const run = promisify(execFile);
const SUFFIX = 'Rendered in rich cinematic detail, with soft volumetric light and natural motion.';
const HOSTILE_TEXT = `-x "it's" $(touch /tmp/cosmos-pwned) \`id\`; rm -rf ~`;
const job = (text = HOSTILE_TEXT) => testJob({run: {parameters: {...DEFAULT_PARAMETERS, num_gpus: 1}, enhance: {prompt_id: null}}, prompt: {prompt_text: text}});

test('the upsampled text: after the last marker line, to the end, multi-line, without log records after it', t => {
	t.is(parseUpsampledPrompt('[06-07 10:00:00|INFO|x.py:1:f] loading\nUpsampled prompt: A harbour at dawn.\n'), 'A harbour at dawn.');
	t.is(parseUpsampledPrompt('Upsampled prompt: first line\n\nsecond paragraph\n'), 'first line\n\nsecond paragraph');
	t.is(parseUpsampledPrompt('Upsampled prompt: old\nUpsampled prompt: new one\r\n'), 'new one', 'the last marker wins');
	t.is(parseUpsampledPrompt('[rank0]: Upsampled prompt: prefixed\n'), 'prefixed');
	t.is(parseUpsampledPrompt('Upsampled prompt: text\nINFO 06-07 10:00:01 llm_engine.py:1] shutting down\n'), 'text');
	t.is(parseUpsampledPrompt('Upsampled prompt: text\n[06-07 10:00:01|INFO|upsampler.py:131:_offload] Offloading\n'), 'text');
	t.is(parseUpsampledPrompt('Upsampled prompt:\nthe text on the next line\n'), 'the text on the next line');
	t.is(parseUpsampledPrompt('The text says Upsampled prompt: not at a line start\n'), null);
	t.is(parseUpsampledPrompt('Upsampled prompt:   \n\n'), null, 'an empty answer is no answer');
	t.is(parseUpsampledPrompt(''), null);
});

test('the fixed script reads the prompt from a file; the command is the script and four path arguments', t => {
	const argv = upsamplerCommand({promptFile: '/w/p.txt', inputVideo: '/w/v.mp4', stdoutFile: '/w/out/output.txt'});
	t.deepEqual(argv, ['sh', '-c', UPSAMPLER_SH, 'sh', '/w/p.txt', '/w/v.mp4', '/workspace/checkpoints', '/w/out/output.txt']);
	t.true(UPSAMPLER_SH.includes(`torchrun --nproc_per_node=1 ${UPSAMPLER_SCRIPT} --prompt="$(cat "$1")" --input_video="$2" --checkpoint_dir="$3" --offload_prompt_upsampler`));
	t.true(UPSAMPLER_SH.includes('| tee "$out"'));
	t.throws(() => upsamplerCommand({promptFile: '-rf', inputVideo: '/w/v.mp4', stdoutFile: '/w/o'}));
});

test('docker run of an upsampler run: the usual container on one GPU, the fixed script after the stderr wrapper, no prompt text', t => {
	const argv = dockerRunUpsamplerArgs({
		docker: 'docker', image: 'nvcr.io/nvidia/cosmos:1', containerName: 'cosmos-tui-rs_1', runId: 'rs_1', remoteDir: '/srv/ct1', hfCacheDir: '/hf', gpus: [1], extraArgs: ['--shm-size=8g'], init: true,
		promptFile: '/workspace/p.txt', inputVideo: '/workspace/v.mp4', stdoutFile: '/workspace/o/output.txt',
	});
	const image = argv.indexOf('nvcr.io/nvidia/cosmos:1');
	t.deepEqual(argv.slice(image + 1), [...MERGE_STDERR, 'sh', '-c', UPSAMPLER_SH, 'sh', '/workspace/p.txt', '/workspace/v.mp4', '/workspace/checkpoints', '/workspace/o/output.txt']);
	t.deepEqual(argv.slice(argv.indexOf('--gpus'), argv.indexOf('--gpus') + 2), ['--gpus', '"device=1"']);
	t.true(argv.includes('--shm-size=8g') && argv.includes('--init') && argv.includes('cosmos-tui.run=rs_1'));
	t.false(argv.includes('transfer.py') || argv.some(word => word.includes('transfer.py')));
});

test('planLaunch of an enhance run: prompt.txt holds the text (no spec JSON), the argv names files only', t => {
	const plan = planLaunch(job(), testConfig(), HOST_PATHS, {cosmos_sim: {mode: 'ok'}});
	t.is(plan.hostRun.spec, '/srv/ct1/.cosmos-tui/runs/rs_0123456789ab/prompt.txt');
	t.is(plan.specJson, HOSTILE_TEXT, 'the file holds exactly the text');
	const tail = plan.dockerRun.slice(plan.dockerRun.indexOf(UPSAMPLER_SH) - 2);
	t.deepEqual(tail, [
		'sh', '-c', UPSAMPLER_SH, 'sh',
		'/workspace/.cosmos-tui/runs/rs_0123456789ab/prompt.txt',
		`/workspace/.cosmos-tui/inputs/${'a'.repeat(64)}/video.mp4`,
		'/workspace/checkpoints',
		'/workspace/.cosmos-tui/runs/rs_0123456789ab/output/output.txt',
	]);
	t.false(plan.dockerRun.some(word => word.includes('rm -rf') || word.includes('cosmos-pwned')), 'the prompt text is never on the command line');
	t.deepEqual(plan.dockerRun.slice(0, 5), ['sudo', '-n', 'docker', 'run', '-d']);
});

test('a Slurm host runs the same upsampler command in its job script, the text only in prompt.txt', t => {
	for (const container of ['docker', 'podman', 'enroot', 'apptainer', 'none'] as const) {
		const plan = planSlurmLaunch(job(), testConfig(c => (c.slurm.container = container)), HOST_PATHS);
		t.is(plan.specJson, HOSTILE_TEXT, container);
		t.is(plan.hostRun.spec, '/srv/ct1/.cosmos-tui/runs/rs_0123456789ab/prompt.txt', container);
		t.true(plan.jobScript.includes('upsampler_pipeline.py'), container);
		t.false(plan.jobScript.includes('transfer.py'), container);
		t.false(plan.jobScript.includes('cosmos-pwned'), container);
	}
});

test('the Slurm job without a container runs the stand-in upsampler on the host paths: output.txt holds the answer, exit 0', async t => {
	const {dir, cleanup} = await tempDir();
	t.teardown(cleanup);
	const remoteDir = path.join(dir, 'ct1');
	const bin = path.join(dir, 'bin');
	await mkdir(bin, {recursive: true});
	// torchrun on the node is the sandbox image's launcher: the stand-in picks upsampler.mjs by the script name.
	await writeFile(path.join(bin, 'torchrun'), `#!/bin/sh\nexec "${process.execPath}" "${REPO_ROOT}/sandbox/image/stand-in/launch.mjs" torchrun "$@"\n`);
	await chmod(path.join(bin, 'torchrun'), 0o755);
	const plan = planSlurmLaunch(job(), testConfig(c => (c.slurm.container = 'none')), {remoteDir, hfCacheDir: path.join(dir, 'hf')});
	const video = path.join(remoteDir, '.cosmos-tui', 'inputs', 'a'.repeat(64), 'video.mp4');
	await mkdir(path.dirname(video), {recursive: true});
	await writeFile(video, 'not really a video');
	await mkdir(plan.hostRun.runDir, {recursive: true});
	await writeFile(plan.hostRun.spec, plan.specJson);
	await writeFile(plan.files.jobScript, plan.jobScript);
	const result = await run('sh', [plan.files.jobScript], {env: {PATH: `${bin}:${process.env['PATH']}`, HOME: dir}});
	t.regex(result.stdout, /Upsampled prompt: /, 'the log shows the answer live');
	const stdout = await readFile(path.join(plan.hostRun.outputDir, 'output.txt'), 'utf8');
	t.is(parseUpsampledPrompt(stdout), `${HOSTILE_TEXT} ${SUFFIX}`);
	t.is((await readFile(plan.files.exitFile, 'utf8')).trim(), '0');
});

const quietEvents: ExecutorEvents = {log: () => undefined, progress: () => undefined, stalled: () => undefined};

test('end of an upsampler run: success when output.txt holds an upsampled text; otherwise a failure that says so', async t => {
	const {dir, cleanup} = await tempDir();
	t.teardown(cleanup);
	const shell = new LocalHostShell();
	const remoteOut = path.join(dir, 'remote', 'output');
	await mkdir(remoteOut, {recursive: true});
	const enhanceJob = {...job(), outputDir: path.join(dir, 'local')};
	// As the executors build it: the hint for a missing output is the job's.
	const classifyFor = (of: Pick<typeof enhanceJob, 'run'>) => (outputExists: boolean) => classifyFailure({exitCode: 0, logTail: [], outputExists, missingOutput: missingOutputHint(of)});
	const classify = classifyFor(enhanceJob);

	await writeFile(path.join(remoteOut, 'output.txt'), '[06-07 10:00:00|INFO|x.py:1:f] loading\nno answer here\n');
	const without = await collectOutputs(shell, remoteOut, enhanceJob, quietEvents, classify);
	t.deepEqual(without.failure, {kind: 'other', hint: NO_UPSAMPLED_TEXT_HINT});

	await writeFile(path.join(remoteOut, 'output.txt'), 'Upsampled prompt: a harbour, richly\n');
	const withText = await collectOutputs(shell, remoteOut, enhanceJob, quietEvents, classify);
	t.is(withText.failure, null);
	t.is(withText.download.outputs.prompt_text, path.join(dir, 'local', 'output.txt'));
	t.is(await readFile(withText.download.outputs.prompt_text!, 'utf8'), 'Upsampled prompt: a harbour, richly\n');

	// A transfer run in the same folder still needs its video.
	const transferJob = {...enhanceJob, run: {...enhanceJob.run, enhance: null}};
	t.deepEqual((await collectOutputs(shell, remoteOut, transferJob, quietEvents, classifyFor(transferJob))).failure, {kind: 'other', hint: NO_OUTPUT_VIDEO_HINT});
});
