// Machine-wide set-up for sandbox Slurm clusters: the Debian packages and the shared munged.
// Both scripts are idempotent and flock-serialised; this runs them once per process.
import {fileURLToPath} from 'node:url';
import {execa} from 'execa';

const installScript = fileURLToPath(new URL('install-packages.sh', import.meta.url));
const mungeScript = fileURLToPath(new URL('start-munge.sh', import.meta.url));

export type SlurmMachineReport = {installMs: number; mungeMs: number};

let prepared: Promise<SlurmMachineReport> | undefined;

async function runStep(script: string, what: string): Promise<number> {
	const started = Date.now();
	const result = await execa('sh', [script], {reject: false, all: true});
	if (result.exitCode !== 0) throw new Error(`sandbox Slurm ${what} failed (exit ${result.exitCode}):\n${result.all}`);
	return Date.now() - started;
}

export function prepareSlurmMachine(): Promise<SlurmMachineReport> {
	prepared ??= (async () => {
		if (process.getuid?.() !== 0) throw new Error('The sandbox Slurm cluster needs root (munged, slurmctld, slurmd, device files).');
		try {
			const installMs = await runStep(installScript, 'package install');
			const mungeMs = await runStep(mungeScript, 'munged start');
			return {installMs, mungeMs};
		} catch (error) {
			prepared = undefined;
			throw error;
		}
	})();
	return prepared;
}
