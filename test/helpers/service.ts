// A WorkflowService on a real store in a temporary folder, with fake executors as its GPU hosts.
// startWorker() runs the scheduler in this process (as `cosmos-tui worker` would).
import {DEFAULT_CONFIG, type Config} from '../../source/config/schema.js';
import {type Run, isActive} from '../../source/domain/model.js';
import type {HostBackend} from '../../source/service/scheduler/host-pool.js';
import {WorkflowService} from '../../source/service/workflow-service.js';
import {type Store, openStore} from '../../source/store/index.js';
import {FakeExecutor} from './fake-executor.js';
import {sampleInputs, tempDir} from './temp.js';

export type ServiceFixture = {
	service: WorkflowService;
	/** The first host's executor ("fake", 2 GPUs). */
	executor: FakeExecutor;
	executors: FakeExecutor[];
	/** The service's store (to write states a crash would leave). */
	store: Store;
	dataDir: string;
	inputs: string;
	dir: string;
	/** Runs the dispatcher in this process until stop() (or cleanup). */
	startWorker: () => {stop: () => Promise<void>};
	/** Runs a queued run to its end with an in-process worker (started if none runs). */
	runToEnd: (id: string) => Promise<Run>;
	/** Resolves when the run satisfies the predicate (checked on every store change). */
	waitForRun: (id: string, predicate: (run: Run) => boolean) => Promise<Run>;
	cleanup: () => Promise<void>;
};

export type FixtureOptions = {
	configure?: (config: Config) => void;
	/** Hosts by name with their GPU count (default: one host "fake" with 2 GPUs). */
	hosts?: Array<{name: string; gpus: number; cluster?: {maxSubmitted: number}}>;
	/** Real hosts instead of fakes (made once the temp folder exists). */
	backends?: (dir: string) => HostBackend[];
};

/** A fixture cleaned up when the test ends, passed or failed (a failed assertion leaves no worker running). */
export async function fixtureFor(t: {teardown(fn: () => Promise<void>): void}, options: FixtureOptions | ((config: Config) => void) = {}): Promise<ServiceFixture> {
	const fixture = await serviceFixture(options);
	t.teardown(fixture.cleanup);
	return fixture;
}

export async function serviceFixture(options: FixtureOptions | ((config: Config) => void) = {}): Promise<ServiceFixture> {
	const {configure = () => {}, hosts = [{name: 'fake', gpus: 2}], backends} = typeof options === 'function' ? {configure: options} : options;
	const {dir, cleanup} = await tempDir();
	const dataDir = `${dir}/data`;
	const config = structuredClone(DEFAULT_CONFIG);
	config.scheduler.lease_seconds = 2;
	configure(config);
	const executors = hosts.map(host => new FakeExecutor(host.name));
	const store = await openStore(dataDir);
	const service = new WorkflowService({
		store,
		config,
		dataDir,
		hosts: backends?.(dir) ?? hosts.map((host, index) => ({
			name: host.name,
			gpus: Array.from({length: host.gpus}, (_, gpu) => gpu),
			executor: async () => executors[index]!,
			...(host.cluster ? {cluster: host.cluster} : {}),
		})),
	});
	const inputs = await sampleInputs(dir);
	const workers: Array<() => Promise<void>> = [];
	const fixture: ServiceFixture = {
		service,
		executor: executors[0]!,
		executors,
		store,
		dataDir,
		inputs,
		dir,
		startWorker() {
			const abort = new AbortController();
			const done = service.runWorker({signal: abort.signal});
			const stop = async () => {
				abort.abort();
				await done;
			};
			workers.push(stop);
			return {stop};
		},
		async runToEnd(id) {
			if (workers.length === 0) fixture.startWorker();
			return fixture.waitForRun(id, run => !isActive(run.status));
		},
		waitForRun(id, predicate) {
			return new Promise((resolve, reject) => {
				const check = () => {
					const run = service.getRun(id);
					if (!predicate(run)) return false;
					off();
					resolve(run);
					return true;
				};
				const off = service.events.on('run-updated', () => {
					try {
						check();
					} catch (error) {
						off();
						reject(error);
					}
				});
				check();
			});
		},
		async cleanup() {
			await Promise.all(workers.map(stop => stop()));
			await service.close();
			await store.close();
			await cleanup();
		},
	};
	return fixture;
}
