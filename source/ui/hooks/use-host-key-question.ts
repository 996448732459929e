// Asks about a GPU host's unknown key as soon as the host check meets one and no other dialog is
// open: the dialog (host-key-dialog.tsx) shows the fingerprint; y trusts it, n leaves it (R asks again).
import {useEffect, type Dispatch} from 'react';
import type {HostKeyQuestion} from '../data/queue-watch.js';
import type {AppAction} from '../state/app-state.js';

export function useHostKeyQuestion(question: HostKeyQuestion | null, dialogOpen: boolean, dispatch: Dispatch<AppAction>): void {
	useEffect(() => {
		if (question && !dialogOpen) dispatch({type: 'open', modal: {kind: 'host-key', host: question.host, key: question.key, busy: false, error: null}});
	}, [question, dialogOpen, dispatch]);
}
