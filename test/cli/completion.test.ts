// Shell completion: the scripts are generated from the command table, bash really completes with
// one (ids from the store through `cosmos-tui __complete`), and nothing a store holds is evaluated.
import {execFile} from 'node:child_process';
import {existsSync} from 'node:fs';
import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {COMMANDS} from '../../source/cli/commands/index.js';
import {kebab} from '../../source/cli/flags.js';
import {newRun, type Prompt} from '../../source/domain/model.js';
import {openStore} from '../../source/store/index.js';
import {cosmos} from '../helpers/cli.js';
import {REPO_ROOT, sampleInputs, tempDir} from '../helpers/temp.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;
const RUN_A = 'rs_c00000000001';
const RUN_B = 'rs_c00000000002';
const HOSTILE_RUN = 'rs_$(touch PWNED)';

function shell(program: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<{code: number; stdout: string; stderr: string}> {
	return new Promise(resolve => {
		execFile(program, args, {cwd, env: {PATH: process.env['PATH'] ?? '', HOME: cwd, ...env}}, (error, stdout, stderr) => {
			resolve({code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr});
		});
	});
}

async function workspace() {
	const {dir, cleanup} = await tempDir();
	const inputs = await sampleInputs(dir);
	const prompt = JSON.parse((await cosmos(['prompt', 'create', 'A quiet street', inputs, '--json'], {cwd: dir})).stdout) as Prompt;
	const store = await openStore(path.join(dir, 'data'));
	const at = new Date().toISOString();
	await store.write(tx => {
		for (const id of [RUN_A, RUN_B, HOSTILE_RUN]) tx.insert('runs', newRun({id, prompt_id: prompt.id, created_at: at, status: 'success', stage: null}));
	});
	await store.close();
	await writeFile(path.join(dir, 'cosmos.toml'), '[remote]\nhost = "gpu-a"\n\n[hosts.gpu-b]\nhost = "10.0.0.2"\n');
	const scripts = {} as Record<(typeof SHELLS)[number], string>;
	for (const name of SHELLS) {
		const printed = await cosmos(['completion', name], {cwd: dir});
		if (printed.code !== 0) throw new Error(printed.stderr);
		scripts[name] = path.join(dir, `completion.${name}`);
		await writeFile(scripts[name], printed.stdout);
	}
	return {dir, prompt, scripts, cleanup};
}

// `cosmos-tui` is not installed here: a shell function stands in for it, as the script calls it by name.
const BASH_DRIVER = String.raw`
cosmos-tui() { "$COSMOS_NODE" --import "$COSMOS_TSX" "$COSMOS_MAIN" "$@"; }
source "$COSMOS_SCRIPT"
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
_cosmos_tui
printf '%s\n' "${'$'}{COMPREPLY[@]}"
`;

test('completion scripts hold every command and every flag of each, from the command table', async t => {
	const {dir, cleanup} = await tempDir();
	const visible = COMMANDS.filter(command => !command.hidden);
	for (const name of SHELLS) {
		const {code, stdout} = await cosmos(['completion', name], {cwd: dir});
		t.is(code, 0);
		const lines = stdout.split('\n');
		for (const command of visible) {
			// The line that offers a command's flags: "run) _cosmos_tui_words --weights …" (bash, zsh),
			// or "case run" and then "printf '%s\n' '--weights' …" (fish).
			const flagsLine = name === 'fish'
				? lines.find((text, index) => index > 0 && lines[index - 1]!.trim() === `case ${command.name}` && text.includes("printf '%s\\n' '--"))
				: lines.find(text => text.trim().startsWith(`${command.name}) _cosmos_tui_words --`));
			t.truthy(flagsLine, `${name}: ${command.name}`);
			for (const flag of command.flags) t.true(flagsLine!.includes(kebab(flag)), `${name}: ${command.name} ${kebab(flag)}`);
			// And the command itself is offered where a command goes.
			const commandsLine = lines.find(text => / '?run'? '?inference'? /.test(text));
			t.true(commandsLine?.split(' ').map(word => word.replaceAll("'", '')).includes(command.name), `${name}: offers ${command.name}`);
		}
		t.false(stdout.includes('__complete)'), `${name}: the hidden command is not offered`);
	}
	const bad = await cosmos(['completion', 'tcsh'], {cwd: dir});
	t.is(bad.code, 2);
	await cleanup();
});

test('bash completes commands, subcommands, flags, values and ids from the store, and evaluates nothing', async t => {
	const w = await workspace();
	const complete = async (...words: string[]) => {
		const result = await shell('bash', ['-c', BASH_DRIVER, 'bash', 'cosmos-tui', ...words], w.dir, {
			COSMOS_NODE: process.execPath,
			COSMOS_TSX: import.meta.resolve('tsx'),
			COSMOS_MAIN: path.join(REPO_ROOT, 'source/cli/main.ts'),
			COSMOS_SCRIPT: w.scripts.bash,
		});
		t.is(result.code, 0, result.stderr);
		return result.stdout.split('\n').filter(Boolean);
	};
	t.deepEqual(await complete('qu'), ['queue']);
	t.deepEqual(await complete('queue', ''), ['move', 'pause', 'resume']);
	t.deepEqual(await complete('prompt', ''), ['create']);
	t.deepEqual((await complete('queue', 'move', 'rs_')).sort(), [RUN_A, RUN_B]);
	t.deepEqual(await complete('queue', 'pause', ''), ['gpu-a', 'gpu-b']);
	t.deepEqual(await complete('logs', '--tail', '5', 'rs_c00000000002'), [RUN_B]);
	t.deepEqual(await complete('show', 'ps'), [w.prompt.id]);
	t.deepEqual(await complete('inference', w.prompt.id, 'ps_'), [w.prompt.id]);
	t.deepEqual(await complete('delete', 'run', 'rs_c'), [RUN_A, RUN_B]);
	t.deepEqual(await complete('verify', '--f'), ['--fix']);
	t.deepEqual(await complete('list', '--status', 's'), ['success']);
	t.deepEqual(await complete('--data-dir', 'data', 'li'), ['list']);
	t.deepEqual(await complete('completion', ''), ['bash', 'zsh', 'fish']);
	// Ids come from the store the command line names.
	t.deepEqual(await complete('--data-dir', 'elsewhere', 'logs', 'rs_'), []);
	t.deepEqual(await complete('--data-dir=elsewhere', 'logs', 'rs_'), []);
	t.deepEqual(await complete('--data-dir', 'data', 'logs', 'rs_c00000000001'), [RUN_A]);
	t.deepEqual(await complete('--config', 'none.toml', 'queue', 'pause', ''), []);
	// What the user typed and what the store holds stay words: nothing runs.
	t.deepEqual(await complete('logs', '$(touch PWNED2)'), []);
	t.deepEqual(await complete('logs', 'rs_$'), []);
	t.false(existsSync(path.join(w.dir, 'PWNED')));
	t.false(existsSync(path.join(w.dir, 'PWNED2')));
	await w.cleanup();
});

test('__complete prints ids from the store only, one per line, and nothing without a data folder', async t => {
	const w = await workspace();
	const runs = await cosmos(['__complete', 'run-id', 'rs_'], {cwd: w.dir});
	t.is(runs.code, 0);
	t.deepEqual(runs.stdout.split('\n').filter(Boolean).sort(), [RUN_A, RUN_B]);
	const {dir, cleanup} = await tempDir();
	const none = await cosmos(['__complete', 'any-id', ''], {cwd: dir});
	t.is(none.stdout, '');
	t.false(existsSync(path.join(dir, 'data')));
	t.false((await cosmos(['--help'], {cwd: dir})).stdout.includes('__complete'));
	await cleanup();
	await w.cleanup();
});

// zsh: the shared core, its words printed instead of handed to compadd.
const ZSH_DRIVER = String.raw`
autoload -Uz compinit && compinit -u -D
source "$COSMOS_SCRIPT"
_cosmos_tui_add() { print -r -- "$1"; }
_cosmos_tui_core "$@"
`;

test('the zsh and fish scripts parse, and each completes with its own shell', async t => {
	const w = await workspace();
	const zsh = await shell('zsh', ['-n', w.scripts.zsh], w.dir);
	t.is(zsh.code, 0, zsh.stderr);
	const zshCore = async (...words: string[]) => {
		const result = await shell('zsh', ['-f', '-c', ZSH_DRIVER, 'zsh', ...words], w.dir, {COSMOS_SCRIPT: w.scripts.zsh});
		t.is(result.code, 0, result.stderr);
		return result.stdout.split('\n').filter(Boolean);
	};
	t.deepEqual(await zshCore('qu'), ['queue']);
	t.deepEqual(await zshCore('', 'queue'), ['move', 'pause', 'resume']);
	t.deepEqual(await zshCore('--f', 'verify'), ['--fix']);
	t.deepEqual(await zshCore('s', 'list', '--status'), ['success']);
	const fishSyntax = await shell('fish', ['-n', w.scripts.fish], w.dir);
	t.is(fishSyntax.code, 0, fishSyntax.stderr);
	const fish = async (line: string) => {
		const standIn = 'function cosmos-tui; $COSMOS_NODE --import $COSMOS_TSX $COSMOS_MAIN $argv; end';
		const result = await shell('fish', ['--no-config', '-c', `${standIn}; source $COSMOS_SCRIPT; complete -C $COSMOS_LINE`], w.dir, {
			COSMOS_NODE: process.execPath,
			COSMOS_TSX: import.meta.resolve('tsx'),
			COSMOS_MAIN: path.join(REPO_ROOT, 'source/cli/main.ts'),
			COSMOS_SCRIPT: w.scripts.fish,
			COSMOS_LINE: line,
		});
		t.is(result.code, 0, result.stderr);
		return result.stdout.split('\n').filter(Boolean).map(text => text.split('\t')[0]);
	};
	t.deepEqual(await fish('cosmos-tui qu'), ['queue']);
	t.deepEqual(await fish('cosmos-tui queue '), ['move', 'pause', 'resume']);
	t.deepEqual(await fish('cosmos-tui verify --f'), ['--fix']);
	t.deepEqual(await fish('cosmos-tui list --status su'), ['success']);
	t.deepEqual(await fish('cosmos-tui delete '), ['prompt', 'run']);
	t.deepEqual((await fish('cosmos-tui queue move rs_c')).sort(), [RUN_A, RUN_B]);
	await w.cleanup();
});
