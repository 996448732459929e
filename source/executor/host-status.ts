// The host's state for `cosmos-tui host status` and the TUI: connection, Docker, every GPU, and the
// cosmos-tui containers. Each part fails on its own and becomes a note, not an exception.
import {dockerPsArgs, dockerVersionArgs, parsePsOutput} from './docker-command.js';
import type {GpuInfo, HostStatus} from './executor.js';
import type {HostShell} from './host-shell.js';
import {UnknownHostKeyError} from './ssh-connect.js';

export const NVIDIA_SMI_ARGS = [
	'nvidia-smi',
	'--query-gpu=index,name,memory.used,memory.total,utilization.gpu,temperature.gpu',
	'--format=csv,noheader,nounits',
];

/** "[N/A]", "N/A", "[Not Supported]" and empty fields become null. */
function numberOrNull(field: string | undefined): number | null {
	const text = (field ?? '').trim();
	if (text === '' || /^\[?(?:N\/A|Not Supported|Unknown Error)\]?$/i.test(text)) return null;
	const value = Number(text);
	return Number.isFinite(value) ? value : null;
}

/** One GPU per line of `nvidia-smi --query-gpu=... --format=csv,noheader,nounits`. */
export function parseNvidiaSmi(output: string): GpuInfo[] {
	const gpus: GpuInfo[] = [];
	for (const line of output.split('\n')) {
		if (line.trim() === '') continue;
		const fields = line.split(',').map(field => field.trim());
		// A GPU name could hold a comma: the first field is the index, the last four are numbers.
		if (fields.length < 6) continue;
		const index = numberOrNull(fields[0]);
		if (index === null) continue;
		const tail = fields.slice(-4);
		gpus.push({
			index,
			name: fields.slice(1, -4).join(', '),
			memoryUsedMiB: numberOrNull(tail[0]),
			memoryTotalMiB: numberOrNull(tail[1]),
			utilizationPercent: numberOrNull(tail[2]),
			temperatureC: numberOrNull(tail[3]),
		});
	}
	return gpus;
}

const firstLine = (text: string): string => text.trim().split('\n').find(line => line.trim() !== '')?.trim() ?? '';

export async function gatherStatus(shell: HostShell, docker: string, host: string): Promise<HostStatus> {
	const status: HostStatus = {host, connected: false, docker: {ok: false, detail: 'not connected'}, gpus: [], containers: []};
	const [version, smi, ps] = await Promise.allSettled([shell.exec(dockerVersionArgs(docker)), shell.exec(NVIDIA_SMI_ARGS), shell.exec(dockerPsArgs(docker))]);
	// exec only rejects when the command could not be run at all: no connection (or a refused one).
	if (version.status === 'rejected' && smi.status === 'rejected' && ps.status === 'rejected') {
		status.error = (version.reason as Error).message;
		if (version.reason instanceof UnknownHostKeyError) status.unknownHostKey = version.reason.key;
		return status;
	}
	status.connected = true;
	const problems: string[] = [];
	if (version.status === 'fulfilled' && version.value.code === 0) {
		status.docker = {ok: true, detail: `${docker} ${firstLine(version.value.stdout)}`};
	} else {
		const detail = version.status === 'fulfilled' ? firstLine(version.value.stderr) || firstLine(version.value.stdout) || `exit ${version.value.code}` : (version.reason as Error).message;
		status.docker = {ok: false, detail};
		problems.push(`docker: ${detail}`);
	}
	if (smi.status === 'fulfilled' && smi.value.code === 0) {
		status.gpus = parseNvidiaSmi(smi.value.stdout);
		if (status.gpus.length === 0) problems.push('nvidia-smi lists no GPU');
	} else {
		const detail = smi.status === 'fulfilled' ? firstLine(smi.value.stdout) || firstLine(smi.value.stderr) || `exit ${smi.value.code}` : (smi.reason as Error).message;
		problems.push(`nvidia-smi: ${detail}`);
	}
	if (ps.status === 'fulfilled' && ps.value.code === 0) status.containers = parsePsOutput(ps.value.stdout);
	if (problems.length > 0) status.error = problems.join('; ');
	return status;
}
