// Copies a run's saved log next to where cosmos-tui was started, so it can be shared or grepped.
// Not UI code: the UI gets it injected (launchUi options).
import {copyFile, stat} from 'node:fs/promises';
import path from 'node:path';

export type SaveLog = (logPath: string, runId: string) => Promise<string>;

export function saveLogInto(folder: string): SaveLog {
	return async (logPath, runId) => {
		const info = await stat(logPath).catch(() => null);
		if (!info?.isFile()) throw new Error(`run ${runId} has no saved log yet`);
		const target = path.resolve(folder, `${runId}.log`);
		await copyFile(logPath, target);
		return target;
	};
}
