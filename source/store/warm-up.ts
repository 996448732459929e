// Background parsing of lazy documents (lazy-docs.ts) after a snapshot load, in slices of ~4 ms
// while the event loop is idle, then the indexes, one per slice; so reads after the first moments
// never pay for parsing. Unref'd: it never keeps the process alive.
import {materialize} from './lazy-docs.js';
import type {TableSet} from './operations.js';
import {INDEXED_FIELDS, TABLE_NAMES} from './types.js';

const SLICE_MS = 4;

/** Stops early once wanted() turns false (the store closed or loaded another snapshot). */
export function warmUp(tables: TableSet, wanted: () => boolean, done: () => void): void {
	const docs = [...tables.prompts.hot.byId.values(), ...tables.runs.hot.byId.values()];
	const indexes = TABLE_NAMES.flatMap(name => INDEXED_FIELDS[name].map(field => () => tables[name].hot.index(field)));
	let next = 0;
	const slice = () => {
		if (!wanted()) {
			return;
		}

		const deadline = performance.now() + SLICE_MS;
		while (next < docs.length) {
			materialize(docs[next++]!);
			if (next % 64 === 0 && performance.now() > deadline) {
				setImmediate(slice).unref();
				return;
			}
		}

		const build = indexes.shift();
		if (build === undefined) {
			done();
		} else {
			build();
			setImmediate(slice).unref();
		}
	};

	setImmediate(slice).unref();
}
