// E in the prompts pane queues the prompt upsampler on the selected prompt (cosmos-tui enhance);
// when its run succeeds, the new prompt shows in the list, "enhanced from" the original. With no
// prompt selected, E says why not.
import {mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {appTest} from './helpers/app-test.js';
import {KEYS, renderApp} from './helpers/render-app.js';
import {seed, working} from './helpers/runs.js';

const test = appTest();

test.serial('E on a prompt queues the upsampler; the new prompt appears linked, the original unchanged; with no prompt E says why not', async t => {
	const {fixture} = t.context;
	const {service, executor} = fixture;
	const {street, park} = await seed(fixture);
	// The fake host's upsampler: its stdout copy, output.txt, as upsampler_pipeline.py prints it.
	const follow = executor.follow.bind(executor);
	executor.follow = async (handle, job, events, options) => {
		const result = await follow(handle, job, events, options);
		if (!job.run.enhance) return result;
		await mkdir(job.outputDir, {recursive: true});
		const file = path.join(job.outputDir, 'output.txt');
		await writeFile(file, `Upsampled prompt: ${job.prompt.prompt_text}, glowing in the rain\n`);
		return {...result, outputs: {dir: job.outputDir, prompt_text: file}};
	};
	await working(fixture);
	const app = (t.context.app = await renderApp(fixture, {columns: 220, rows: 30}));
	await app.press('1');
	await app.waitFor(frame => frame.split('\n').some(line => line.includes(`› ${street.name}`)), 'the street prompt selected');
	await app.press('E');
	await app.waitFor(frame => frame.includes(`queued: the prompt upsampler on ${street.name}`), 'the enhance run queued');
	const run = service.listRuns({limit: 20}).find(candidate => candidate.enhance);
	t.truthy(run, 'an enhance run in the store');
	t.is(run!.prompt_id, street.id);

	const done = await fixture.waitForRun(run!.id, current => current.status === 'success' && current.enhance?.prompt_id != null);
	const made = service.getPrompt(done.enhance!.prompt_id!);
	t.is(made.prompt_text, `${street.prompt_text}, glowing in the rain`);
	t.deepEqual(made.enhanced_from, {prompt_id: street.id, run_id: run!.id});
	t.is(service.getPrompt(street.id).prompt_text, street.prompt_text);
	await app.waitFor(
		frame => frame.split('\n').some(line => line.includes(made.name.slice(0, 24)) && line.includes(`enhanced from ${street.name}`)),
		'the new prompt in the list, linked to the original',
	);
	t.not(park.id, made.id);

	await app.press('/', 'z', 'z', 'z', 'q', KEYS.enter);
	await app.waitFor(frame => frame.includes('no prompt matches the filter'), 'nothing selected');
	await app.press('E');
	await app.waitFor(frame => frame.includes('no prompt matches the filter (Esc clears it)'), 'why E does nothing');
	t.is(service.listRuns({limit: 20}).filter(candidate => candidate.enhance).length, 1);
});
