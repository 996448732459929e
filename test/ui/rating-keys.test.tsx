// + and - rate the selected run from the runs pane: the store changes, the row shows the stars, and
// a key that cannot apply says why.
import {appTest} from './helpers/app-test.js';
import {renderApp} from './helpers/render-app.js';
import {seed} from './helpers/runs.js';

const test = appTest();

test.serial('+ rates the selected run up a star at a time, - takes one away; the row and the details follow', async t => {
	const {ok} = await seed(t.context.fixture);
	const {service} = t.context.fixture;
	const app = (t.context.app = await renderApp(t.context.fixture, {columns: 120, rows: 30}));
	await app.press('2', 'G');
	// The oldest run, at the bottom, is the successful one; the details strip names the selection.
	await app.waitFor(frame => frame.split('\n').some(line => line.trimStart().startsWith(`${ok.id} success`)), 'the successful run selected');
	await app.press('-');
	await app.waitFor(frame => frame.includes(`${ok.id} is not rated`), 'why - does nothing on an unrated run');
	await app.press('+', '+', '+');
	await app.waitFor(() => service.getRun(ok.id).rating === 3, 'three stars in the store');
	await app.waitFor(frame => frame.includes('★★★☆☆'), 'the stars on screen');
	await app.press('-');
	await app.waitFor(() => service.getRun(ok.id).rating === 2, 'one star taken away');
	await app.waitFor(frame => frame.includes('★★☆☆☆') && !frame.includes('★★★☆☆'), 'two stars on screen');
	t.is(service.listRuns({rating: {min: 2, max: 2}}).map(run => run.id).join(), ok.id);
});
