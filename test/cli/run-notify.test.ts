// `cosmos-tui run` without --detach follows its run to the end, then notifies on stderr when that
// is a terminal ([ui] notify), and writes nothing of the kind into a pipe.
import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {Context} from '../../source/cli/command.js';
import {watchRuns} from '../../source/cli/commands/run.js';
import type {Flags} from '../../source/cli/flags.js';
import {Output} from '../../source/cli/output.js';
import {serviceFixture} from '../helpers/service.js';

async function followToEnd(isTTY: boolean) {
	const fixture = await serviceFixture();
	const config = path.join(fixture.dir, 'cosmos.toml');
	await writeFile(config, '[ui]\nnotify = "osc777"\n');
	const stderr: string[] = [];
	const out = new Output({write: () => true}, {write: (text: string) => stderr.push(text), isTTY}, false);
	const context = new Context(out, {config} as Flags, {}, fixture.dir, false);
	const {prompt} = await fixture.service.createPrompt({text: 'a harbour at dawn', videoDir: fixture.inputs});
	const run = await fixture.service.createRun(prompt.id);
	fixture.startWorker();
	const code = await watchRuns(context, fixture.service, [run]);
	await fixture.cleanup();
	return {code, stderr: stderr.join(''), run, prompt};
}

test('on a terminal, the end of the run is announced once, as the config asks', async t => {
	const {code, stderr, run, prompt} = await followToEnd(true);
	t.is(code, 0);
	const notifications = stderr.match(/\u001B\]777;[^\u0007]*\u0007/g) ?? [];
	t.deepEqual(notifications, [`\u001B]777;notify;cosmos-tui;${run.id} success: ${prompt.name}\u0007`]);
});

test('into a pipe, no escape sequence is written', async t => {
	const {code, stderr} = await followToEnd(false);
	t.is(code, 0);
	t.regex(stderr, /success/);
	t.false(stderr.includes('\u001B]') || stderr.includes('\u0007'));
});
