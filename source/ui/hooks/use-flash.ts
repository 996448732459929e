// Transient messages in the bottom bar: notices from the runtime come in as 'flash' actions, and
// each message clears itself after a few seconds (errors stay a little longer).
import {useEffect, type Dispatch} from 'react';
import type {Notices} from '../data/runtime.js';
import type {AppAction, Flash} from '../state/app-state.js';

const INFO_MS = 5000;
const ERROR_MS = 9000;

export function useFlash(flash: Flash | null, notices: Notices, dispatch: Dispatch<AppAction>): void {
	useEffect(() => notices.on('notice', ({text, tone}) => dispatch({type: 'flash', text, tone})), [notices, dispatch]);
	useEffect(() => {
		if (!flash) return;
		const timer = setTimeout(() => dispatch({type: 'flash-clear', seq: flash.seq}), flash.tone === 'error' ? ERROR_MS : INFO_MS);
		return () => clearTimeout(timer);
	}, [flash, dispatch]);
}
