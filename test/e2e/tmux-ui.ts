// The real cosmos-tui in a tmux server of our own (other tmux users on the machine are not
// touched): keys go in with send-keys, the screen comes back with capture-pane. Shared by the
// end-to-end tests under test/e2e.
import {execFileSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import path from 'node:path';
import {REPO_ROOT} from '../helpers/temp.js';
import {waitFor} from '../ui/helpers/wait-for.js';

export type TmuxUi = {
	/** A tmux command on our server; '' when it fails (no server yet, or gone). */
	tmux(...args: string[]): string;
	/** The screen as text. */
	screen(): string;
	/** The screen with its styles as escape sequences (capture-pane -e). */
	styledScreen(): string;
	keys(...names: string[]): string;
	type(text: string): string;
	/** Waits until the screen meets `condition`; resolves with the screen. */
	see(condition: (text: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
	/** Starts the UI with this config in a session of the given size; `env` is set for it, `unset` taken away. */
	start(config: string, options?: {columns?: number; rows?: number; env?: Record<string, string>; unset?: readonly string[]; entry?: string}): void;
	/** Ends the session and the server. */
	kill(): void;
};

export function hasTmux(): boolean {
	try {
		execFileSync('tmux', ['-V'], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
}

export function tmuxUi(session = 'ui'): TmuxUi {
	const socket = `cosmos-tui-e2e-${randomBytes(4).toString('hex')}`;
	const tmux = (...args: string[]) => {
		try {
			return execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
		} catch {
			return '';
		}
	};
	const screen = () => tmux('capture-pane', '-p', '-t', session);
	return {
		tmux,
		screen,
		styledScreen: () => tmux('capture-pane', '-e', '-p', '-t', session),
		keys: (...names) => tmux('send-keys', '-t', session, ...names),
		type: text => tmux('send-keys', '-t', session, '-l', text),
		async see(condition, what, timeoutMs = 60_000) {
			await waitFor(() => condition(screen()), {timeoutMs, message: () => `${what}; the screen:\n${screen()}`});
			return screen();
		},
		start(config, {columns = 160, rows = 45, env = {}, unset = [], entry} = {}) {
			const tsx = import.meta.resolve('tsx');
			// The sources through tsx, or a built entry (the bundled bin) with plain node.
			const program = entry === undefined ? `--import ${tsx} ${path.join('source', 'cli', 'main.ts')}` : entry;
			// As on a user's terminal, not in CI: with CI set Ink draws only the last frame, and its
			// chalk draws no styles at all (even CI=false counts). The shell stays after the UI exits,
			// so its last words can be read.
			const cleared = ['CI', 'CONTINUOUS_INTEGRATION', ...unset].map(name => `unset ${name}; `).join('');
			const command = `${cleared}cd ${REPO_ROOT} && node ${program} --config ${config}; echo "EXITED $?"; sleep 600`;
			const variables = Object.entries({TERM: 'xterm-256color', ...env}).flatMap(([name, value]) => ['-e', `${name}=${value}`]);
			tmux('new-session', '-d', '-s', session, '-x', String(columns), '-y', String(rows), ...variables, command);
		},
		kill: () => {
			tmux('kill-server');
		},
	};
}

/**
 * The background worker the UI started goes on after the UI quits (a run may still be going): stop
 * it by the pid its lease names (it works from the repository, not the test's folder), so it
 * neither outlives the sandbox nor writes into a folder being removed.
 */
export async function stopUiWorker(config: string): Promise<void> {
	let pid: number | undefined;
	try {
		const tsx = import.meta.resolve('tsx');
		const queue = execFileSync(process.execPath, ['--import', tsx, path.join(REPO_ROOT, 'source/cli/main.ts'), '--config', config, 'queue', '--json'], {cwd: REPO_ROOT, encoding: 'utf8'});
		pid = (JSON.parse(queue) as {worker: {pid: number} | null}).worker?.pid;
	} catch {
		return;
	}
	if (pid === undefined || pid === process.pid) return;
	const alive = () => {
		try {
			process.kill(pid, 0);
			return true;
		} catch {
			return false;
		}
	};
	process.kill(pid, 'SIGTERM');
	await waitFor(() => !alive(), {timeoutMs: 30_000}).catch(() => process.kill(pid, 'SIGKILL'));
}
