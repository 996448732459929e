// Says "a run ended" on the terminal: the bell or a desktop notification (format/notify.ts picks
// and builds the sequence). Not UI code: the UI gets it injected, so tests pass their own writer.
import {chooseNotifyKind, runEndedNotification, type NotifyMode, type RunEnded} from '../../format/notify.js';
import type {TerminalWrite} from './clipboard.js';

export type NotifyRunEnded = (run: RunEnded) => void;

export function notifyOnTerminal(write: TerminalWrite, mode: NotifyMode, env: NodeJS.ProcessEnv): NotifyRunEnded {
	const kind = chooseNotifyKind(mode, env);
	return run => {
		const sequence = runEndedNotification(kind, run);
		if (sequence !== '') write(sequence);
	};
}
