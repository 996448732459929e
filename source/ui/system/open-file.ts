// Opens a file with the desktop's default application (xdg-open on Linux, open on macOS), or a
// folder with the file manager (the same openers). Not UI code: the UI gets it injected
// (launchUi options), so tests can pass a fake.
import {setTimeout as delay} from 'node:timers/promises';
import {execa} from 'execa';

export type OpenFile = (file: string) => Promise<void>;

/** The machine has no opener at all (a server over SSH): the caller shows and copies the path instead. */
export class NoOpenerError extends Error {
	constructor(
		readonly opener: string,
		readonly target: string,
	) {
		super(`${opener} is not installed; the file is at ${target}`);
		this.name = 'NoOpenerError';
	}
}

/** How long an opener has to fail before we take it as started (players keep running). */
const START_GRACE_MS = 1500;

export async function openWithSystemPlayer(file: string): Promise<void> {
	const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
	// Detached and silent: the player must not write on our screen or die with us.
	const child = execa(opener, [file], {detached: true, stdio: 'ignore', cleanup: false});
	child.unref();
	const failure = child.then(
		() => null,
		(error: unknown) => error as NodeJS.ErrnoException,
	);
	const early = await Promise.race([failure, delay(START_GRACE_MS, null, {ref: false})]);
	if (!early) return;
	if (early.code === 'ENOENT') throw new NoOpenerError(opener, file);
	throw new Error(`${opener} could not open ${file}: ${early.message.split('\n')[0]}`);
}
