// The channel limiter: never more than its size at once, waiters in order, aborted waiters leave.
import test from 'ava';
import {ChannelLimiter} from '../../source/executor/channel-limiter.js';

test('never more than size at once; all work finishes', async t => {
	const limiter = new ChannelLimiter(3);
	let running = 0;
	let peak = 0;
	const gates: Array<() => void> = [];
	const work = Array.from({length: 10}, () =>
		limiter.run(async () => {
			running++;
			peak = Math.max(peak, running);
			await new Promise<void>(resolve => gates.push(resolve));
			running--;
		}),
	);
	while (gates.length > 0 || limiter.waiting > 0) {
		await new Promise(resolve => setImmediate(resolve));
		gates.shift()?.();
	}
	await Promise.all(work);
	t.is(peak, 3);
	t.is(limiter.available, 3);
});

test('waiters are served in order, and an aborted waiter leaves the queue', async t => {
	const limiter = new ChannelLimiter(1);
	const release = await limiter.acquire();
	const order: string[] = [];
	const abort = new AbortController();
	const a = limiter.acquire().then(r => (order.push('a'), r));
	const b = limiter.acquire(abort.signal);
	const c = limiter.acquire().then(r => (order.push('c'), r));
	abort.abort();
	await t.throwsAsync(b, {name: 'AbortError'});
	release();
	(await a)();
	(await c)();
	t.deepEqual(order, ['a', 'c']);
	t.is(limiter.available, 1);
});

test('releasing twice frees one slot only', async t => {
	const limiter = new ChannelLimiter(1);
	const release = await limiter.acquire();
	release();
	release();
	t.is(limiter.available, 1);
});
