// Child process modes that use this store (through its public API only).
//   open <dataDir>                   prints {ms}: how long openStore took
//   rss <dataDir> warm|cold          opens (warmUp on or off), lists the newest 50 runs with prompt names
//                                    (waits for the warm-up with warm), prints {rss, ms}
//   writer <dataDir> <ids.json> <stopFile> <pauseMs>
//                                    status updates in a loop until stopFile exists; prints "ready", then {count}
import {openStore} from '../../source/store/index.js';
import {print, sleep, writeUntilStopped, writerArgs} from './child-common.js';

const [mode, ...args] = process.argv.slice(2);

async function open(dir: string): Promise<void> {
	const start = performance.now();
	const store = await openStore(dir);
	const ms = performance.now() - start;
	print({ms});
	await store.close();
}

async function rss(dir: string, warm: boolean): Promise<void> {
	const start = performance.now();
	const store = await openStore(dir, {warmUp: warm});
	const rows = store.select('runs').orderBy('created_at', 'desc').limit(50).join('prompts', 'prompt_id', 'prompt').all();
	const names = rows.map(run => run.prompt.name);
	const ms = performance.now() - start;
	if (warm) {
		const deadline = Date.now() + 120_000;
		while (!store.info().warm && Date.now() < deadline) {
			await sleep(20);
		}
	}

	print({rss: process.memoryUsage().rss, ms, rows: names.length, warm: store.info().warm});
	await store.close();
}

async function writer(): Promise<void> {
	const writer = writerArgs(args);
	const store = await openStore(writer.target);
	const stages = ['uploading', 'diffusion', 'downloading'] as const;
	const count = await writeUntilStopped(writer, async (id, index) =>
		store.write(tx => tx.update('runs', id, {status: 'running', stage: stages[index % 3]!, started_at: new Date().toISOString()})),
	);
	await store.close();
	print({count});
}

if (mode === 'open') {
	await open(args[0]!);
} else if (mode === 'rss') {
	await rss(args[0]!, args[1] === 'warm');
} else if (mode === 'writer') {
	await writer();
} else {
	throw new Error(`child-store: unknown mode ${String(mode)}`);
}

process.exit(0);
