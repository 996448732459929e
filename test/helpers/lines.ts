// Lines of a child process's output as they come, with a way to wait for one.
import type {Readable} from 'node:stream';

export type Lines = {
	readonly all: string[];
	/** Resolves with the first line (seen so far or later) that matches. */
	until: (match: (line: string) => boolean) => Promise<string>;
};

export function lines(stream: Readable): Lines {
	const all: string[] = [];
	const waiting = new Set<{match: (line: string) => boolean; resolve: (line: string) => void}>();
	let partial = '';
	stream.setEncoding('utf8');
	stream.on('data', (chunk: string) => {
		const parts = (partial + chunk).split('\n');
		partial = parts.pop() ?? '';
		for (const line of parts) {
			all.push(line);
			for (const waiter of waiting) {
				if (!waiter.match(line)) continue;
				waiting.delete(waiter);
				waiter.resolve(line);
			}
		}
	});
	return {
		all,
		until(match) {
			const seen = all.find(match);
			if (seen !== undefined) return Promise.resolve(seen);
			return new Promise(resolve => waiting.add({match, resolve}));
		},
	};
}
