/* @jsxRuntime automatic @jsxImportSource react */
// The full-screen session: the UI on the given service and terminal, and the terminal given back
// on exit with a note of the runs that go on (queued runs too: the worker carries on without
// the UI). Loaded by launch.ts.
import {render} from 'ink';
import type {ConfigCandidate} from '../config/load-config.js';
import type {NotifyMode} from '../format/notify.js';
import type {WorkflowService} from '../service/workflow-service.js';
import {App} from './components/app.js';
import {createRuntime, startRuntime} from './data/runtime.js';
import type {Settings} from './state/weights-form.js';
import type {CompletePath} from './system/complete-path.js';
import type {OpenFile} from './system/open-file.js';
import type {SaveLog} from './system/save-log.js';
import {enterFullScreen} from './terminal/full-screen.js';
import {INK_OPTIONS} from './terminal/render-options.js';

export type SessionOptions = {
	service: WorkflowService;
	stdin?: NodeJS.ReadStream;
	stdout?: NodeJS.WriteStream;
	/** Opens the output video (default: xdg-open / open, detached). */
	openFile?: OpenFile;
	/** Copies a run's log somewhere and returns where (default: <cwd>/<run-id>.log). */
	saveLog?: SaveLog;
	/** Completes a folder path in the new-prompt form (default: the local file system). */
	completePath?: CompletePath;
	/** What the launch form starts from (default: the domain defaults; pass the config's). */
	defaults?: Settings;
	/** How a run that ends is announced ([ui] notify; default auto: by the terminal). */
	notify?: NotifyMode;
	/** Where the config file is looked for, in order, and the one read (shown when no GPU host is configured). */
	configFiles?: readonly ConfigCandidate[];
	configSource?: string | null;
	/** The command that started us (cosmos-tui, npx cosmos-tui, …), for hints that name a command. */
	invocation?: string;
	/** Mouse reports on ([ui] mouse): the wheel scrolls the pane under the pointer, a click focuses and selects. */
	mouse?: boolean;
};

const SIGNAL_CODES: Partial<Record<NodeJS.Signals, number>> = {SIGINT: 130, SIGTERM: 143};

export async function runSession(options: SessionOptions): Promise<number> {
	const stdout = options.stdout ?? process.stdout;
	const stdin = options.stdin ?? process.stdin;
	const runtime = createRuntime({
		service: options.service,
		defaults: options.defaults,
		system: {openFile: options.openFile, saveLog: options.saveLog, completePath: options.completePath},
		terminal: {write: sequence => void stdout.write(sequence), env: process.env, notify: options.notify},
		setup: {
			configFiles: options.configFiles ?? [],
			configSource: options.configSource ?? null,
			invocation: options.invocation ?? 'cosmos-tui',
			home: process.env['HOME'],
		},
	});
	let unmount = () => {};
	const screen = enterFullScreen(stdout, () => unmount(), {mouse: options.mouse ?? false});
	let failure: unknown = null;
	try {
		// The store is read before the first frame, so that frame is complete.
		startRuntime(runtime);
		const app = render(<App runtime={runtime} />, {...INK_OPTIONS, stdout, stdin, patchConsole: true});
		unmount = () => app.unmount();
		await app.waitUntilExit();
	} catch (error) {
		failure = error;
	} finally {
		await runtime.tails.detach();
		runtime.close();
		screen.restore();
	}
	if (failure) {
		process.stderr.write(`cosmos-tui: the screen failed: ${failure instanceof Error ? (failure.stack ?? failure.message) : String(failure)}\n`);
		return 1;
	}
	stdout.write(farewell(options.service, options.invocation ?? 'cosmos-tui'));
	return screen.signal ? (SIGNAL_CODES[screen.signal] ?? 1) : 0;
}

/** What is still going on when the UI closes: a background worker carries on with these. */
function farewell(service: WorkflowService, invocation: string): string {
	const active = service.activeRuns();
	if (active.length === 0) return '';
	const shown = active.slice(0, 10).map(run => `${run.id} (${run.status})`);
	const list = active.length > shown.length ? `${shown.join(', ')} and ${active.length - shown.length} more` : shown.join(', ');
	const first = active[0]!.id;
	const one = active.length === 1;
	return `cosmos-tui: ${active.length} run${one ? '' : 's'} keep${one ? 's' : ''} going on the host: ${list}.\nOpen ${invocation} again to follow ${one ? 'it' : 'them'}, or: ${invocation} logs ${first} --follow\n`;
}
