// The unknown host key dialog against a real sshd (the sandbox host): the UI shows the key's true
// fingerprint, y writes it to known_hosts as OpenSSH would, and the host then connects.
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import test from 'ava';
import {execa} from 'execa';
import {checkDockerSettings} from '../../source/executor/launch-plan.js';
import {createExecutor} from '../../source/executor/create-executor.js';
import {sandboxConfig, testOptions} from '../executor-integration/harness.js';
import {startSandboxHost} from '../helpers/sandbox-host.js';
import {serviceFixture} from '../helpers/service.js';
import {tempDir} from '../helpers/temp.js';
import {renderApp} from './helpers/render-app.js';

test('an unknown key is asked about with its fingerprint; y remembers it and the host connects', async t => {
	const sandbox = await startSandboxHost();
	t.teardown(() => sandbox.stop());
	const {dir, cleanup} = await tempDir('cosmos-ui-hostkey-');
	t.teardown(cleanup);
	const knownHosts = path.join(dir, 'ssh', 'known_hosts');
	mkdirSync(path.dirname(knownHosts), {recursive: true});
	writeFileSync(knownHosts, '');
	const config = sandboxConfig(sandbox, dir, c => {
		c.remote.known_hosts = knownHosts;
	});
	const listed = await execa('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${path.dirname(sandbox.knownHostsPath)}/host_ed25519.pub`]);
	const fingerprint = listed.stdout.split(' ')[1]!;

	const fixture = await serviceFixture({
		configure: c => Object.assign(c, {remote: config.remote, paths: {...config.paths}, docker: config.docker}),
		backends: () => [
			{name: sandbox.host, gpus: [], executor: () => createExecutor(config, testOptions(dir, new Map()), sandbox.host), check: () => checkDockerSettings(config)},
		],
	});
	t.teardown(() => fixture.cleanup());
	const app = await renderApp(fixture);
	t.teardown(() => app.dispose());
	await app.waitFor(frame => frame.includes(`Unknown host key: ${sandbox.host}`), 'the dialog');
	t.true(app.frame().includes(fingerprint), 'the true fingerprint is shown');
	t.is(readFileSync(knownHosts, 'utf8'), '', 'nothing written before the answer');
	await app.press('y');
	await app.waitFor(frame => !frame.includes('Unknown host key') && frame.includes(`${sandbox.host} ●`), 'the host connected');
	const found = await execa('ssh-keygen', ['-F', `[127.0.0.1]:${sandbox.port}`, '-f', knownHosts], {reject: false});
	t.is(found.exitCode, 0, 'OpenSSH finds the new entry');
});
