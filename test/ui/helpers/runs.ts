// Runs in known states for the UI tests, made the way the product makes them: queued through the
// service and carried on by the scheduler running in this process (fixture.startWorker).
import {existsSync, readFileSync} from 'node:fs';
import {gate} from '../../helpers/fake-executor.js';
import type {ServiceFixture} from '../../helpers/service.js';
import {waitFor} from './wait-for.js';

/** The worker, running until the fixture is cleaned up; resolves once it holds the dispatcher lease. */
export async function working(fixture: ServiceFixture): Promise<{stop: () => Promise<void>}> {
	const worker = fixture.startWorker();
	await waitFor(() => fixture.service.queueView().worker !== null, {message: () => 'the worker never took the dispatcher lease'});
	return worker;
}

/** Two prompts; the street prompt has a success, a failed and a cancelled run (newest last). No worker after. */
export async function seed(fixture: ServiceFixture) {
	const {service, executor} = fixture;
	const park = (await service.createPrompt({text: 'a quiet park in the morning', videoDir: fixture.inputs})).prompt;
	const street = (await service.createPrompt({text: 'a street at night with neon signs', videoDir: fixture.inputs})).prompt;
	const worker = await working(fixture);
	const ok = await service.createRun(street.id, {weights: {vis: 0.5}});
	await fixture.waitForRun(ok.id, run => run.status === 'success');
	executor.script = {...executor.script, result: 'failed'};
	const failed = await service.createRun(street.id, {weights: {edge: 0.6}});
	await fixture.waitForRun(failed.id, run => run.status === 'failed');
	executor.script = {...executor.script, result: 'success'};
	await worker.stop();
	const cancelled = await service.createRun(street.id);
	await service.cancelRun(cancelled.id); // queued with no worker: it leaves the queue at once
	return {park, street, ok, failed, cancelled};
}

/** Resolves once the run's saved log holds `count` lines (the worker writes it in batches). */
export async function logHas(fixture: ServiceFixture, runId: string, count: number): Promise<void> {
	const file = fixture.service.files.logPath(runId);
	const lines = () => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').length - 1 : 0);
	await waitFor(() => lines() >= count, {message: () => `${file} has ${lines()} of ${count} lines`});
}

/**
 * A run that stays running (its follow waits on a gate) with these log lines, its log saved, and
 * the worker still going. `release` lets it finish.
 */
export async function runningRun(fixture: ServiceFixture, lines: string[], text = 'a harbour at dawn') {
	const {service, executor} = fixture;
	const hold = gate();
	executor.script = {lines, result: 'success', hold: hold.promise};
	const prompt = (await service.createPrompt({text, videoDir: fixture.inputs})).prompt;
	await working(fixture);
	const run = await service.createRun(prompt.id);
	await fixture.waitForRun(run.id, current => current.status === 'running' && current.stage === 'diffusion');
	await logHas(fixture, run.id, lines.length);
	return {prompt, run: service.getRun(run.id), release: hold.open};
}
