// `cosmos-tui enhance` against the sandbox GPU host (loopback sshd + podman + cosmos-sim, whose
// upsampler.mjs plays upsampler_pipeline.py): a new prompt linked to the original, with the
// stand-in's rewrite as its text; an unknown prompt is refused with one line.
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {cliSandboxWorkspace} from '../helpers/cli-sandbox.js';

const workspace = cliSandboxWorkspace();
const {run} = workspace;

const SUFFIX = 'Rendered in rich cinematic detail, with soft volumetric light and natural motion.';
type PromptJson = {id: string; name: string; prompt_text: string; negative_prompt: string; video_dir: string; inputs: unknown; enhanced_from?: {prompt_id: string; run_id: string}};
type RunJson = {id: string; status: string; error_message: string | null; upsampled_prompt?: string; enhance?: {prompt_id: string | null}; outputs: {prompt_text?: string}};

test.serial('enhance: the upsampler runs on the host; a new prompt with its rewrite, linked; the original unchanged', async t => {
	// Quotes, $( ) and a dash word: the text goes to the host in a file, never on a command line.
	const text = `A "quiet" harbour at $(dawn) 'with' fog --offload_prompt_upsampler`;
	const created = await run('prompt', 'create', text, workspace.inputs, '--name', 'harbour', '--negative', 'blurry', '--json');
	t.is(created.code, 0, created.stderr);
	const original = JSON.parse(created.stdout) as PromptJson;

	const result = await run('enhance', original.id, '--json');
	t.is(result.code, 0, result.stderr);
	const [enhanced] = JSON.parse(result.stdout) as RunJson[];
	t.is(enhanced!.status, 'success', enhanced!.error_message ?? '');
	const rewrite = `${text} ${SUFFIX}`;
	t.is(enhanced!.upsampled_prompt, rewrite);
	t.regex(await readFile(enhanced!.outputs.prompt_text!, 'utf8'), /^Upsampled prompt: /m, 'the stdout copy came home');
	const remotePrompt = await readFile(path.join(workspace.sandbox.remoteDir, '.cosmos-tui', 'runs', enhanced!.id, 'prompt.txt'), 'utf8');
	t.is(remotePrompt, text);

	const made = JSON.parse((await run('show', enhanced!.enhance!.prompt_id!, '--json')).stdout) as {prompt: PromptJson};
	t.is(made.prompt.prompt_text, rewrite);
	t.is(made.prompt.name, 'harbour (enhanced)');
	t.is(made.prompt.negative_prompt, 'blurry');
	t.deepEqual(made.prompt.inputs, original.inputs);
	t.deepEqual(made.prompt.enhanced_from, {prompt_id: original.id, run_id: enhanced!.id});
	const again = JSON.parse((await run('show', original.id, '--json')).stdout) as {prompt: PromptJson};
	t.deepEqual(again.prompt, original, 'the original is never overwritten');

	const log = await run('logs', enhanced!.id);
	t.regex(log.stdout, /upsampler\.py:\d+:__init__\] Initializing prompt upsampler/);
	t.regex(log.stdout, /Upsampled prompt: A "quiet" harbour at \$\(dawn\)/);
});

test.serial('enhance of an unknown prompt: one line, exit 1, nothing queued', async t => {
	const result = await run('enhance', 'ps_nothere00');
	t.is(result.code, 1);
	t.is(result.stderr, 'cosmos-tui: no prompt ps_nothere00\n');
	const runs = JSON.parse((await run('list', 'runs', '--json')).stdout) as RunJson[];
	t.false(runs.some(candidate => candidate.status === 'queued'));
});
