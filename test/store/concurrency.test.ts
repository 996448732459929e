// Requirement 2: several processes writing the same store at once lose nothing and corrupt nothing.
// Every worker inserts its own runs and increments shared counters in read-modify-write
// transactions: a missing lock or a missing catch-up before applying shows up as a lost increment.
import test, {type ExecutionContext} from 'ava';
import type {Run} from '../../source/domain/model.js';
import {openStore} from '../../source/store/index.js';
import {makePrompt, makeRun, spawnFixture, tempDir} from './fixtures/records.js';

test('four processes inserting and updating at once lose nothing', async t => {
	await race(t, {workers: 4, count: 60});
});

test('eight processes writing while compactions seal finished runs into segments lose nothing', async t => {
	await race(t, {workers: 8, count: 30, sealAfter: 10});
});

async function race(t: ExecutionContext, options: {workers: number; count: number; sealAfter?: number}): Promise<void> {
	const {dir, cleanup} = tempDir();
	t.teardown(cleanup);
	const setup = await openStore(dir);
	await setup.write(tx => {
		tx.insert('prompts', makePrompt('shared-prompt'));
		tx.insert('runs', makeRun('counter', 'shared-prompt', {metrics: {total: 0}}));
	});

	const names = Array.from({length: options.workers}, (_, index) => `w${index}`);
	const {count, sealAfter} = options;
	const workers = names.map(name => spawnFixture('worker', [dir, name, String(count), ...(sealAfter === undefined ? [] : [String(sealAfter)])]));
	t.teardown(() => {
		for (const worker of workers) {
			worker.process.kill('SIGKILL');
		}
	});
	await Promise.all(workers.map(async worker => worker.waitFor(lines => lines.includes('ready'), 'ready')));
	for (const worker of workers) {
		worker.send('go');
	}

	// Meanwhile this process reads: it must see the others' writes as they land, without reopening.
	let seen = 0;
	const watching = new Promise<void>(resolve => {
		const unsubscribe = setup.subscribe(change => {
			if (change.external && change.table === 'runs' && change.op === 'insert') {
				seen++;
				if (seen === 1) {
					unsubscribe();
					resolve();
				}
			}
		});
	});

	await Promise.all(workers.map(async worker => worker.waitFor(lines => lines.some(line => line.startsWith('done')), 'done')));
	const results = await Promise.all(workers.map(async worker => worker.exited));
	t.true(results.every(result => result.code === 0), workers.map(worker => worker.stderr).join('\n'));
	setup.refresh(); // announces whatever fs.watch has not announced yet
	await watching;
	const counter = setup.get('runs', 'counter') as Run;
	t.is(counter.metrics.total, names.length * count);
	for (const name of names) {
		t.is(counter.metrics[name], count, `increments of ${name}`);
		const runs = setup.select('runs').where('id', 'like', `${name}-%`).all();
		t.is(runs.length, count, `runs of ${name}`);
		t.is(runs.filter(run => run.status === (sealAfter === undefined ? 'running' : 'success')).length, count / 3);
	}

	// The last worker to finish saw every run (its own and the others').
	const lastSeen = Math.max(...workers.map(worker => Number(worker.lines.find(line => line.startsWith('done'))!.split(' ')[1])));
	t.is(lastSeen, names.length * count + 1);

	// A fresh open agrees, and several compactions happened while they raced.
	await setup.close();
	const reopened = await openStore(dir);
	t.is(reopened.select('runs').count(), names.length * count + 1);
	t.true(reopened.info().generation >= 3);
	if (sealAfter !== undefined) {
		t.true(reopened.info().sealedSegments > 0, 'nothing was sealed');
		t.is(reopened.select('runs').where('status', '=', 'success').count(), (names.length * count) / 3);
	}

	await reopened.close();
}
