// `cosmos-tui doctor`'s checks of one GPU host: reachable, host key, login, docker, image, the
// checkout, checkpoints, the Hugging Face cache and the GPUs. The tables and the formatting are
// pure; runHostChecks walks them over a HostShell (argv only, never a shell string).
import {connect} from 'node:net';
import path from 'node:path';
import type {Config} from '../config/schema.js';
import {dockerPrefix, dockerVersionArgs} from './docker-command.js';
import type {HostShell} from './host-shell.js';
import {NVIDIA_SMI_ARGS, parseNvidiaSmi} from './host-status.js';
import {resolveHomePath} from './remote-layout.js';

/** host is null for checks of this machine (the config file). */
export type CheckResult = {host: string | null; check: string; ok: boolean; detail: string; fix: string};

export const TRANSFER_SCRIPT = 'cosmos_transfer1/diffusion/inference/transfer.py';
export const DOWNLOAD_HINT = 'in remote_dir run: PYTHONPATH=$(pwd) python scripts/download_checkpoints.py --output_dir checkpoints/';

/**
 * What transfer.py loads from --checkpoint_dir (contract §1, cosmos_transfer1/checkpoints.py):
 * "common" for every run (guardrails are mandatory in Transfer1), then each control's own weights.
 * SAM2, GroundingDINO and DepthAnything come from the Hugging Face cache, not from here.
 */
export const CHECKPOINTS: Readonly<Record<'common' | 'vis' | 'edge' | 'depth' | 'seg', readonly string[]>> = {
	common: [
		'nvidia/Cosmos-Transfer1-7B/base_model.pt',
		'nvidia/Cosmos-Tokenize1-CV8x8x8-720p',
		'nvidia/Cosmos-Guardrail1',
		'google-t5/t5-11b',
		'meta-llama/Llama-Guard-3-8B',
	],
	vis: ['nvidia/Cosmos-Transfer1-7B/vis_control.pt'],
	edge: ['nvidia/Cosmos-Transfer1-7B/edge_control.pt'],
	depth: ['nvidia/Cosmos-Transfer1-7B/depth_control.pt'],
	seg: ['nvidia/Cosmos-Transfer1-7B/seg_control.pt'],
};

export const ALL_CHECKPOINTS: readonly string[] = Object.values(CHECKPOINTS).flat();

export type Outcome = Omit<CheckResult, 'host'>;
export const pass = (check: string, detail: string): Outcome => ({check, ok: true, detail, fix: ''});
export const failed = (check: string, detail: string, fix: string): Outcome => ({check, ok: false, detail, fix});

/** One line per group of CHECKPOINTS, from the paths (relative to checkpoints/) that exist. */
export function checkpointResults(present: ReadonlySet<string>, checkpointDir: string): Outcome[] {
	return Object.entries(CHECKPOINTS).map(([group, paths]) => {
		const missing = paths.filter(p => !present.has(p));
		const check = `checkpoints: ${group}`;
		return missing.length === 0
			? pass(check, `${paths.length} under ${checkpointDir}`)
			: failed(check, `missing ${missing.join(', ')}`, DOWNLOAD_HINT);
	});
}

/** "✓ host  check  detail", and for a ✗ the fix on the next line. */
export function formatResult(result: CheckResult, width = 0): string {
	const head = `${result.ok ? '✓' : '✗'} ${label(result).padEnd(width)}  ${result.detail}`.trimEnd();
	return result.ok || result.fix === '' ? head : `${head}\n    fix: ${result.fix}`;
}

const label = (result: CheckResult) => (result.host === null ? result.check : `${result.host}: ${result.check}`);

export function formatResults(results: readonly CheckResult[]): string[] {
	const width = Math.max(0, ...results.map(r => label(r).length));
	return results.map(result => formatResult(result, width));
}

const firstLine = (text: string): string => text.split('\n').map(line => line.trim()).find(line => line !== '') ?? '';

