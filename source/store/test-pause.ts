// For the crash tests only: with COSMOS_STORE_TEST_PAUSE=<point>, a process stops at that point of a
// compaction and says so on stdout, so a test can kill -9 it exactly there (no timing guesses).
export async function testPause(point: 'seal' | 'install'): Promise<void> {
	if (process.env.COSMOS_STORE_TEST_PAUSE !== point) {
		return;
	}

	process.stdout.write(`paused at ${point}\n`);
	setInterval(() => undefined, 60_000);
	await new Promise(() => undefined);
}
