// Entry point of the full-screen UI, called by the command line when no command is given.
// React and Ink are loaded only here, after NODE_ENV is set: React picks its (several times
// slower) development build unless NODE_ENV says production.
import type {SessionOptions} from './session.js';

export type LaunchUiOptions = SessionOptions;

/** Runs the UI until the user quits; resolves with the process exit code. */
export async function launchUi(options: LaunchUiOptions): Promise<number> {
	process.env['NODE_ENV'] ??= 'production';
	const {runSession} = await import('./session.js');
	return runSession(options);
}
