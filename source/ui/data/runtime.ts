// Everything the UI needs besides React: the service, the live data, queue and log stores fed by
// its events, the log tails of active runs, and the injected system functions (open a file, save
// a log, complete a path). launchUi builds one; tests and the bench build their own.
import {DEFAULT_PARAMETERS, DEFAULT_WEIGHTS} from '../../domain/model.js';
import {TypedEmitter} from '../../service/events.js';
import type {WorkflowService} from '../../service/workflow-service.js';
import type {Settings} from '../state/weights-form.js';
import {completeFolderPath, type CompletePath} from '../system/complete-path.js';
import {openWithSystemPlayer, type OpenFile} from '../system/open-file.js';
import {saveLogInto, type SaveLog} from '../system/save-log.js';
import {LiveData, type LiveDataOptions} from './live-data.js';
import {LogStore, type LogStoreOptions} from './log-store.js';
import {LogTails} from './log-tails.js';
import {QueueWatch, type QueueWatchOptions} from './queue-watch.js';

export type SystemFunctions = {openFile: OpenFile; saveLog: SaveLog; completePath: CompletePath};

export type Notices = TypedEmitter<{notice: {text: string; tone: 'info' | 'error'}}>;

export type UiRuntime = {
	service: WorkflowService;
	live: LiveData;
	queue: QueueWatch;
	logs: LogStore;
	tails: LogTails;
	notices: Notices;
	system: SystemFunctions;
	/** What the launch form starts from. */
	defaults: Settings;
	close(): void;
};

export type RuntimeOptions = {
	service: WorkflowService;
	system?: Partial<SystemFunctions>;
	defaults?: Settings;
	live?: LiveDataOptions;
	queue?: QueueWatchOptions;
	logs?: LogStoreOptions;
};

/** Reads the store, starts listening, checks the hosts, and makes sure a worker runs the queue. */
export function startRuntime(runtime: UiRuntime): void {
	runtime.live.start();
	runtime.queue.start();
}

export function createRuntime(options: RuntimeOptions): UiRuntime {
	const notices: Notices = new TypedEmitter();
	const notice = (text: string, tone: 'info' | 'error') => notices.emit('notice', {text, tone});
	const logs = new LogStore(options.service, options.logs);
	const live = new LiveData(options.service, notice, options.live);
	const queue = new QueueWatch(options.service, notice, options.queue);
	const tails = new LogTails(options.service, logs, notice);
	const offWorker = queue.onWorkerHere(here => tails.setWorkerHere(here));
	return {
		service: options.service,
		live,
		queue,
		logs,
		tails,
		notices,
		system: {
			openFile: options.system?.openFile ?? openWithSystemPlayer,
			saveLog: options.system?.saveLog ?? saveLogInto(process.cwd()),
			completePath: options.system?.completePath ?? (typed => completeFolderPath(typed)),
		},
		defaults: options.defaults ?? {weights: {...DEFAULT_WEIGHTS}, parameters: {...DEFAULT_PARAMETERS}},
		close() {
			offWorker();
			live.close();
			queue.close();
			logs.close();
		},
	};
}
