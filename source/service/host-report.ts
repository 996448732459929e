// A GPU host's status compared with what the store believes: runs without a container, and
// cosmos-tui containers that no run owns.
import type {Run} from '../domain/model.js';
import type {HostStatus} from '../executor/executor.js';
import {UnknownHostKeyError, type UnknownHostKey} from '../executor/ssh-connect.js';
import type {HostPool} from './scheduler/host-pool.js';

export type HostReport = Omit<HostStatus, 'unknownHostKey'> & {
	/** The host's name in the config. */
	name: string;
	/** Runs the store believes are running, with no container on the host. */
	runsWithoutContainer: string[];
	/** cosmos-tui containers on the host that no run in the store owns. */
	containersWithoutRun: HostStatus['containers'];
	/** Not connected because the host's key is not known yet: what to check before trusting it. */
	unknownHostKey: UnknownHostKey | null;
};

export async function hostReport(hosts: HostPool, name: string, activeRuns: readonly Run[], knownRun: (id: string) => boolean): Promise<HostReport> {
	const status = await (await hosts.executor(name)).status().catch((error: unknown): HostStatus => ({
		host: name, connected: false, docker: {ok: false, detail: 'not connected'}, gpus: [], containers: [], error: (error as Error).message,
		...(error instanceof UnknownHostKeyError ? {unknownHostKey: error.key} : {}),
	}));
	const onHost = new Set(status.containers.map(container => container.runId));
	const runsWithoutContainer = status.connected && status.docker.ok
		? activeRuns.filter(run => run.status === 'running' && run.remote?.host === name && !onHost.has(run.id)).map(run => run.id)
		: [];
	const containersWithoutRun = status.containers.filter(container => !knownRun(container.runId));
	return {...status, name, runsWithoutContainer, containersWithoutRun, unknownHostKey: status.unknownHostKey ?? null};
}
