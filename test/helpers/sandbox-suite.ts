// One sandbox host for all the tests of a file:
//
//   const suite = sandboxSuite();
//   const {run, serial, withSsh} = suite;
//   run('...', async t => { ... suite.sandbox.remoteDir ... });
//
// sandboxSuite() registers the file's before hook (startSandboxHost) and after.always hook (stop).
// `run` and `serial` are ava's test and test.serial, or their skip variants where this machine
// cannot host a sandbox (canRunSandbox()).
import test from 'ava';
import type {NodeSSH} from 'node-ssh';
import {ChannelLimiter} from '../../source/executor/channel-limiter.js';
import {
	type FinishedSimRun,
	type SandboxHost,
	type SandboxHostOptions,
	type SimRunOptions,
	canRunSandbox,
	runSimToEnd,
	startSandboxHost,
	withSandboxSsh,
} from './sandbox-host.js';

export type SandboxSuite = {
	/** The started host: read it in tests (it exists once the before hook has run). */
	readonly sandbox: SandboxHost;
	run: typeof test | typeof test.skip;
	serial: typeof test.serial | typeof test.serial.skip;
	/** Runs fn with a connection to the host, closing it afterwards. */
	withSsh<T>(fn: (ssh: NodeSSH) => Promise<T>): Promise<T>;
	/**
	 * withSsh for tests that log in many times at once: at most LOGIN_SLOTS of these connections at
	 * a time, since sshd's default MaxStartups (10:30:100) drops some of many simultaneous logins,
	 * as on a real host.
	 */
	withLimitedSsh<T>(fn: (ssh: NodeSSH) => Promise<T>): Promise<T>;
	/** runSimToEnd on a connection from withLimitedSsh. */
	simulate(spec: (paths: {inputVideo: string; runDir: string}) => Record<string, unknown>, options?: SimRunOptions, follow?: boolean): Promise<FinishedSimRun>;
};

export const LOGIN_SLOTS = 6;

export function sandboxSuite(options: SandboxHostOptions = {}): SandboxSuite {
	const enabled = canRunSandbox();
	let host: SandboxHost | undefined;
	test.before(async () => {
		if (enabled) host = await startSandboxHost(options);
	});
	test.after.always(async () => {
		await host?.stop();
	});
	const logins = new ChannelLimiter(LOGIN_SLOTS);
	const suite: SandboxSuite = {
		get sandbox(): SandboxHost {
			if (!host) throw new Error('the sandbox host is not started: read suite.sandbox in tests');
			return host;
		},
		run: enabled ? test : test.skip,
		serial: enabled ? test.serial : test.serial.skip,
		withSsh: async fn => withSandboxSsh(suite.sandbox, fn),
		withLimitedSsh: async fn => logins.run(async () => suite.withSsh(fn)),
		simulate: async (spec, simOptions = {}, follow = false) => suite.withLimitedSsh(async ssh => runSimToEnd(ssh, suite.sandbox, spec, simOptions, follow)),
	};
	return suite;
}
