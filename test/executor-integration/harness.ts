// Shared set-up for the executor integration tests: a config for the sandbox host, Job objects
// built from sample videos, an event recorder that can be awaited, and a shell wrapper that
// captures `docker logs` of a container just before the executor removes it.
import {copyFileSync, mkdirSync} from 'node:fs';
import path from 'node:path';
import {randomBytes} from 'node:crypto';
import {DEFAULT_CONFIG, type Config} from '../../source/config/schema.js';
import {
	type ControlWeights,
	DEFAULT_PARAMETERS,
	DEFAULT_WEIGHTS,
	newRun,
	type Parameters,
	type Prompt,
} from '../../source/domain/model.js';
import {createHostShell, type ExecutorOptions} from '../../source/executor/create-executor.js';
import {DockerExecutor} from '../../source/executor/docker-executor.js';
import type {ExecutorEvents, Job} from '../../source/executor/executor.js';
import type {ExecOptions, ExecResult, HostShell} from '../../source/executor/host-shell.js';
import {createLineSplitter} from '../../source/executor/line-splitter.js';
import type {ProgressUpdate} from '../../source/executor/progress-parser.js';
import {scanInputFolder} from '../../source/service/inputs.js';
import type {SandboxHost} from '../helpers/sandbox-host.js';
import {SAMPLE_DIR} from '../helpers/temp.js';

export type SimOptions = {
	mode?: string;
	seconds?: number;
	clips?: number;
	lines?: number;
	rate?: number;
	stall_seconds?: number;
	hostile_files?: boolean;
	/** Model loading, once per process, and each clip of each sample. */
	load_seconds?: number;
	clip_seconds?: number;
	/** Batch mode: the guardrail blocks this sample's video (0-based), the others go on. */
	fail_sample?: number;
};

/** A config that reaches the sandbox; known_hosts is a private copy (tests may append to it). */
export function sandboxConfig(sandbox: SandboxHost, dir: string, change: (config: Config) => void = () => undefined): Config {
	const knownHosts = path.join(dir, `known_hosts-${randomBytes(3).toString('hex')}`);
	copyFileSync(sandbox.knownHostsPath, knownHosts);
	const config: Config = structuredClone(DEFAULT_CONFIG);
	config.remote = {...config.remote, host: sandbox.host, user: sandbox.username, port: sandbox.port, ssh_key: sandbox.privateKeyPath, known_hosts: knownHosts};
	config.paths = {remote_dir: sandbox.remoteDir, data_dir: path.join(dir, 'data')};
	config.docker = {...config.docker, image: sandbox.image, command: sandbox.dockerCommand, hf_cache: sandbox.hfCacheDir};
	change(config);
	return config;
}

/** Options for createExecutor in tests: an empty HOME (no ~/.ssh), no agent, the sim block from the run. */
export function testOptions(dir: string, sims: Map<string, SimOptions>, extra: Partial<ExecutorOptions> = {}): ExecutorOptions {
	const home = path.join(dir, 'home');
	mkdirSync(home, {recursive: true});
	return {
		acceptNewHostKey: false,
		env: {HOME: home, USER: 'tester', PATH: process.env['PATH']},
		globalKnownHostsFiles: [],
		specExtras: job => ({cosmos_sim: sims.get(job.run.id) ?? {mode: 'ok'}}),
		...extra,
	};
}

/** The container's own log, fetched with a plain `docker logs` right before `docker rm`. */
export class CapturingShell implements HostShell {
	readonly containerLogs = new Map<string, string>();
	readonly description: string;
	/** Extra readdir entries per folder suffix (to test hostile names from a server). */
	injectEntries: Array<{name: string; size: number; type: 'file'}> = [];

	constructor(readonly inner: HostShell) {
		this.description = inner.description;
	}

	async exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult> {
		const rm = argv.indexOf('rm');
		if (rm !== -1 && argv[rm + 1] === '-f') {
			const name = argv.at(-1)!;
			const logs = await this.inner.exec([...argv.slice(0, rm), 'logs', name]);
			this.containerLogs.set(name, logs.stdout);
		}
		return this.inner.exec(argv, options);
	}

