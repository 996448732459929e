// The current time, ticking once a second only while something on screen counts up (a running
// run's elapsed time); otherwise no timer runs at all.
import {useEffect, useState} from 'react';

export function useNow(ticking: boolean, intervalMs = 1000): number {
	const [now, setNow] = useState(() => Date.now());
	useEffect(() => {
		if (!ticking) return;
		setNow(Date.now());
		const timer = setInterval(() => setNow(Date.now()), intervalMs);
		return () => clearInterval(timer);
	}, [ticking, intervalMs]);
	return now;
}
