import {createServer} from 'node:net';
import test from 'ava';
import {DEFAULT_CONFIG, type Config} from '../../source/config/schema.js';
import {
	ALL_CHECKPOINTS,
	CHECKPOINTS,
	checkpointResults,
	formatResults,
	runHostChecks,
	tcpReachable,
	type CheckResult,
} from '../../source/executor/host-checks.js';
import type {ExecResult, HostShell, RemoteStat} from '../../source/executor/host-shell.js';

test('every control needs the common checkpoints and its own weights', t => {
	t.true(CHECKPOINTS.common.includes('nvidia/Cosmos-Transfer1-7B/base_model.pt'));
	t.true(CHECKPOINTS.common.includes('nvidia/Cosmos-Guardrail1'));
	for (const control of ['vis', 'edge', 'depth', 'seg'] as const) {
		t.deepEqual(CHECKPOINTS[control], [`nvidia/Cosmos-Transfer1-7B/${control}_control.pt`]);
	}
	t.is(new Set(ALL_CHECKPOINTS).size, ALL_CHECKPOINTS.length);
});

test('checkpointResults: one line per group, naming what is missing', t => {
	const present = new Set(ALL_CHECKPOINTS.filter(p => !p.endsWith('seg_control.pt') && !p.includes('Guardrail')));
	const results = checkpointResults(present, '/r/checkpoints');
	t.deepEqual(results.map(r => [r.check, r.ok]), [
		['checkpoints: common', false],
		['checkpoints: vis', true],
		['checkpoints: edge', true],
		['checkpoints: depth', true],
		['checkpoints: seg', false],
	]);
	t.is(results[0]!.detail, 'missing nvidia/Cosmos-Guardrail1');
	t.regex(results[0]!.fix, /download_checkpoints\.py/);
});

test('formatResults: a mark, aligned labels, the fix under a failure', t => {
	const results: CheckResult[] = [
		{host: null, check: 'config', ok: true, detail: '/x/cosmos.toml', fix: ''},
		{host: 'gpu-1', check: 'image', ok: false, detail: 'img is not on the host', fix: 'docker pull img'},
	];
	t.deepEqual(formatResults(results), [
		'✓ config        /x/cosmos.toml',
		'✗ gpu-1: image  img is not on the host\n    fix: docker pull img',
	]);
});

test('tcpReachable: null when something listens, the error code when nothing does', async t => {
	const server = createServer(socket => socket.end());
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as {port: number};
	t.is(await tcpReachable('127.0.0.1', port), null);
	await new Promise(resolve => server.close(resolve));
	t.is(await tcpReachable('127.0.0.1', port), 'ECONNREFUSED');
});

/** A host where programs answer from a table and files exist as listed. */
function fakeShell(answers: Record<string, Partial<ExecResult>>, files: Record<string, RemoteStat['type']>): HostShell & {ran: string[][]} {
	const ran: string[][] = [];
	const shell = {
		description: 'fake',
		ran,
		async exec(argv: readonly string[]) {
			ran.push([...argv]);
			return {code: 0, stdout: '', stderr: '', ...answers[argv.join(' ')]};
		},
		home: async () => '/home/me',
		stat: async (p: string) => (files[p] ? {size: 1, type: files[p]} : null),
	};
	return shell as unknown as HostShell & {ran: string[][]};
}

const config = (docker: Partial<Config['docker']> = {}): Config => ({
	...structuredClone(DEFAULT_CONFIG),
	paths: {remote_dir: '~/ct1', data_dir: './data'},
	docker: {...DEFAULT_CONFIG.docker, image: 'img:1', ...docker},
});

const healthy = (): Record<string, RemoteStat['type']> => ({
	'/home/me/ct1/cosmos_transfer1/diffusion/inference/transfer.py': 'file',
	'/home/me/ct1/checkpoints': 'directory',
	'/home/me/.cache/huggingface': 'directory',
	...Object.fromEntries(ALL_CHECKPOINTS.map(p => [`/home/me/ct1/checkpoints/${p}`, 'file'])),
});
const smi = {'nvidia-smi --query-gpu=index,name,memory.used,memory.total,utilization.gpu,temperature.gpu --format=csv,noheader,nounits': {stdout: '0, H100, 1, 80000, 0, 30\n'}};

test('runHostChecks: all pass on a healthy host; sudo is checked when the command starts with it', async t => {
	const shell = fakeShell(smi, healthy());
	const results = await runHostChecks(shell, config({command: 'sudo -n docker'}));
	t.true(results.every(r => r.ok), JSON.stringify(results));
	t.deepEqual(results.map(r => r.check), ['sudo -n', 'docker', 'image', 'transfer.py', 'checkpoints: common', 'checkpoints: vis', 'checkpoints: edge', 'checkpoints: depth', 'checkpoints: seg', 'hf cache', 'gpus']);
	t.deepEqual(shell.ran.find(argv => argv.includes('inspect')), ['sudo', '-n', 'docker', 'image', 'inspect', '--format', '{{.Id}}', 'img:1']);
});

test('runHostChecks: a docker that does not run ends the chain; a missing image, checkout and checkpoints folder are failures', async t => {
	const broken = await runHostChecks(fakeShell({'docker version --format {{.Server.Version}}': {code: 1, stderr: 'permission denied\n'}}, {}), config());
	t.deepEqual(broken.map(r => [r.check, r.ok, r.detail]), [['docker', false, 'docker: permission denied']]);

	const files = healthy();
	delete files['/home/me/ct1/cosmos_transfer1/diffusion/inference/transfer.py'];
	delete files['/home/me/ct1/checkpoints'];
	const results = await runHostChecks(fakeShell({...smi, 'docker image inspect --format {{.Id}} img:1': {code: 1}}, files), config());
	const failed = results.filter(r => !r.ok).map(r => r.check);
	t.deepEqual(failed, ['image', 'transfer.py', 'checkpoints']);
});
