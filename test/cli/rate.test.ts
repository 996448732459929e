// rate, note and the listings that use them, through the real command line on a store of runs.
import path from 'node:path';
import test from 'ava';
import {openStore} from '../../source/store/index.js';
import {cosmos} from '../helpers/cli.js';
import {tempDir} from '../helpers/temp.js';
import {makePrompt, makeRun} from '../store/fixtures/records.js';

async function seeded(t: {teardown(fn: () => Promise<void>): void}) {
	const {dir, cleanup} = await tempDir();
	t.teardown(cleanup);
	const store = await openStore(path.join(dir, 'data'), {watch: false});
	await store.write(tx => {
		tx.insert('prompts', makePrompt('ps_harbor'));
		for (let index = 0; index < 4; index++) tx.insert('runs', makeRun(`rs_rated${index}`, 'ps_harbor', {status: 'success', created_at: `2026-01-0${index + 1}T00:00:00.000Z`}));
	});
	await store.close();
	return (...args: string[]) => cosmos([...args, '--data-dir', path.join(dir, 'data')], {cwd: dir});
}

const ids = (stdout: string) => (JSON.parse(stdout) as Array<{id: string}>).map(run => run.id);

test('rate and note a run; show, list --rating and --sort rating use them; none and "" remove them', async t => {
	const cli = await seeded(t);
	t.like(await cli('rate', 'rs_rated0', '4'), {code: 0, stderr: 'rs_rated0 rated ★★★★☆ (4)\n'});
	t.is((await cli('rate', 'rs_rated2', '5')).code, 0);
	t.is((await cli('rate', 'rs_rated3', '2')).code, 0);
	t.like(await cli('note', 'rs_rated0', '  the best fog so far  '), {code: 0, stderr: 'rs_rated0: note saved\n'});

	const show = await cli('show', 'rs_rated0');
	t.regex(show.stdout, /\nrating {4}★★★★☆ 4\/5\n/);
	t.regex(show.stdout, /\nnote {6}the best fog so far\n/);
	t.deepEqual(ids((await cli('list', 'runs', '--rating', '4+', '--json')).stdout), ['rs_rated2', 'rs_rated0']);
	t.deepEqual(ids((await cli('list', 'runs', '--rating', '2', '--json')).stdout), ['rs_rated3']);
	t.deepEqual(ids((await cli('list', 'runs', '--sort', 'rating', '--json')).stdout), ['rs_rated2', 'rs_rated0', 'rs_rated3', 'rs_rated1']);
	t.regex((await cli('list', 'runs')).stdout, /rs_rated2 .* ★★★★★\n/);

	t.like(await cli('rate', 'rs_rated0', 'none'), {code: 0, stderr: 'rs_rated0: rating removed\n'});
	t.like(await cli('note', 'rs_rated0', ''), {code: 0, stderr: 'rs_rated0: note removed\n'});
	const cleared = JSON.parse((await cli('show', 'rs_rated0', '--json')).stdout) as {run: {rating: unknown; note: unknown}};
	t.like(cleared.run, {rating: null, note: null});
});

test('bad ratings, filters and sorts are one clear line and change nothing', async t => {
	const cli = await seeded(t);
	const bad = await cli('rate', 'rs_rated1', '7');
	t.is(bad.code, 1);
	t.is(bad.stderr, 'cosmos-tui: a rating is 1 to 5, or none to remove it; got "7"\n');
	const missing = await cli('rate', 'rs_nothing', '3');
	t.is(missing.code, 1);
	t.regex(missing.stderr, /^cosmos-tui: no run .*rs_nothing/);
	t.regex((await cli('list', 'runs', '--rating', '9')).stderr, /^cosmos-tui: --rating takes 1 to 5/);
	const sort = await cli('list', 'runs', '--sort', 'stars');
	t.is(sort.code, 2);
	t.is(sort.stderr, 'cosmos-tui: --sort takes created or rating, got "stars"\n');
	t.deepEqual(ids((await cli('list', 'runs', '--rating', '1+', '--json')).stdout), [], 'nothing was rated');
});
