// Everything the UI needs besides React: the service, the live data, queue and log stores fed by
// its events, the log tails of active runs, and the injected system functions (open a file, save
// a log, complete a path). launchUi builds one; tests and the bench build their own.
import {DEFAULT_PARAMETERS, DEFAULT_WEIGHTS} from '../../domain/model.js';
import {TypedEmitter} from '../../service/events.js';
import type {WorkflowService} from '../../service/workflow-service.js';
import type {SetupInfo} from '../state/setup-guide.js';
import type {Settings} from '../state/weights-form.js';
import type {NotifyMode} from '../../format/notify.js';
import {copyWithOsc52, type CopyText, type TerminalWrite} from '../system/clipboard.js';
import {completeFolderPath, type CompletePath} from '../system/complete-path.js';
import {notifyOnTerminal, type NotifyRunEnded} from '../system/notify-terminal.js';
import {openWithSystemPlayer, type OpenFile} from '../system/open-file.js';
import {saveLogInto, type SaveLog} from '../system/save-log.js';
import {LiveData, type LiveDataOptions} from './live-data.js';
import {LogStore, type LogStoreOptions} from './log-store.js';
import {LogTails} from './log-tails.js';
import {QueueWatch, type QueueWatchOptions} from './queue-watch.js';
import {RunEndNotifier} from './run-end-notifier.js';

export type SystemFunctions = {
	openFile: OpenFile;
	/** Opens a folder with the file manager (default: the same opener as openFile). */
	openFolder: OpenFile;
	saveLog: SaveLog;
	completePath: CompletePath;
	/** Copies text to the user's clipboard through the terminal (OSC 52); says how. */
	copyText: CopyText;
	/** The bell or a desktop notification when a run ends. */
	notifyRunEnded: NotifyRunEnded;
};

/** The terminal the escape sequences (clipboard, notifications) go to, and the environment that says which it is. */
export type TerminalOptions = {write: TerminalWrite; env: NodeJS.ProcessEnv; notify?: NotifyMode};

export type Notices = TypedEmitter<{notice: {text: string; tone: 'info' | 'error'}}>;

export type UiRuntime = {
	service: WorkflowService;
	live: LiveData;
	queue: QueueWatch;
	logs: LogStore;
	tails: LogTails;
	notices: Notices;
	system: SystemFunctions;
	/** Rings or notifies when a run seen active here ends. */
	runEnds: RunEndNotifier;
	/** Where the config was looked for: the start screen's guide when no GPU host is configured. */
	setup: SetupInfo;
	/** What the launch form starts from. */
	defaults: Settings;
	close(): void;
};

export type RuntimeOptions = {
	service: WorkflowService;
	system?: Partial<SystemFunctions>;
	/** Default: none (nothing is written); the session passes its stdout and process.env. */
	terminal?: TerminalOptions;
	/** Where the config was looked for (the no-host screen lists it). */
	setup?: SetupInfo;
	defaults?: Settings;
	live?: LiveDataOptions;
	queue?: QueueWatchOptions;
	logs?: LogStoreOptions;
};

/** Reads the store, starts listening, checks the hosts, and makes sure a worker runs the queue. */
export function startRuntime(runtime: UiRuntime): void {
	runtime.live.start();
	runtime.queue.start();
	runtime.runEnds.start();
}

export function createRuntime(options: RuntimeOptions): UiRuntime {
	const notices: Notices = new TypedEmitter();
	const notice = (text: string, tone: 'info' | 'error') => notices.emit('notice', {text, tone});
	const logs = new LogStore(options.service, options.logs);
	const live = new LiveData(options.service, notice, options.live);
	const queue = new QueueWatch(options.service, notice, options.queue);
	const tails = new LogTails(options.service, logs, notice);
	const offWorker = queue.onWorkerHere(here => tails.setWorkerHere(here));
	// No terminal given (tests, the bench): the sequences go nowhere; the session passes its stdout.
	const terminal = options.terminal ?? {write: () => {}, env: {}};
	const system: SystemFunctions = {
		openFile: options.system?.openFile ?? openWithSystemPlayer,
		openFolder: options.system?.openFolder ?? openWithSystemPlayer,
		saveLog: options.system?.saveLog ?? saveLogInto(process.cwd()),
		completePath: options.system?.completePath ?? (typed => completeFolderPath(typed)),
		copyText: options.system?.copyText ?? copyWithOsc52(terminal.write, terminal.env),
		notifyRunEnded: options.system?.notifyRunEnded ?? notifyOnTerminal(terminal.write, terminal.notify ?? 'auto', terminal.env),
	};
	const runEnds = new RunEndNotifier(options.service, run => system.notifyRunEnded(run));
	return {
		service: options.service,
		live,
		queue,
		logs,
		tails,
		notices,
		system,
		runEnds,
		setup: options.setup ?? {configFiles: [], configSource: null, invocation: 'cosmos-tui'},
		defaults: options.defaults ?? {weights: {...DEFAULT_WEIGHTS}, parameters: {...DEFAULT_PARAMETERS}},
		close() {
			offWorker();
			runEnds.close();
			live.close();
			queue.close();
			logs.close();
		},
	};
}
