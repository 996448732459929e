// U queues a 4K upscale of the selected run (marked 4K, showing its parent's rating until rated),
// and E reruns it with the prompt upsampler first; a run they cannot apply to says why not.
import {appTest, openOnSuccessfulRun, selectedRunIs} from './helpers/app-test.js';

const test = appTest();

test.serial('U upscales the selected run: a linked 4K run queued, shown with the parent\'s stars; on a failed run U says why not', async t => {
	const {ok, failed, app} = await openOnSuccessfulRun(t, {columns: 140, rows: 30});
	const {service} = t.context.fixture;
	await service.rateRun(ok.id, 4);
	await app.press('U');
	await app.waitFor(frame => frame.includes(`upscaled to 4K`), 'the upscale queued');
	const upscale = service.listRuns({limit: 10}).find(run => run.parent_run_id === ok.id && run.upscale);
	t.truthy(upscale, 'a linked upscale run in the store');
	t.is(upscale!.upscale!.control_weight, 0.5);
	await app.waitFor(frame => frame.split('\n').some(line => line.includes(upscale!.id) && line.includes('4K ★★★★☆')), 'the 4K run with its parent\'s rating');

	await app.press('k');
	await app.waitFor(selectedRunIs(failed.id, 'failed'), 'the failed run selected');
	await app.press('U');
	await app.waitFor(frame => frame.includes(`${failed.id} has no output video to upscale (failed)`), 'why U does nothing');
	t.is(service.listRuns({limit: 10}).filter(run => run.upscale).length, 1);
});

test.serial('E reruns the selected run with the prompt upsampler first; on an upscale E says why not', async t => {
	const {ok, app} = await openOnSuccessfulRun(t, {columns: 140, rows: 30});
	const {service} = t.context.fixture;
	await app.press('E');
	await app.waitFor(frame => frame.includes('its prompt enhanced first'), 'the enhanced rerun queued');
	const enhanced = service.listRuns({limit: 10}).find(run => run.parent_run_id === ok.id && run.enhance_prompt);
	t.truthy(enhanced, 'a rerun asking for the upsampler');
	t.deepEqual(enhanced!.control_weights, ok.control_weights);

	const upscale = await service.upscaleRun(ok.id);
	await app.waitFor(frame => frame.includes(upscale.id), 'the upscale on screen');
	await app.press('g');
	await app.waitFor(selectedRunIs(upscale.id, 'queued'), 'the upscale selected');
	await app.press('E');
	await app.waitFor(frame => frame.includes(`${upscale.id} is an upscale: there is no prompt to enhance`), 'why E does nothing');
});
