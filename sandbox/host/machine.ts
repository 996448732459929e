// Machine-wide set-up shared by every sandbox: Debian packages, the login user, the image.
// Runs prepare-machine.sh (idempotent, flock-serialised) once per process.
import {fileURLToPath} from 'node:url';
import {execa} from 'execa';

export const SANDBOX_USER = 'cosmossim';
export const SANDBOX_IMAGE = 'cosmos-sim:latest';
export const PODMAN = '/usr/bin/podman';
/** Installed by install-docker.sh: the root-side docker (docker-as-root.sh) and podman's settings. */
export const ROOT_DOCKER = '/usr/local/lib/cosmos-sim/bin/docker';
export const CONTAINERS_CONF = '/usr/local/lib/cosmos-sim/containers.conf';

const script = fileURLToPath(new URL('prepare-machine.sh', import.meta.url));

export type MachineReport = {imageTag: string; imageBuilt: boolean; milliseconds: number};

let prepared: Promise<MachineReport> | undefined;

export function assertRoot(): void {
	if (process.getuid?.() !== 0) {
		throw new Error('The sandbox GPU host needs root (sshd on loopback, a login user, rootful podman).');
	}
}

export function prepareMachine(): Promise<MachineReport> {
	prepared ??= (async () => {
		assertRoot();
		const started = Date.now();
		const result = await execa('sh', [script], {
			reject: false,
			all: true,
			env: {COSMOS_SIM_USER: SANDBOX_USER, COSMOS_SIM_NODE: process.execPath},
		});
		if (result.exitCode !== 0) {
			prepared = undefined;
			throw new Error(`sandbox machine set-up failed (exit ${result.exitCode}):\n${result.all}`);
		}
		const last = result.stdout.trim().split('\n').at(-1) ?? '';
		const [imageTag = '', state = ''] = last.split(' ');
		return {imageTag, imageBuilt: state === '(built)', milliseconds: Date.now() - started};
	})();
	return prepared;
}
