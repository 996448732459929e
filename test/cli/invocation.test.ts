import {chmod, mkdir, symlink, writeFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {invocationFor, processInvocation, type ProcessFacts} from '../../source/cli/invocation.js';
import {cosmos} from '../helpers/cli.js';
import {REPO_ROOT, tempDir} from '../helpers/temp.js';

const facts = (overrides: Partial<ProcessFacts>): ProcessFacts => ({
	script: '/home/ana/cosmos-tui/dist/source/cli/main.js',
	cwd: '/home/ana/cosmos-tui',
	env: {},
	onPath: false,
	...overrides,
});

test('a cosmos-tui on PATH that is this script: cosmos-tui', t => {
	t.is(invocationFor(facts({script: '/usr/lib/node_modules/cosmos-tui/dist/source/cli/main.js', cwd: '/tmp', onPath: true})), 'cosmos-tui');
});

test('npx or npm exec: npx cosmos-tui (their node_modules/.bin on PATH does not count)', t => {
	t.is(invocationFor(facts({env: {npm_command: 'exec', npm_execpath: '/usr/lib/node_modules/npm/bin/npx-cli.js'}, onPath: true})), 'npx cosmos-tui');
});

test('npm start and npm run start: npm start --', t => {
	t.is(invocationFor(facts({env: {npm_command: 'start', npm_lifecycle_event: 'start'}, onPath: true})), 'npm start --');
	t.is(invocationFor(facts({env: {npm_command: 'run-script', npm_lifecycle_event: 'start'}})), 'npm start --');
});

test('node directly: node and the script, relative to the working folder when that is shorter', t => {
	t.is(invocationFor(facts({})), 'node dist/source/cli/main.js');
	t.is(invocationFor(facts({cwd: '/var/tmp/somewhere/deep'})), 'node /home/ana/cosmos-tui/dist/source/cli/main.js');
	t.is(invocationFor(facts({cwd: '/home/ana/cosmos-tui/dist'})), 'node source/cli/main.js');
});

test('tsx: npx tsx and the TypeScript entry point, also when npx started tsx', t => {
	t.is(invocationFor(facts({script: '/home/ana/cosmos-tui/source/cli/main.ts'})), 'npx tsx source/cli/main.ts');
	t.is(invocationFor(facts({script: '/home/ana/cosmos-tui/source/cli/main.ts', env: {npm_command: 'exec'}})), 'npx tsx source/cli/main.ts');
});

test('a path a shell would split is quoted', t => {
	t.is(invocationFor(facts({script: "/home/ana/my app's/main.js", cwd: '/'})), String.raw`node 'home/ana/my app'\''s/main.js'`);
});

test('no script, or one of another kind: cosmos-tui', t => {
	t.is(invocationFor(facts({script: undefined})), 'cosmos-tui');
	t.is(invocationFor(facts({script: '/opt/bin/cosmos'})), 'cosmos-tui');
});

test('processInvocation finds the first cosmos-tui on PATH and compares real paths', async t => {
	const {dir, cleanup} = await tempDir();
	const script = path.join(dir, 'app', 'main.js');
	await mkdir(path.dirname(script));
	await writeFile(script, '');
	await mkdir(path.join(dir, 'bin'));
	await mkdir(path.join(dir, 'other'));
	await symlink(script, path.join(dir, 'bin', 'cosmos-tui'));
	await writeFile(path.join(dir, 'other', 'cosmos-tui'), '');
	await chmod(path.join(dir, 'other', 'cosmos-tui'), 0o755);
	const searchPath = (...dirs: string[]) => ({PATH: dirs.map(name => path.join(dir, name)).join(path.delimiter)});
	t.is(processInvocation(script, searchPath('missing', 'bin', 'other'), dir), 'cosmos-tui');
	// Another cosmos-tui comes first: typing cosmos-tui would not start this one.
	t.is(processInvocation(script, searchPath('other', 'bin'), dir), 'node app/main.js');
	t.is(processInvocation(script, searchPath('missing'), dir), 'node app/main.js');
	await cleanup();
});

test('command-line hints name the invocation that started the command', async t => {
	// Started from the checkout as node --import tsx source/cli/main.ts: hints say npx tsx and that path.
	const {dir, cleanup} = await tempDir();
	const run = (...args: string[]) => cosmos([...args, '--data-dir', dir], {cwd: REPO_ROOT});
	const usage = await run('queue', 'move');
	t.is(usage.code, 2);
	t.is(usage.stderr, 'cosmos-tui: usage: npx tsx source/cli/main.ts queue move <run-id> --top|--up|--down|--bottom\n');
	t.is((await run('list', '--bogus')).stderr, 'cosmos-tui: unknown flag --bogus (run npx tsx source/cli/main.ts list --help)\n');
	t.is((await run('list', 'prompts')).stderr, 'no prompts yet: npx tsx source/cli/main.ts prompt create <text> <video_dir>\n');
	await cleanup();
});
