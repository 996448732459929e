// Waits for a condition by polling it (never a fixed delay): UI updates arrive through timers
// (20 Hz flushes) and promises, so tests wait for what they expect to see.
export async function waitFor(condition: () => boolean, options: {timeoutMs?: number; message?: () => string} = {}): Promise<void> {
	const deadline = Date.now() + (options.timeoutMs ?? 10_000);
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`waitFor: condition not met in time${options.message ? `\n${options.message()}` : ''}`);
		await new Promise(resolve => setTimeout(resolve, 5));
	}
}