/** A plain TCP connect: tells "nothing listens" apart from SSH problems. */
export function tcpReachable(host: string, port: number, timeoutMs = 5000): Promise<string | null> {
	return new Promise(resolve => {
		const socket = connect({host, port});
		const done = (error: string | null) => {
			socket.destroy();
			resolve(error);
		};
		socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs / 1000} s`));
		socket.once('connect', () => done(null));
		socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
	});
}

/** The checks that need a logged-in shell, in order; a failure that makes later ones meaningless stops early. */
export async function runHostChecks(shell: HostShell, config: Config): Promise<Outcome[]> {
	const results: Outcome[] = [];
	const {command, image} = config.docker;
	let prefix: string[];
	try {
		prefix = dockerPrefix(command);
	} catch (error) {
		return [failed('docker', (error as Error).message, 'set [docker] command, e.g. "docker" or "sudo -n docker"')];
	}
	if (prefix[0] === 'sudo') {
		const sudo = await shell.exec(['sudo', '-n', 'true']);
		if (sudo.code !== 0) {
			return [failed('sudo -n', firstLine(sudo.stderr) || `exit ${sudo.code}`, 'allow the login user to run docker through sudo without a password (sudoers NOPASSWD), or add it to the docker group and set [docker] command = "docker"')];
		}
		results.push(pass('sudo -n', 'works without a password'));
	}
	const version = await shell.exec(dockerVersionArgs(command));
	if (version.code !== 0) {
		results.push(failed('docker', `${command}: ${firstLine(version.stderr) || firstLine(version.stdout) || `exit ${version.code}`}`, 'install Docker with the NVIDIA Container Toolkit, and let the login user run it (docker group, or [docker] command = "sudo -n docker")'));
		return results;
	}
	results.push(pass('docker', `${command} ${firstLine(version.stdout)}`));
	const inspect = await shell.exec([...prefix, 'image', 'inspect', '--format', '{{.Id}}', image]);
	results.push(inspect.code === 0
		? pass('image', image)
		: failed('image', `${image} is not on the host`, `on the host: ${command} pull ${image} (or build it: docker build -f Dockerfile . -t ${image}), or set [docker] image`));

	const home = await shell.home();
	const remoteDir = resolveHomePath(config.paths.remote_dir, home);
	const script = path.posix.join(remoteDir, TRANSFER_SCRIPT);
	results.push((await shell.stat(script))?.type === 'file'
		? pass('transfer.py', script)
		: failed('transfer.py', `${script} is missing`, `clone https://github.com/nvidia-cosmos/cosmos-transfer1 into ${remoteDir}, or set [paths] remote_dir to the checkout`));
	results.push(...await checkpointChecks(shell, path.posix.join(remoteDir, 'checkpoints')));
	results.push(await hfCacheCheck(shell, resolveHomePath(config.docker.hf_cache || '~/.cache/huggingface', home)));
	results.push(await gpuCheck(shell));
	return results;
}

async function checkpointChecks(shell: HostShell, dir: string): Promise<Outcome[]> {
	if ((await shell.stat(dir))?.type !== 'directory') return [failed('checkpoints', `${dir} is missing`, DOWNLOAD_HINT)];
	const found = await Promise.all(ALL_CHECKPOINTS.map(async relative => ((await shell.stat(path.posix.join(dir, relative))) ? [relative] : [])));
	return checkpointResults(new Set(found.flat()), dir);
}

/** The folder, or the nearest existing parent the login user can write into (the run creates the rest). */
async function hfCacheCheck(shell: HostShell, dir: string): Promise<Outcome> {
	const check = 'hf cache';
	const stat = await shell.stat(dir);
	if (stat?.type === 'directory') return pass(check, dir);
	const fix = `create ${dir} on the host (writable by the login user), or set [docker] hf_cache`;
	if (stat) return failed(check, `${dir} is not a folder`, fix);
	let parent = path.posix.dirname(dir);
	while (parent !== '/' && !(await shell.stat(parent))) parent = path.posix.dirname(parent);
	const writable = await shell.exec(['test', '-w', parent]);
	return writable.code === 0 ? pass(check, `${dir} (missing; can be created in ${parent})`) : failed(check, `${dir} is missing and ${parent} is not writable`, fix);
}

async function gpuCheck(shell: HostShell): Promise<Outcome> {
	const fix = 'install the NVIDIA driver on the host; nvidia-smi must work for the login user';
	const smi = await shell.exec(NVIDIA_SMI_ARGS);
	if (smi.code !== 0) return failed('gpus', `nvidia-smi: ${firstLine(smi.stdout) || firstLine(smi.stderr) || `exit ${smi.code}`}`, fix);
	const gpus = parseNvidiaSmi(smi.stdout);
	if (gpus.length === 0) return failed('gpus', 'nvidia-smi lists no GPU', fix);
	return pass('gpus', `${gpus.length}: ${gpus.map(gpu => `${gpu.index} ${gpu.name}`).join(', ')}`);
}
