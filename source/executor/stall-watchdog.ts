// Flags a run that has printed nothing for a while (a hung NCCL collective prints nothing for 30
// minutes before it fails). One timer, re-armed lazily, so a flood of output costs a timestamp each.

export type StallWatchdog = {
	/** Output arrived. */
	activity(): void;
	stop(): void;
};

export function createStallWatchdog(stallMs: number, onChange: (stalled: boolean) => void, now: () => number = Date.now): StallWatchdog {
	let last = now();
	let stalled = false;
	let stopped = false;
	let timer: NodeJS.Timeout | undefined;

	const arm = (delay: number) => {
		timer = setTimeout(check, Math.max(0, delay));
		timer.unref();
	};
	function check(): void {
		if (stopped) return;
		const quiet = now() - last;
		if (quiet < stallMs) return arm(stallMs - quiet);
		if (!stalled) {
			stalled = true;
			onChange(true);
		}
		// Nothing more to check until activity() re-arms.
		timer = undefined;
	}
	arm(stallMs);

	return {
		activity() {
			last = now();
			if (stalled) {
				stalled = false;
				onChange(false);
			}
			if (!timer && !stopped) arm(stallMs);
		},
		stop() {
			stopped = true;
			clearTimeout(timer);
		},
	};
}
