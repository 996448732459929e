// The one place that turns an argv array into a remote shell command line.
// SSH runs a command through the remote user's login shell, so every argument must reach the
// program byte for byte, whatever it holds. POSIX single quotes do that: nothing inside them is
// special, and a single quote itself is written as '\'' (close, escaped quote, reopen).
// Works for sh, dash, bash, ksh, zsh and busybox sh; csh/tcsh and fish are not supported.

/** Characters that never need quoting in any POSIX shell (or in zsh). */
const SAFE_WORD = /^[A-Za-z0-9_\/.,:=@%+-]+$/;

/** `name=value` as the first word is an assignment, not a command; quote it so it stays a word. */
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Words the shell treats as syntax when they stand where a command name goes. */
const RESERVED_WORDS = new Set([
	'if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'case', 'esac', 'while', 'until', 'for', 'in',
	'function', 'select', 'time', 'coproc', 'foreach', 'end', 'repeat', 'nocorrect', 'noglob',
]);

/** An unpaired UTF-16 surrogate cannot be encoded as UTF-8, so it could not arrive unchanged. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export class ShellQuoteError extends Error {
	override readonly name = 'ShellQuoteError';
}

/** Quote one argument for a POSIX shell. Throws for strings no shell argument can carry. */
export function quoteArg(s: string): string {
	if (s.includes('\0')) throw new ShellQuoteError('A shell argument cannot contain a NUL character');
	if (LONE_SURROGATE.test(s)) throw new ShellQuoteError('A shell argument cannot contain an unpaired UTF-16 surrogate');
	if (s === '') return "''";
	// Plain words stay readable in logs; `=` first is zsh's "=cmd" path expansion, so quote that too.
	if (SAFE_WORD.test(s) && !s.startsWith('=') && !ASSIGNMENT.test(s) && !RESERVED_WORDS.has(s)) return s;
	return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** Join an argv array into one command line whose words are exactly `argv`. */
export function buildCommand(argv: readonly string[]): string {
	if (argv.length === 0) throw new ShellQuoteError('Cannot build a command from an empty argv');
	return argv.map(quoteArg).join(' ');
}
