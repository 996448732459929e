// A log source for the log view model: the LogLines ring the LogStore keeps per run.
import {LogLines} from '../../../source/ui/data/log-lines.js';

export function makeSource(lines: readonly string[], capacity = 5000): LogLines {
	const source = new LogLines(capacity);
	for (const line of lines) source.push(line, null);
	return source;
}

export const linesFor = (count: number) => Array.from({length: count}, (_, i) => `line ${i}`);
