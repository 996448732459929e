// A Slurm host in the UI: the header counts Slurm's GPUs and our queued jobs, the queue view's host
// row shows the partitions and each node's GPU use, and a run whose job Slurm still holds back says
// why in the runs pane and the queue view.
import test from 'ava';
import {gate} from '../helpers/fake-executor.js';
import {fixtureFor} from '../helpers/service.js';
import {renderApp} from './helpers/render-app.js';
import {working} from './helpers/runs.js';

test.serial('a Slurm host: header "1/2 GPUs busy · 1 queued", partitions and node GPUs in the queue view, the pending reason on the run', async t => {
	const fixture = await fixtureFor(t, {hosts: [{name: 'cluster', gpus: 2}]});
	const {service, executor} = fixture;
	executor.cluster = {
		partitions: [{name: 'gpu', state: 'UP', nodes: 1, default: true}],
		nodes: [{name: 'node-a', partitions: ['gpu'], state: 'MIXED', gpus: 2, gpusAllocated: 1}],
		jobs: [
			{runId: 'rs_0123456789ab', jobId: '41', state: 'RUNNING', reason: null},
			{runId: 'rs_ba9876543210', jobId: '42', state: 'PENDING', reason: 'Resources'},
		],
	};
	// The run's job waits in Slurm's queue: the executor says so as it does while the job is PENDING.
	const hold = gate();
	t.teardown(hold.open);
	executor.script = {lines: [], result: 'success', hold: hold.promise, progress: {stage: 'starting', fraction: 0.02, message: 'queued on cluster: Resources'}};
	const prompt = (await service.createPrompt({text: 'a harbour at dawn', videoDir: fixture.inputs})).prompt;
	await working(fixture);
	const run = await service.createRun(prompt.id);
	await fixture.waitForRun(run.id, current => current.status === 'running' && current.progress?.message === 'queued on cluster: Resources');

	const app = await renderApp(fixture, {columns: 170, rows: 32});
	t.teardown(() => app.dispose());
	await app.waitFor(frame => frame.includes('cluster ● 1/2 GPUs busy · 1 queued'), 'the header counts Slurm GPUs and our pending jobs');
	await app.waitFor(frame => new RegExp(`${run.id} queued on cluster: Resources`).test(frame), 'the runs pane row says why the run waits');

	await app.press('4');
	await app.waitFor(frame => /cluster +● ready +1\/2 GPUs busy · 1 queued {2}partition gpu \(default\) up, 1 node {2}node node-a GPUs 1 of 2 allocated/.test(frame), 'the host row');
	t.regex(app.frame(), new RegExp(`${run.id} +running .*queued on cluster: Resources`), 'the active run row in the queue view');
});
