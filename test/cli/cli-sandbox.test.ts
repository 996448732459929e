// The real command line against the sandbox GPU host (loopback sshd + podman + cosmos-sim).
import {spawn} from 'node:child_process';
import {readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {tailLines} from '../../source/service/log-tail.js';
import {cliSandboxWorkspace} from '../helpers/cli-sandbox.js';
import {lines} from '../helpers/lines.js';
import {REPO_ROOT} from '../helpers/temp.js';

const workspace = cliSandboxWorkspace();
const {run} = workspace;

/** How the stand-in model behaves for runs started from now on. */
const simulate = (options: Record<string, unknown>) =>
	writeFile(path.join(workspace.sandbox.remoteDir, 'cosmos-sim.json'), JSON.stringify(options));
const remoteSpec = async (runId: string) =>
	JSON.parse(await readFile(path.join(workspace.sandbox.remoteDir, '.cosmos-tui', 'runs', runId, 'spec.json'), 'utf8')) as Record<string, {control_weight?: number}>;
type RunJson = {id: string; status: string; outputs: {video?: string}; metrics: Record<string, number>; failure_kind: string | null};
const show = async (id: string) => (JSON.parse((await run('show', id, '--json')).stdout) as {run: RunJson}).run;
const runIdIn = (text: string) => /\b(rs_[0-9a-f]{12})\b/.exec(text)?.[1];

test.serial('status reports the connection, docker and every GPU', async t => {
	const result = await run('status', '--json');
	t.is(result.code, 0, result.stderr);
	const status = JSON.parse(result.stdout) as {connected: boolean; docker: {ok: boolean}; gpus: unknown[]};
	t.true(status.connected);
	t.true(status.docker.ok);
	t.is(status.gpus.length, 2);
	const text = await run('status');
	t.regex(text.stdout, /gpu 1 /);
});

test.serial('run streams the log to the end; the spec on the host carries the weights; a rerun uploads no video', async t => {
	await simulate({mode: 'ok', clips: 2});
	const result = await run('run', 'A foggy harbour at dawn', workspace.inputs, '--weights', 'vis=0.3,edge=0.6');
	t.is(result.code, 0, result.stderr);
	t.regex(result.stdout, /Saved video to/);
	t.regex(result.stderr, /» diffusion/);
	const id = runIdIn(result.stderr)!;
	t.regex(result.stderr, new RegExp(`run ${id} success`));
	const done = await show(id);
	t.is(done.status, 'success');
	t.truthy(done.outputs.video);
	t.true((await readFile(done.outputs.video!)).length > 0);
	const spec = await remoteSpec(id);
	t.is(spec['vis']?.control_weight, 0.3);
	t.is(spec['edge']?.control_weight, 0.6);

	const rerun = await run('rerun', id, '--weights', 'edge=0.9', '--json');
	t.is(rerun.code, 0, rerun.stderr);
	const [child] = JSON.parse(rerun.stdout) as RunJson[];
	t.is(child!.status, 'success');
	t.is(child!.metrics['upload_bytes'], 0);
	t.is((await remoteSpec(child!.id))['edge']?.control_weight, 0.9);
	t.is((await remoteSpec(child!.id))['vis']?.control_weight, 0.3);
});

test.serial('upscale: a finished run to 4K as a new linked run (its output uploaded by content, the upscale spec, output_4k.mp4); refused without an output; the parent\'s rating shows', async t => {
	await simulate({mode: 'ok'});
	const first = await run('run', 'A lighthouse in the fog', workspace.inputs, '--json');
	t.is(first.code, 0, first.stderr);
	const [parent] = JSON.parse(first.stdout) as RunJson[];
	t.is((await run('rate', parent!.id, '4')).code, 0);

	const result = await run('upscale', parent!.id, '--weight', '0.4', '--json');
	t.is(result.code, 0, result.stderr);
	const [upscale] = JSON.parse(result.stdout) as Array<RunJson & {parent_run_id: string; upscale: {control_weight: number; input: {sha256: string}}}>;
	t.is(upscale!.status, 'success');
	t.is(upscale!.parent_run_id, parent!.id);
	t.is(upscale!.upscale.control_weight, 0.4);
	t.is(path.basename(upscale!.outputs.video!), 'output_4k.mp4');
	t.deepEqual(await readFile(upscale!.outputs.video!), await readFile(parent!.outputs.video!), 'the stand-in returns its input: the parent\'s video went up');
	const spec = (await remoteSpec(upscale!.id)) as Record<string, unknown>;
	t.deepEqual(spec['upscale'], {control_weight: 0.4});
	t.is(spec['num_steps'], 10);
	t.is(spec['input_video_path'], `/workspace/.cosmos-tui/inputs/${upscale!.upscale.input.sha256}/video.mp4`);
	t.is(spec['prompt'], 'A lighthouse in the fog');
	for (const control of ['vis', 'edge', 'depth', 'seg']) t.false(control in spec, control);

	const shown = await run('show', upscale!.id);
	t.regex(shown.stdout, new RegExp(`upscale of ${parent!.id} \\(4K, weight 0\\.4\\)`));
	const listed = await run('list', 'runs', '--limit', '3');
	t.regex(listed.stdout, new RegExp(`${upscale!.id} .*\\(★★★★☆\\)`), 'an unrated upscale shows its parent\'s rating');

	const again = await run('upscale', upscale!.id);
	t.is(again.code, 1);
	t.is(again.stderr, `cosmos-tui: ${upscale!.id} is an upscale already: its video is 4K\n`);
	const failed = await run('run', 'A harbour [cosmos-sim oom]', workspace.inputs, '--json');
	const [oom] = JSON.parse(failed.stdout) as RunJson[];
	const refused = await run('upscale', oom!.id);
	t.is(refused.code, 1);
	t.is(refused.stderr, `cosmos-tui: ${oom!.id} has no output video to upscale (failed)\n`);
	t.regex((await run('upscale', parent!.id, '--weight', '2')).stderr, /^cosmos-tui: --weight must be a number from 0 to 1, got "2"/);
});

test.serial('run --enhance: the spec asks for the prompt upsampler (offloaded); the upsampled text comes back on the run; a rerun keeps it', async t => {
	await simulate({mode: 'ok'});
	const result = await run('run', 'A quiet harbour', workspace.inputs, '--weights', 'vis=0.4', '--enhance', '--json');
	t.is(result.code, 0, result.stderr);
	const [enhanced] = JSON.parse(result.stdout) as Array<RunJson & {enhance_prompt: boolean; upsampled_prompt: string}>;
	t.is(enhanced!.status, 'success');
	t.true(enhanced!.enhance_prompt);
	t.is(enhanced!.upsampled_prompt, 'A quiet harbour Rendered in rich cinematic detail, with soft volumetric light and natural motion.');
	const spec = (await remoteSpec(enhanced!.id)) as Record<string, unknown>;
	t.is(spec['upsample_prompt'], true);
	t.is(spec['offload_prompt_upsampler'], true);
	t.regex((await run('show', enhanced!.id)).stdout, /\nenhanced  A quiet harbour Rendered in rich cinematic detail/);

	const rerun = await run('rerun', enhanced!.id, '--detach', '--json');
	const [again] = JSON.parse(rerun.stdout) as Array<{enhance_prompt?: boolean}>;
	t.true(again!.enhance_prompt, 'a rerun of an enhanced run is enhanced');
	await run('cancel', (again as {id?: string}).id ?? '');
	const plainRun = await run('run', 'A quiet harbour', workspace.inputs, '--json');
	const [notEnhanced] = JSON.parse(plainRun.stdout) as Array<{id: string; upsampled_prompt?: string}>;
	t.is(notEnhanced!.upsampled_prompt, undefined);
	t.false('upsample_prompt' in ((await remoteSpec(notEnhanced!.id)) as Record<string, unknown>));
});

test.serial('a [cosmos-sim ...] marker in the prompt picks that run\'s failure, over cosmos-sim.json', async t => {
	await simulate({mode: 'ok'});
	const failed = await run('run', 'A harbour [cosmos-sim oom]', workspace.inputs, '--json');
	t.is(failed.code, 1, failed.stderr);
	const [oom] = JSON.parse(failed.stdout) as RunJson[];
	t.is(oom!.status, 'failed');
	t.is(oom!.failure_kind, 'oom');
	const fine = await run('run', 'A harbour without a marker', workspace.inputs, '--json');
	t.is(fine.code, 0, fine.stderr);
	t.is((JSON.parse(fine.stdout) as RunJson[])[0]!.status, 'success');
});

test.serial('a worker killed with -9 mid-run: logs --follow brings a new one, which reattaches with no gap and no repeat', async t => {
	await simulate({mode: 'slow', seconds: 6, clips: 3});
	// A foreground worker holds the dispatcher lease, so the submit below starts no other.
	const worker = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), path.join(REPO_ROOT, 'source/cli/main.ts'), 'worker'], {
		cwd: workspace.dir,
		env: {PATH: process.env['PATH'] ?? '', HOME: workspace.dir, NO_COLOR: '1'},
	});
	const workerLines = lines(worker.stderr);
	await workerLines.until(line => line.includes('dispatching runs'));
	const submitted = await run('run', 'A red lighthouse in a storm', workspace.inputs, '--detach');
	t.is(submitted.code, 0, submitted.stderr);
	const id = submitted.stdout.trim();
	await workerLines.until(line => line.includes(`${id} running`));
	await waitForLog(id, /Starting diffusion sampling/);
	worker.kill('SIGKILL');
	await new Promise(resolve => worker.once('exit', resolve));
	t.is((await show(id)).status, 'running', 'the run goes on on the host');
	const followed = await run('logs', id, '--follow');
	t.is(followed.code, 0, followed.stderr);
	const done = await show(id);
	t.is(done.status, 'success');
	const log = (await readFile(path.join(workspace.dir, 'data', 'runs', id, 'run.log'), 'utf8')).split('\n');
	for (const milestone of [/control_inputs:/, /final args:/, /Run generation/, /Saved video to/, /Saved prompt to/]) {
		t.is(log.filter(line => milestone.test(line)).length, 1, `${String(milestone)} exactly once`);
	}
	t.is(log.filter(line => /Starting diffusion sampling/.test(line)).length, 3, 'one per clip, none lost or repeated');
});

