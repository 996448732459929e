// Runs survive the connection: a dropped SSH connection mid-run (the follower reconnects and
// resumes), and a new executor (as after a restart) reattaching with the lines already saved.
import {readFileSync, readdirSync, writeFileSync} from 'node:fs';
import {type AddressInfo, createConnection, createServer} from 'node:net';
import path from 'node:path';
import test from 'ava';
import type {Config} from '../../source/config/schema.js';
import {ConnectionLostError} from '../../source/executor/host-shell.js';
import {type SandboxHost, startSandboxHost} from '../helpers/sandbox-host.js';
import {tempDir} from '../helpers/temp.js';
import {type CapturingShell, Recorder, type SimOptions, capturingExecutor, makeJob, sandboxConfig, splitLines, testOptions} from './harness.js';
import type {DockerExecutor} from '../../source/executor/docker-executor.js';
import {SshHostShell} from '../../source/executor/ssh-host-shell.js';
import {createHostShell} from '../../source/executor/create-executor.js';

let sandbox: SandboxHost;
let dir: string;
let cleanup: () => Promise<void>;
let config: Config;
const sims = new Map<string, SimOptions>();
const executors: DockerExecutor[] = [];

test.before(async () => {
	sandbox = await startSandboxHost();
	({dir, cleanup} = await tempDir('cosmos-exec-reconnect-'));
	config = sandboxConfig(sandbox, dir);
});
test.after.always(async () => {
	for (const executor of executors) await executor.close();
	await sandbox?.stop();
	await cleanup?.();
});

async function newExecutor(): Promise<{executor: DockerExecutor; shell: CapturingShell}> {
	const made = await capturingExecutor(config, testOptions(dir, sims));
	executors.push(made.executor);
	return made;
}

test.serial('the connection is cut mid-run: the follower reconnects and the local log equals the container log', async t => {
	const {executor, shell} = await newExecutor();
	const job = await makeJob(dir);
	sims.set(job.run.id, {mode: 'slow', seconds: 6, clips: 3});
	const recorder = new Recorder();
	const handle = await executor.launch(job, recorder.events);
	const following = executor.follow(handle, job, recorder.events, {skipLines: 0});

	await recorder.until(() => recorder.lines.some(line => line.includes('running preprocessor')));
	await sandbox.killSessions();
	const linesAtCut = recorder.lines.length;
	await recorder.until(() => recorder.lines.some(line => line.includes('Starting diffusion sampling')));
	await sandbox.killSessions();

	const result = await following;
	t.is(result.status, 'success', result.errorMessage ?? '');
	t.true(Number(result.metrics['reconnects']) >= 1);
	t.true(recorder.lines.length > linesAtCut);
	const inner = shell.inner as SshHostShell;
	t.true(inner.connection.connects >= 2, 'reconnected');
	t.deepEqual(recorder.lines, splitLines(shell.containerLogs.get(handle.job)!));
});

test.serial('a new executor reattaches after the lines saved locally, with progress carried over', async t => {
	const first = await newExecutor();
	const job = await makeJob(dir);
	sims.set(job.run.id, {mode: 'slow', seconds: 5, clips: 2});
	const before = new Recorder();
	const handle = await first.executor.launch(job, before.events);
	const abort = new AbortController();
	const detached = first.executor.follow(handle, job, before.events, {skipLines: 0, signal: abort.signal});
	await before.until(() => before.lines.some(line => line.includes('Run generation')));
	abort.abort();
	await t.throwsAsync(detached);
	await first.executor.close();

	const saved = [...before.lines];
	const lastFraction = Math.max(...before.progress.map(update => update.fraction));
	const second = await newExecutor();
	const after = new Recorder();
	const result = await second.executor.follow(handle, job, after.events, {skipLines: saved.length});
	t.is(result.status, 'success', result.errorMessage ?? '');
	t.deepEqual([...saved, ...after.lines], splitLines(second.shell.containerLogs.get(handle.job)!));
	t.true(after.progress.length > 0);
	t.true(after.progress[0]!.fraction >= lastFraction, 'progress resumes where it was, not at 0');
});

test.serial('an aborted follow rejects promptly and leaves the run going on the host', async t => {
	const {executor, shell} = await newExecutor();
	const job = await makeJob(dir);
	sims.set(job.run.id, {mode: 'slow', seconds: 20});
	const recorder = new Recorder();
	const handle = await executor.launch(job, recorder.events);
	const abort = new AbortController();
	const following = executor.follow(handle, job, recorder.events, {skipLines: 0, signal: abort.signal});
	await recorder.until(() => recorder.lines.length > 0);
	abort.abort(new Error('detached'));
	await t.throwsAsync(following, {message: 'detached'});
	const state = await shell.exec(['docker', 'inspect', '--format', '{{.State.Status}}', handle.job]);
	t.is(state.stdout.trim(), 'running');
	await executor.kill(handle);
});

/** Resolves once a process with exactly this argv runs on this machine (the sandbox is local). */
async function processAppears(argv: string[]): Promise<void> {
	const wanted = `${argv.join('\0')}\0`;
	for (;;) {
		for (const entry of readdirSync('/proc')) {
			if (!/^\d+$/.test(entry)) continue;
			try {
				if (readFileSync(`/proc/${entry}/cmdline`, 'utf8') === wanted) return;
			} catch {}
		}
		await new Promise(resolve => setTimeout(resolve, 10));
	}
}

test.serial('a command cut by a dropped connection reports ConnectionLostError, and the next one reconnects', async t => {
	const {shell} = await newExecutor();
	const running = shell.inner.exec(['sleep', '31.4159']);
	await processAppears(['sleep', '31.4159']);
	await sandbox.killSessions();
	await t.throwsAsync(running, {instanceOf: ConnectionLostError});
	const again = await shell.inner.exec(['echo', 'back']);
	t.is(again.stdout, 'back\n');
});

test.serial('sshd dropping the first logins before the handshake (as MaxStartups does when busy): the first connection is tried again', async t => {
	// A loopback proxy in front of the sandbox's sshd that closes its first `drop` connections at once.
	const proxy = async (drop: number) => {
		let seen = 0;
		const server = createServer(socket => {
			if (++seen <= drop) return socket.destroy();
			const upstream = createConnection({host: '127.0.0.1', port: sandbox.port});
			socket.pipe(upstream).pipe(socket);
			const close = () => (socket.destroy(), upstream.destroy());
			socket.on('error', close).on('close', close);
			upstream.on('error', close).on('close', close);
		});
		await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
		t.teardown(() => void server.close());
		return {port: (server.address() as AddressInfo).port, seen: () => seen};
	};
	// sandboxConfig's known_hosts names 127.0.0.1 on the sandbox's port: write one for the proxy's.
	const connectThrough = async (port: number) => {
		const known = path.join(dir, `known_hosts_${port}`);
		writeFileSync(known, readFileSync(sandbox.knownHostsPath, 'utf8').replaceAll(`[127.0.0.1]:${sandbox.port}`, `[127.0.0.1]:${port}`));
		const shell = await createHostShell({...config, remote: {...config.remote, port, known_hosts: known}}, testOptions(dir, sims));
		try {
			return await shell.exec(['echo', 'in']);
		} finally {
			await shell.close();
		}
	};
	const twice = await proxy(2);
	t.is((await connectThrough(twice.port)).stdout.trim(), 'in', 'two drops, then the login goes through');
	t.is(twice.seen(), 3);
	const always = await proxy(100);
	await t.throwsAsync(connectThrough(always.port), {message: /cannot connect to .*before handshake/});
	t.is(always.seen(), 3, 'three tries in all, then the error');
});
