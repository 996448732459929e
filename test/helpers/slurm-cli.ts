// The real command line against a 2-GPU Slurm sandbox, for one test file: the cluster, a folder
// with sample inputs and a cosmos.toml for it, made before the file's tests and removed after.
import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {sandboxConfigToml} from '../../sandbox/host/cosmos-config.js';
import {cosmos, stopWorkersIn, type CliResult} from './cli.js';
import {type SlurmSandbox, canRunSlurm, startSlurmSandbox} from './slurm-cluster.js';
import {sampleInputs, tempDir} from './temp.js';

export type SlurmCli = {
	readonly slurm: SlurmSandbox;
	/** The folder the commands run in (cosmos.toml, data/). */
	readonly dir: string;
	/** The sample input folder. */
	readonly inputs: string;
	run(...args: string[]): Promise<CliResult>;
};

export function slurmCli(prefix: string): SlurmCli {
	const state: {slurm?: SlurmSandbox; dir?: string; inputs?: string; cleanup?: () => Promise<void>} = {};
	test.before(async () => {
		if (!canRunSlurm()) return;
		state.slurm = await startSlurmSandbox({gpus: 2});
		const {dir, cleanup} = await tempDir(prefix);
		Object.assign(state, {dir, cleanup, inputs: await sampleInputs(dir)});
		await writeFile(path.join(dir, 'cosmos.toml'), sandboxConfigToml(state.slurm.sandbox, './data', {lease_seconds: 3, slurm: true}));
	});
	test.after.always(async () => {
		if (state.dir) await stopWorkersIn(state.dir);
		await state.slurm?.stop();
		await state.cleanup?.();
	});
	return {
		get slurm() {
			return state.slurm!;
		},
		get dir() {
			return state.dir!;
		},
		get inputs() {
			return state.inputs!;
		},
		run: (...args) => cosmos(args, {cwd: state.dir!}),
	};
}
