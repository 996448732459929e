// Which GPUs each container on a sandbox host was given, read as root on this machine.
//
//   const sandbox = await startSandboxHost({gpus: 4, busyGpus: [2]});
//   ... runs start with `docker run --gpus '"device=1,3"' ...` ...
//   await containerGpus(sandbox) // [{name: 'cosmos-run-1', runId: 'run-1', gpus: '1,3', state: 'running'}, ...]
//
// The sandbox's docker turns `--gpus X` into a label cosmos-sim.gpus (and NVIDIA_VISIBLE_DEVICES)
// with Docker's meaning of X: `all`, `N` -> `0,...,N-1`, `device=0` -> `0`, `"device=1,3"` -> `1,3`
// (see sandbox/host/docker-as-root.sh); podman itself ignores --gpus.
import {readFile} from 'node:fs/promises';
import {execa} from 'execa';
import {PODMAN} from '../../sandbox/host/machine.js';
import type {SandboxHost} from '../../sandbox/host/sandbox-host.js';

export {gpuCsv} from '../../sandbox/host/sandbox-files.js';

export type ContainerGpus = {
	name: string;
	/** The `cosmos-tui.run` label, null without one. */
	runId: string | null;
	/** `all`, a list like `1,3`, or '' when started without --gpus. */
	gpus: string;
	/** podman's state: created, running, exited, ... */
	state: string;
};

/** Every container (running or not) with a bind mount from the sandbox's folder. */
export async function containerGpus(sandbox: SandboxHost): Promise<ContainerGpus[]> {
	const env = {...process.env, CONTAINERS_CONF: sandbox.containersConfPath};
	const ids = (await execa(PODMAN, ['ps', '-aq', '--no-trunc'], {env})).stdout.split('\n').filter(Boolean);
	if (ids.length === 0) return [];
	const format = '{{.Name}}\t{{index .Config.Labels "cosmos-sim.gpus"}}\t{{index .Config.Labels "cosmos-tui.run"}}\t{{.State.Status}}{{range .Mounts}}\t{{.Source}}{{end}}';
	const inspected = await execa(PODMAN, ['inspect', '--format', format, ...ids], {env, reject: false});
	// A container removed since `ps` is not an error.
	if (inspected.exitCode !== 0 && !/no such/i.test(inspected.stderr)) throw new Error(`podman inspect failed: ${inspected.stderr}`);
	return inspected.stdout
		.split('\n')
		.filter(Boolean)
		.map(line => line.split('\t'))
		.filter(([, , , , ...sources]) => sources.some(source => source === sandbox.dir || source.startsWith(`${sandbox.dir}/`)))
		.map(([name = '', gpus = '', runId = '', state = '']) => ({name, runId: runId || null, gpus, state}));
}

/** podman's own record of container events (rootful podman with events_logger = "file"). */
const EVENTS_LOG = '/run/libpod/events/events.log';

export type ContainerEvent = {time: number; status: string; name: string; runId: string | null; gpus: string};

/** Every event of cosmos-tui containers since `sinceMs`: create, start, died, remove... */
export async function containerEvents(sinceMs: number): Promise<ContainerEvent[]> {
	const text = await readFile(EVENTS_LOG, 'utf8');
	const events: ContainerEvent[] = [];
	for (const line of text.split('\n')) {
		if (!line.includes('"cosmos-tui.run"')) continue;
		const event = JSON.parse(line) as {Name: string; Status: string; Time: string; Attributes?: Record<string, string>};
		const time = Date.parse(event.Time);
		if (time < sinceMs) continue;
		events.push({time, status: event.Status, name: event.Name, runId: event.Attributes?.['cosmos-tui.run'] ?? null, gpus: event.Attributes?.['cosmos-sim.gpus'] ?? ''});
	}
	return events;
}
