// quoteArg/buildCommand are checked by really running the built command in local shells:
// each hostile string must come back byte for byte, and none may run the `touch` it carries.
import {execFile} from 'node:child_process';
import {existsSync} from 'node:fs';
import {mkdtemp, readdir, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import test from 'ava';
import {buildCommand, quoteArg, ShellQuoteError} from '../../source/executor/shell-quote.js';

const SHELLS: Array<{name: string; argv: string[]}> = [
	{name: 'sh', argv: ['/bin/sh', '-c']},
	{name: 'dash', argv: ['dash', '-c']},
	{name: 'bash', argv: ['bash', '-c']},
	{name: 'busybox sh', argv: ['busybox', 'sh', '-c']},
].filter(shell => shell.argv[0]!.startsWith('/') ? existsSync(shell.argv[0]!) : hasCommand(shell.argv[0]!));

function hasCommand(name: string): boolean {
	return (process.env['PATH'] ?? '').split(':').some(dir => dir !== '' && existsSync(path.join(dir, name)));
}

/** Strings that would run `touch <canary>` (or redirect into a file) if quoting failed. */
function hostileStrings(canary: string): string[] {
	const c = canary;
	return [
		'', ' ', '  ', "'", "''", '"', '""', '\\', "\\'", "'\\''", "it's", `'"'"'`,
		`\`touch ${c}\``, `$(touch ${c})`, `"$(touch ${c})"`, `'$(touch ${c})'`, `\\$(touch ${c})`,
		`\${IFS}touch\${IFS}${c}`, `;touch\${IFS}${c}`,
		`; touch ${c}`, `&& touch ${c}`, `|| touch ${c}`, `| touch ${c}`, `& touch ${c}`,
		`\ntouch ${c}`, `\rtouch ${c}`, `\r\ntouch ${c}\r\n`, `'; touch ${c}; '`, `"; touch ${c}; "`,
		`'\n touch ${c} \n'`, `(touch ${c})`, `{ touch ${c}; }`, `<(touch ${c})`, `>(touch ${c})`,
		`> ${c}`, `>> ${c}`, '> canary-relative', '< /etc/passwd', '2>&1', `exec touch ${c}`,
		`export X=1; touch ${c}`, `a\\\ntouch ${c}`, `$'\\x41'; touch ${c}`,
		'*', '?', '[a-z]*', '*/../*', '~', '~root', '~/x', '-n', '-e', '-E', '--help', '-', '--',
		'$HOME', '$0', '$$', '$?', '$@', '$*', '$1', '!!', '!$', '!-1', '^foo^bar',
		'#comment', 'a # b', '{a,b}', '{1..3}', 'a=b', 'PATH=/nonexistent', '=ls', '=',
		'if', 'then', 'fi', 'done', '!', '{', '}', '[[', 'time',
		'\t', 'a\tb', '\n', '\r', '\r\n', 'line1\nline2\n', '\u0001\u0002\u0007\u007f', '\u001b[31mred\u001b[0m',
		'%s%n%x%%', '\\0', '\\n', '\\x41', 'héllo wörld', '日本語テキスト', '👍🏽 emoji ✓', '\u202Eevil\u202C',
		'\u00a0nbsp\u00a0', '\u2028\u2029', '\uFEFFbom', ' leading and trailing ', 'plain-word_1.2,3:4@5%6+7/8',
		Array.from({length: 95}, (_, i) => String.fromCharCode(32 + i)).join(''),
	];
}

type RunResult = {stdout: Buffer; stderr: Buffer};

function run(file: string, args: string[], cwd: string): Promise<RunResult> {
	return new Promise((resolve, reject) => {
		execFile(file, args, {cwd, encoding: 'buffer', maxBuffer: 16 * 1024 * 1024}, (error, stdout, stderr) => {
			if (error) reject(new Error(`${file} failed (exit ${String(error.code)}): ${stderr.toString()}`));
			else resolve({stdout, stderr});
		});
	});
}

async function runInShell(shell: string[], argv: readonly string[], cwd: string): Promise<Buffer> {
	const [file, ...prefix] = shell;
	const {stdout} = await run(file!, [...prefix, buildCommand(argv)], cwd);
	return stdout;
}

/** `printf '%s\0' args...` prints each argument followed by NUL, so the split is unambiguous. */
const nulTerminated = (values: readonly string[]): Buffer =>
	Buffer.concat(values.map(value => Buffer.from(`${value}\0`, 'utf8')));

test('there is at least one shell to test with', t => {
	t.true(SHELLS.length > 0);
});

test('the hostile list is long enough to mean something', t => {
	t.true(hostileStrings('/tmp/x').length >= 60);
});

for (const shell of SHELLS) {
	test(`${shell.name}: each hostile string round-trips alone and runs nothing`, async t => {
		const dir = await mkdtemp(path.join(tmpdir(), 'shell-quote-'));
		try {
			const canary = path.join(dir, 'canary');
			for (const value of hostileStrings(canary)) {
				const out = await runInShell(shell.argv, ['printf', '%s\\0', value], dir);
				t.deepEqual(out, nulTerminated([value]), `round trip of ${JSON.stringify(value)}`);
			}
			t.deepEqual(await readdir(dir), [], 'no file was created by any string');
		} finally {
			await rm(dir, {recursive: true, force: true});
		}
	});

	test(`${shell.name}: all hostile strings in one command stay separate arguments`, async t => {
		const dir = await mkdtemp(path.join(tmpdir(), 'shell-quote-'));
		try {
			const values = hostileStrings(path.join(dir, 'canary'));
			const out = await runInShell(shell.argv, ['printf', '%s\\0', ...values], dir);
			t.deepEqual(out, nulTerminated(values));
			t.deepEqual(await readdir(dir), []);
		} finally {
			await rm(dir, {recursive: true, force: true});
		}
	});

	test(`${shell.name}: a very long string with quotes and newlines round-trips`, async t => {
		const value = `start'"$\`\\\n\r\t*?~${'x'.repeat(7)}`.repeat(2500) + 'end';
		const out = await runInShell(shell.argv, ['printf', '%s\\0', value], tmpdir());
		t.true(value.length > 40_000);
		t.deepEqual(out, nulTerminated([value]));
	});
}

test('the canary check would notice an injection (control: the same string unquoted)', async t => {
	const dir = await mkdtemp(path.join(tmpdir(), 'shell-quote-'));
	try {
		const canary = path.join(dir, 'canary');
		await run('/bin/sh', ['-c', `printf x; touch ${canary}`], dir);
		t.deepEqual(await readdir(dir), ['canary']);
	} finally {
		await rm(dir, {recursive: true, force: true});
	}
});

test('as the command name, a quoted assignment or reserved word is looked up as a command', async t => {
	// Unquoted, `PATH=/nonexistent printf x` would succeed (builtin printf) and `if true` is a syntax error (2).
	for (const argv of [['PATH=/nonexistent', 'printf', 'x'], ['if', 'true']]) {
		const error = await t.throwsAsync(runInShell(['/bin/sh', '-c'], argv, tmpdir()));
		t.regex(error?.message ?? '', /exit 127/, argv.join(' '));
	}
});

test('plain words are left unquoted so logged commands stay readable', t => {
	t.is(quoteArg('docker'), 'docker');
	t.is(quoteArg('--nproc_per_node=2'), '--nproc_per_node=2');
	t.is(quoteArg('/workspace/runs/rs_1/spec.json'), '/workspace/runs/rs_1/spec.json');
	t.is(quoteArg('cosmos-tui.run=rs_1'), 'cosmos-tui.run=rs_1');
	t.is(buildCommand(['docker', 'ps', '-a']), 'docker ps -a');
});

test('anything else is single-quoted, with embedded quotes closed and reopened', t => {
	t.is(quoteArg(''), "''");
	t.is(quoteArg('a b'), "'a b'");
	t.is(quoteArg("it's"), `'it'\\''s'`);
	t.is(quoteArg('$(x)'), "'$(x)'");
	t.is(quoteArg('~'), "'~'");
});

test('assignments, reserved words and zsh "=cmd" are quoted', t => {
	t.is(quoteArg('A=b'), "'A=b'");
	t.is(quoteArg('if'), "'if'");
	t.is(quoteArg('=ls'), "'=ls'");
});

test('NUL and unpaired surrogates are rejected', t => {
	t.throws(() => quoteArg('a\0b'), {instanceOf: ShellQuoteError, message: /NUL/});
	t.throws(() => buildCommand(['echo', '\0']), {instanceOf: ShellQuoteError});
	t.throws(() => quoteArg('x\uD800y'), {instanceOf: ShellQuoteError, message: /surrogate/});
	t.throws(() => quoteArg('\uDC00'), {instanceOf: ShellQuoteError});
	t.notThrows(() => quoteArg('👍'));
});

test('an empty argv is an error, not an empty command', t => {
	t.throws(() => buildCommand([]), {instanceOf: ShellQuoteError});
});