	home = () => this.inner.home();
	stat = (p: string) => this.inner.stat(p);
	readdir = async (p: string) => [...(await this.inner.readdir(p)), ...(p.endsWith('/output') ? this.injectEntries : [])];
	mkdirp = (p: string) => this.inner.mkdirp(p);
	putFile = (l: string, r: string, on?: (sent: number) => void) => this.inner.putFile(l, r, on);
	writeFile = (r: string, c: string) => this.inner.writeFile(r, c);
	readFile = (r: string) => this.inner.readFile(r);
	getFile = (r: string, l: string) => this.inner.getFile(r, l);
	rename = (a: string, b: string) => this.inner.rename(a, b);
	remove = (p: string) => this.inner.remove(p);
	close = () => this.inner.close();
}

export async function capturingExecutor(config: Config, options: ExecutorOptions): Promise<{executor: DockerExecutor; shell: CapturingShell}> {
	const shell = new CapturingShell(await createHostShell(config, options));
	const executor = new DockerExecutor({shell, config, host: config.remote.host, description: shell.description, specExtras: options.specExtras});
	return {executor, shell};
}

/** Lines as the executor reports them (the line splitter over the whole text). */
export function splitLines(text: string): string[] {
	const lines: string[] = [];
	const splitter = createLineSplitter(line => lines.push(line));
	splitter.push(text);
	splitter.flush();
	return lines;
}

let counter = 0;

/** A pending run of a prompt over a copy of the sample videos (color, depth, segmentation). */
export async function makeJob(
	dir: string,
	options: {promptText?: string; negativePrompt?: string; name?: string; weights?: Partial<ControlWeights>; parameters?: Partial<Parameters>; videoDir?: string} = {},
): Promise<Job> {
	const id = `rs_${randomBytes(6).toString('hex')}`;
	const videoDir = options.videoDir ?? path.join(dir, `inputs-${++counter}`);
	mkdirSync(videoDir, {recursive: true});
	for (const file of ['color.mp4', 'depth.mp4', 'segmentation.mp4']) copyFileSync(path.join(SAMPLE_DIR, file), path.join(videoDir, file));
	const now = new Date().toISOString();
	const prompt: Prompt = {
		id: `ps_${randomBytes(6).toString('hex')}`,
		name: options.name ?? 'street at night',
		prompt_text: options.promptText ?? 'A city street at night, rain, neon reflections',
		negative_prompt: options.negativePrompt ?? 'blurry',
		video_dir: videoDir,
		inputs: await scanInputFolder(videoDir),
		created_at: now,
	};
	const run = newRun({
		id,
		prompt_id: prompt.id,
		stage: null,
		control_weights: {...DEFAULT_WEIGHTS, ...options.weights},
		parameters: {...DEFAULT_PARAMETERS, ...options.parameters},
		created_at: now,
	});
	return {run, prompt, outputDir: path.join(dir, 'runs', id, 'outputs'), gpus: []};
}

/** Records events; `until` resolves once a condition over what was recorded holds. */
export class Recorder {
	readonly lines: string[] = [];
	readonly progress: ProgressUpdate[] = [];
	readonly stalled: boolean[] = [];
	/** For each stalled event: the last log line before it. */
	readonly stalledAfter: Array<string | undefined> = [];
	private waiters: Array<{check: () => boolean; resolve: () => void}> = [];

	readonly events: ExecutorEvents = {
		log: line => this.record(() => this.lines.push(line)),
		progress: update => this.record(() => this.progress.push(update)),
		stalled: stalled =>
			this.record(() => {
				this.stalled.push(stalled);
				this.stalledAfter.push(this.lines.at(-1));
			}),
	};

	private record(change: () => void): void {
		change();
		this.waiters = this.waiters.filter(waiter => {
			if (!waiter.check()) return true;
			waiter.resolve();
			return false;
		});
	}

	until(check: () => boolean): Promise<void> {
		if (check()) return Promise.resolve();
		return new Promise(resolve => this.waiters.push({check, resolve}));
	}
}