test.serial('run --detach prints the id at once; kill stops exactly that run', async t => {
	await simulate({mode: 'slow', seconds: 30, clips: 2});
	const first = await run('run', 'A slow one', workspace.inputs, '--detach');
	const second = await run('run', 'Another slow one', workspace.inputs, '--detach');
	t.is(first.code, 0, first.stderr);
	const a = first.stdout.trim();
	const b = second.stdout.trim();
	t.regex(a, /^rs_[0-9a-f]{12}$/);
	const killed = await run('kill', a, '--json');
	t.is(killed.code, 0, killed.stderr);
	t.is((JSON.parse(killed.stdout) as RunJson).status, 'cancelled');
	const status = JSON.parse((await run('status', '--json')).stdout) as {containers: Array<{runId: string; state: string}>};
	t.not(status.containers.find(c => c.runId === a)?.state, 'running');
	t.is(status.containers.find(c => c.runId === b)?.state, 'running', 'the other run is untouched');
	t.is((await run('kill', b)).code, 0);
});

/** Resolves once the run's saved log has a line matching pattern (the tailer the CLI itself uses). */
async function waitForLog(id: string, pattern: RegExp): Promise<void> {
	const found = new AbortController();
	await tailLines(path.join(workspace.dir, 'data', 'runs', id, 'run.log'), 0, line => {
		if (pattern.test(line)) found.abort();
	}, () => false, found.signal);
}
