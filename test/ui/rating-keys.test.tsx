// + and - rate the selected run from the runs pane: the store changes, the row shows the stars, and
// a key that cannot apply says why.
import {appTest, openOnSuccessfulRun} from './helpers/app-test.js';

const test = appTest();

test.serial('+ rates the selected run up a star at a time, - takes one away; the row and the details follow', async t => {
	const {ok, app} = await openOnSuccessfulRun(t, {columns: 120, rows: 30});
	const {service} = t.context.fixture;
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

test.serial('m writes a note on the selected run: typed, saved with Enter, shown in the details; Esc leaves it; empty removes it', async t => {
	const {ok, app} = await openOnSuccessfulRun(t, {columns: 120, rows: 30});
	const {service} = t.context.fixture;
	await app.press('m');
	await app.waitFor(frame => frame.includes(`Note on ${ok.id}`), 'the note dialog');
	await app.press('fog too thin');
	await app.waitFor(frame => frame.includes('fog too thin▏'), 'the text typed');
	await app.press('\r');
	await app.waitFor(() => service.getRun(ok.id).note === 'fog too thin', 'the note in the store');
	await app.waitFor(frame => frame.includes('note: fog too thin') && !frame.includes('Note on'), 'the note in the details, the dialog closed');

	await app.press('m');
	await app.waitFor(frame => frame.includes('fog too thin▏'), 'the dialog opens with the note');
	await app.press('x', '\u001B');
	await app.waitFor(frame => !frame.includes('Note on'), 'Esc closed it');
	t.is(service.getRun(ok.id).note, 'fog too thin', 'Esc changed nothing');

	await app.press('m', '\u0015', '\r');
	await app.waitFor(() => service.getRun(ok.id).note === null, 'ctrl-u then Enter removed the note');
});
