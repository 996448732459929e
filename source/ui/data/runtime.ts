// Everything the UI needs besides React: the service, the live data and log stores fed by its
// events, the run supervisor, and the injected system functions (open a file, save a log,
// complete a path). launchUi builds one; tests and the bench build their own.
import {DEFAULT_PARAMETERS, DEFAULT_WEIGHTS} from '../../domain/model.js';
import {TypedEmitter} from '../../service/events.js';
import type {WorkflowService} from '../../service/workflow-service.js';
import type {Settings} from '../state/weights-form.js';
import {completeFolderPath, type CompletePath} from '../system/complete-path.js';
import {openWithSystemPlayer, type OpenFile} from '../system/open-file.js';
import {saveLogInto, type SaveLog} from '../system/save-log.js';
import {LiveData, type LiveDataOptions} from './live-data.js';
import {LogStore, type LogStoreOptions} from './log-store.js';
import {RunSupervisor} from './run-supervisor.js';

export type SystemFunctions = {openFile: OpenFile; saveLog: SaveLog; completePath: CompletePath};

export type Notices = TypedEmitter<{notice: {text: string; tone: 'info' | 'error'}}>;

export type UiRuntime = {
	service: WorkflowService;
	hostLabel: string;
	live: LiveData;
	logs: LogStore;
	supervisor: RunSupervisor;
	notices: Notices;
	system: SystemFunctions;
	/** What the launch form starts from. */
	defaults: Settings;
	close(): void;
};

export type RuntimeOptions = {
	service: WorkflowService;
	hostLabel: string;
	system?: Partial<SystemFunctions>;
	defaults?: Settings;
	live?: LiveDataOptions;
	logs?: LogStoreOptions;
};

/** Reads the store, starts listening, checks the host, and follows the running runs again. */
export function startRuntime(runtime: UiRuntime): void {
	runtime.live.start();
	runtime.supervisor.start();
}

export function createRuntime(options: RuntimeOptions): UiRuntime {
	const notices: Notices = new TypedEmitter();
	const notice = (text: string, tone: 'info' | 'error') => notices.emit('notice', {text, tone});
	const logs = new LogStore(options.service, options.logs);
	const live = new LiveData(options.service, notice, options.live);
	const supervisor = new RunSupervisor(options.service, logs, notice);
	return {
		service: options.service,
		hostLabel: options.hostLabel,
		live,
		logs,
		supervisor,
		notices,
		system: {
			openFile: options.system?.openFile ?? openWithSystemPlayer,
			saveLog: options.system?.saveLog ?? saveLogInto(process.cwd()),
			completePath: options.system?.completePath ?? (typed => completeFolderPath(typed)),
		},
		defaults: options.defaults ?? {weights: {...DEFAULT_WEIGHTS}, parameters: {...DEFAULT_PARAMETERS}},
		close() {
			live.close();
			logs.close();
		},
	};
}
