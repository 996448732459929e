// A WorkflowService on a real store in a temporary folder, with the fake executor.
import {DEFAULT_CONFIG, type Config} from '../../source/config/schema.js';
import {WorkflowService} from '../../source/service/workflow-service.js';
import {openStore} from '../../source/store/index.js';
import {FakeExecutor} from './fake-executor.js';
import {sampleInputs, tempDir} from './temp.js';

export type ServiceFixture = {
	service: WorkflowService;
	executor: FakeExecutor;
	dataDir: string;
	inputs: string;
	dir: string;
	cleanup: () => Promise<void>;
};

export async function serviceFixture(configure: (config: Config) => void = () => {}): Promise<ServiceFixture> {
	const {dir, cleanup} = await tempDir();
	const dataDir = `${dir}/data`;
	const config = structuredClone(DEFAULT_CONFIG);
	configure(config);
	const executor = new FakeExecutor();
	const store = await openStore(dataDir);
	const service = new WorkflowService({store, config, dataDir, executor: async () => executor});
	const inputs = await sampleInputs(dir);
	return {
		service,
		executor,
		dataDir,
		inputs,
		dir,
		async cleanup() {
			await service.close();
			await store.close();
			await cleanup();
		},
	};
}
