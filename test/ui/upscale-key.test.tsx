// U queues a 4K upscale of the selected run; the new run is marked 4K and shows its parent's rating
// until it has its own; a run without an output says why U does nothing.
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
