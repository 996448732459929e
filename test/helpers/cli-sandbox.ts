// The real command line against the sandbox GPU host, for all the tests of a file: a sandbox host
// and a temporary workspace folder whose cosmos.toml points at it (lease_seconds 3), with a copy of
// the sample inputs.
//
//   const workspace = cliSandboxWorkspace();
//   const {run} = workspace;
//   test.serial('...', async t => { const result = await run('run', 'a prompt', workspace.inputs); ... });
//
// It registers the file's before hook and an after.always hook that stops the background workers
// the commands started, then the host, and removes the folder.
import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {sandboxConfigToml} from '../../sandbox/host/cosmos-config.js';
import {type CliResult, cosmos, stopWorkersIn} from './cli.js';
import {type SandboxHost, startSandboxHost} from './sandbox-host.js';
import {sampleInputs, tempDir} from './temp.js';

export type CliSandboxWorkspace = {
	/** The host (read it in tests, once the before hook has run). */
	readonly sandbox: SandboxHost;
	/** The workspace folder: the commands' working folder and HOME. */
	readonly dir: string;
	/** The copy of the sample inputs, in dir. */
	readonly inputs: string;
	/** Runs `cosmos-tui <args...>` in dir. */
	run(...args: string[]): Promise<CliResult>;
};

export function cliSandboxWorkspace(): CliSandboxWorkspace {
	let started: {sandbox: SandboxHost; dir: string; inputs: string} | undefined;
	let sandbox: SandboxHost | undefined;
	let dir: string | undefined;
	let cleanup: (() => Promise<void>) | undefined;
	test.before(async () => {
		sandbox = await startSandboxHost();
		({dir, cleanup} = await tempDir());
		const inputs = await sampleInputs(dir);
		await writeFile(path.join(dir, 'cosmos.toml'), sandboxConfigToml(sandbox, './data', {lease_seconds: 3}));
		started = {sandbox, dir, inputs};
	});
	test.after.always(async () => {
		if (dir) await stopWorkersIn(dir);
		await sandbox?.stop();
		await cleanup?.();
	});
	const ready = () => {
		if (!started) throw new Error('the CLI sandbox workspace is not set up: use it in tests');
		return started;
	};
	return {
		get sandbox() {
			return ready().sandbox;
		},
		get dir() {
			return ready().dir;
		},
		get inputs() {
			return ready().inputs;
		},
		run: async (...args) => cosmos(args, {cwd: ready().dir}),
	};
}
