// Turns a JSON.parse failure into "what went wrong at line L column C".
// V8 gives a position for most errors but not for "Unexpected token", so a small scanner
// finds the first syntax error itself. Only runs when parsing has already failed.

export function describeJsonError(error: unknown, text: string): string {
	const message = error instanceof Error ? error.message : String(error);
	// Drop V8's quote of the source ('Unexpected token 'x', "{...}" is not valid JSON') and its position.
	const short = message
		.replace(/, .*is not valid JSON$/s, '')
		.replace(/ (?:in JSON )?at position \d+.*$/s, '');
	const match = /at position (\d+)/.exec(message);
	const offset = match ? Number(match[1]) : findSyntaxError(text);
	return offset < 0 ? short : `${short} at ${lineAndColumn(text, offset)}`;
}

export function lineAndColumn(text: string, offset: number): string {
	const before = text.slice(0, offset);
	const line = before.split('\n').length;
	const column = offset - before.lastIndexOf('\n');
	return `line ${line} column ${column}`;
}

type State = 'value' | 'firstValue' | 'key' | 'firstKey' | 'after';

/** Offset of the first JSON syntax error in text, or -1 if it is valid. Iterative, so deep garbage cannot overflow the stack. */
export function findSyntaxError(text: string): number {
	const closers: string[] = [];
	let i = skipSpace(text, 0);
	let state: State = 'value';
	for (;;) {
		const c = text[i];
		if (state === 'value' || state === 'firstValue') {
			if (state === 'firstValue' && c === ']') {
				closers.pop();
				i = skipSpace(text, i + 1);
				state = 'after';
			} else if (c === '{' || c === '[') {
				closers.push(c === '{' ? '}' : ']');
				i = skipSpace(text, i + 1);
				state = c === '{' ? 'firstKey' : 'firstValue';
			} else {
				const end = scalarEnd(text, i);
				if (end < 0) {
					return -end - 1;
				}

				i = skipSpace(text, end);
				state = 'after';
			}
		} else if (state === 'key' || state === 'firstKey') {
			if (state === 'firstKey' && c === '}') {
				closers.pop();
				i = skipSpace(text, i + 1);
				state = 'after';
				continue;
			}

			const end = c === '"' ? stringEnd(text, i) : -i - 1;
			if (end < 0) {
				return -end - 1;
			}

			i = skipSpace(text, end);
			if (text[i] !== ':') {
				return i;
			}

			i = skipSpace(text, i + 1);
			state = 'value';
		} else {
			const closer = closers.at(-1);
			if (closer === undefined) {
				return i < text.length ? i : -1;
			}

			if (c === ',') {
				i = skipSpace(text, i + 1);
				state = closer === '}' ? 'key' : 'value';
			} else if (c === closer) {
				closers.pop();
				i = skipSpace(text, i + 1);
			} else {
				return i;
			}
		}
	}
}

function skipSpace(text: string, i: number): number {
	while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) {
		i++;
	}

	return i;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** End offset of the scalar at i, or -(error offset) - 1. */
function scalarEnd(text: string, i: number): number {
	if (text[i] === '"') {
		return stringEnd(text, i);
	}

	for (const literal of ['true', 'false', 'null']) {
		if (text.startsWith(literal, i)) {
			return i + literal.length;
		}
	}

	NUMBER.lastIndex = i;
	return NUMBER.test(text) ? NUMBER.lastIndex : -i - 1;
}

function stringEnd(text: string, i: number): number {
	for (let j = i + 1; j < text.length; j++) {
		const code = text.charCodeAt(j);
		if (code === 0x22) {
			return j + 1;
		}

		if (code < 0x20) {
			return -j - 1;
		}

		if (code === 0x5c) {
			const escape = text[j + 1] ?? '';
			if (escape === 'u') {
				if (!/^[\da-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) {
					return -j - 1;
				}

				j += 5;
			} else if ('"\\/bfnrt'.includes(escape) && escape !== '') {
				j++;
			} else {
				return -j - 1;
			}
		}
	}

	return -text.length - 1;
}
