// Picks and builds the Executor the configuration asks for.
import type {Config} from '../config/schema.js';
import {HostError} from '../domain/errors.js';
import type {Executor} from './executor.js';

export type ExecutorOptions = {acceptNewHostKey: boolean; env: NodeJS.ProcessEnv};

export async function createExecutor(config: Config, _options: ExecutorOptions): Promise<Executor> {
	throw new HostError(`running on the GPU host (${config.remote.host}) is not available in this version yet`);
}
