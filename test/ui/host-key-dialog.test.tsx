// An unknown host key in the UI: a dialog with the host and its fingerprint; y trusts it (the
// service writes known_hosts) and the hosts are checked again, n leaves it and R asks again.
import anyTest, {type TestFn} from 'ava';
import type {HostStatus} from '../../source/executor/executor.js';
import {unknownHostKeyMessage} from '../../source/executor/ssh-connect.js';
import {serviceFixture, type ServiceFixture} from '../helpers/service.js';
import {KEYS, renderApp, type RenderedApp} from './helpers/render-app.js';

const test = anyTest as TestFn<{fixture: ServiceFixture; app?: RenderedApp; trusted: string[]}>;

const KEY = {host: 'gpu-1 (10.0.0.5)', keyType: 'ssh-ed25519', fingerprint: 'SHA256:q3mXZ2a1pCw5y0FJ3tqk7eVvEo1yE2YtR6kQeG2nN0c'};

test.beforeEach(async t => {
	const fixture = await serviceFixture();
	t.context.fixture = fixture;
	t.context.trusted = [];
	const connected = fixture.executor.status.bind(fixture.executor);
	let known = false;
	// As a DockerExecutor reports a host whose key is not in known_hosts.
	fixture.executor.status = async (): Promise<HostStatus> =>
		known ? connected() : {host: 'fake', connected: false, docker: {ok: false, detail: 'not connected'}, gpus: [], containers: [], error: unknownHostKeyMessage(KEY), unknownHostKey: KEY};
	fixture.service.trustHostKey = async (name: string) => {
		t.context.trusted.push(name);
		known = true;
	};
});

test.afterEach.always(async t => {
	await t.context.app?.dispose();
	await t.context.fixture.cleanup();
});

test.serial('the dialog shows the host and fingerprint; y trusts the key, checks again and closes', async t => {
	const app = (t.context.app = await renderApp(t.context.fixture, {columns: 80, rows: 24}));
	await app.waitFor(frame => frame.includes('Unknown host key: fake'), 'the dialog');
	t.true(app.frame().includes(KEY.fingerprint));
	t.true(app.frame().includes('gpu-1 (10.0.0.5)'));
	await app.press('y');
	await app.waitFor(frame => !frame.includes('Unknown host key') && frame.includes('fake ●'), 'the host connected');
	t.deepEqual(t.context.trusted, ['fake']);
	await app.waitFor(frame => frame.includes('fake: host key trusted'));
});

test.serial('n leaves the key untrusted: the header says so, and R asks again', async t => {
	const app = (t.context.app = await renderApp(t.context.fixture));
	await app.waitFor(frame => frame.includes('Unknown host key: fake'), 'the dialog');
	await app.press('n');
	await app.waitFor(frame => !frame.includes('Unknown host key: fake') && frame.includes('fake ✖ unknown host key (R: trust it?)'), 'the header');
	await app.press('R');
	await app.waitFor(frame => frame.includes('Unknown host key: fake'), 'asked again');
	await app.press(KEYS.esc);
	await app.waitFor(frame => !frame.includes('Unknown host key: fake'), 'Esc refuses too');
	t.deepEqual(t.context.trusted, []);
});

test.serial('when trusting fails (the key changed meanwhile), the dialog says why and stays', async t => {
	t.context.fixture.service.trustHostKey = async () => {
		throw new Error('WARNING: the host key of gpu-1 has CHANGED');
	};
	const app = (t.context.app = await renderApp(t.context.fixture));
	await app.waitFor(frame => frame.includes('Unknown host key: fake'), 'the dialog');
	await app.press('y');
	await app.waitFor(frame => frame.includes('Unknown host key: fake') && frame.includes('has CHANGED'), 'the reason in the dialog');
	await app.press('n');
	await app.waitFor(frame => !frame.includes('Unknown host key: fake') && frame.includes('fake ✖ unknown host key'), 'closed, still unknown');
	t.pass();
});
