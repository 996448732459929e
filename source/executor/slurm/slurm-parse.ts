// Parsers for what Slurm's commands print (shapes from Slurm 22.05, captured from the test cluster:
// test/slurm/fixtures/slurm-parse/). Pure; each returns what it could read and skips the rest.
// Values from the host are returned as read; whoever shows them passes them through the sanitizer.

/** Slurm's ExitCode "code:signal" ("3:0" exit 3; "0:15" ended by SIGTERM). */
export type SlurmExitCode = {code: number; signal: number};

/** `squeue -h -o '%i|%j|%T|%r|%N'`: one job per line. */
export const SQUEUE_FORMAT = '%i|%j|%T|%r|%N';
export type SqueueJob = {jobId: string; name: string; state: string; reason: string; nodes: string};

export function parseSqueue(text: string): SqueueJob[] {
	const jobs: SqueueJob[] = [];
	for (const line of lines(text)) {
		const fields = line.split('|');
		if (fields.length < 5) continue;
		// The name is the only field that may hold "|" (not ours: ours are cosmos-tui-<run id>).
		const [jobId, ...rest] = fields;
		const nodes = rest.pop()!;
		const reason = rest.pop()!;
		const state = rest.pop()!;
		if (!/^\d+(?:_\d+)?$/.test(jobId!.trim())) continue;
		jobs.push({jobId: jobId!.trim(), name: rest.join('|'), state: state.trim(), reason: reason.trim(), nodes: nodes.trim()});
	}
	return jobs;
}

/**
 * One `Key=Value` record per line (`scontrol show job -o`, `scontrol show node -o`). A value holding
 * spaces (a Reason text, the node's OS) keeps the words up to the next `Key=`.
 */
export function parseScontrolRecords(text: string): Array<Record<string, string>> {
	return lines(text).map(line => {
		const record: Record<string, string> = {};
		let last = '';
		for (const token of line.trim().split(/\s+/)) {
			const match = /^([A-Za-z][\w:/.]*)=(.*)$/.exec(token);
			if (match) {
				last = match[1]!;
				record[last] = match[2]!;
			} else if (last) {
				record[last] += ` ${token}`;
			}
		}
		return record;
	});
}

export type ScontrolJob = {
	jobId: string;
	name: string;
	/** PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, NODE_FAIL, PREEMPTED, OUT_OF_MEMORY… */
	state: string;
	/** Why it waits or ended: Resources, Priority, None, NonZeroExitCode, TimeLimit, NodeDown… */
	reason: string;
	exitCode: SlurmExitCode;
	/** StdOut: the --output file, patterns expanded ('' when not shown). */
	stdout: string;
	/** NodeList ('' while pending). */
	nodes: string;
	/** Every field as printed. */
	fields: Record<string, string>;
};

/** `scontrol show job -o <id>`: the first record, or null when there is none (an unknown job prints an error instead). */
export function parseScontrolJob(text: string): ScontrolJob | null {
	const fields = parseScontrolRecords(text).find(record => record['JobId'] !== undefined && record['JobState'] !== undefined);
	if (!fields) return null;
	return {
		jobId: fields['JobId']!,
		name: fields['JobName'] ?? '',
		state: fields['JobState']!,
		reason: fields['Reason'] ?? '',
		exitCode: parseExitCode(fields['ExitCode'] ?? '') ?? {code: 0, signal: 0},
		stdout: fields['StdOut'] ?? '',
		nodes: nullable(fields['NodeList'] ?? ''),
		fields,
	};
}

/** "3:0" → {code: 3, signal: 0}; null for anything else. */
export function parseExitCode(text: string): SlurmExitCode | null {
	const match = /^\s*(\d+):(\d+)\s*$/.exec(text);
	return match ? {code: Number(match[1]), signal: Number(match[2])} : null;
}

/** `sacct -n -P -X -j <id> -o JobID,State,ExitCode`: "12|CANCELLED by 1001|0:15". */
export const SACCT_FIELDS = 'JobID,State,ExitCode';
export type SacctJob = {jobId: string; state: string; exitCode: SlurmExitCode; cancelledBy: string | null};

export function parseSacct(text: string): SacctJob[] {
	const jobs: SacctJob[] = [];
	for (const line of lines(text)) {
		const [jobId, stateText, exitText] = line.split('|');
		const exitCode = parseExitCode(exitText ?? '');
		if (!jobId || !stateText || !exitCode) continue;
		const by = /^(\S+)\s+by\s+(\S+)/.exec(stateText.trim());
		jobs.push({jobId: jobId.trim(), state: (by?.[1] ?? stateText.trim()).replace(/\+$/, ''), exitCode, cancelledBy: by?.[2] ?? null});
	}
	return jobs;
}

/** `sinfo -h -N -o '%N|%P|%G|%T'`: one line per node and partition. */
export const SINFO_FORMAT = '%N|%P|%G|%T';
export type SinfoNode = {
	node: string;
	partition: string;
	/** The cluster's default partition (sinfo marks it with "*"). */
	defaultPartition: boolean;
	/** As configured: "gpu:2", "gpu:h100:4(S:0-1)", "(null)". */
	gres: string;
	gpus: number;
	/** idle, mixed, allocated, down, drained… ("*": the node does not answer; "~": powered down). */
	state: string;
};

export function parseSinfo(text: string): SinfoNode[] {
	const nodes: SinfoNode[] = [];
	for (const line of lines(text)) {
		const [node, partition, gres, state] = line.split('|').map(field => field.trim());
		if (!node || partition === undefined || gres === undefined || state === undefined) continue;
		const defaultPartition = partition.endsWith('*');
		nodes.push({node, partition: defaultPartition ? partition.slice(0, -1) : partition, defaultPartition, gres, gpus: gpuCount(gres), state});
	}
	return nodes;
}

/**
 * GPUs in a GRES text: "gpu:2" → 2, "gpu:h100:4(S:0-1)" → 4, "gpu:a100:2,gpu:v100:1" → 3,
 * "gpu:1(IDX:0)" → 1, "(null)" or no gpu → 0.
 */
export function gpuCount(gres: string): number {
	let total = 0;
	// Commas also separate the socket list inside "(S:0,1)": drop parentheses first.
	for (const item of gres.replaceAll(/\([^)]*\)/g, '').split(',')) {
		const parts = item.trim().split(':');
		if (parts[0] !== 'gpu' || parts.length < 2) continue;
		const count = Number(parts.at(-1));
		if (Number.isInteger(count) && count >= 0) total += count;
	}
	return total;
}

/** GPU indexes in use from "gpu:2(IDX:0-1)" or "gpu:h100:2(IDX:0,3)"; null when the text has no index list. */
export function gpuIndexes(gresUsed: string): number[] | null {
	const lists = [...gresUsed.matchAll(/(?:^|,)gpu:[^(]*\(IDX:([^)]*)\)/g)].map(match => match[1]!);
	if (lists.length === 0) return null;
	const indexes = new Set<number>();
	for (const list of lists) {
		for (const range of list.split(',')) {
			const [from, to] = range.split('-').map(Number);
			if (from === undefined || !Number.isInteger(from)) continue;
			for (let index = from; index <= (Number.isInteger(to) ? to! : from); index++) indexes.add(index);
		}
	}
	return [...indexes].sort((a, b) => a - b);
}

export type NodeGpus = {
	node: string;
	state: string;
	partitions: string[];
	/** GPUs the node has (Gres). */
	total: number;
	/** GPUs allocated to jobs: GresUsed (`scontrol show node -d`), else AllocTRES gres/gpu=N, else null (not shown). */
	allocated: number | null;
	/** Indexes of the allocated GPUs when Slurm lists them (GresUsed=gpu:1(IDX:0)). */
	allocatedIndexes: number[] | null;
};

/**
 * `scontrol show node -d -o` (or without -d): GPUs per node. Without -d, only AllocTRES tells the
 * allocation, and it names gres/gpu only where the cluster tracks it (AccountingStorageTRES), so
 * -d's GresUsed is the reliable source.
 */
export function parseNodeGpus(text: string): NodeGpus[] {
	return parseScontrolRecords(text)
		.filter(record => record['NodeName'] !== undefined)
		.map(record => {
			const gresUsed = record['GresUsed'];
			const tres = /(?:^|,)gres\/gpu=(\d+)(?:,|$)/.exec(record['AllocTRES'] ?? '');
			const allocated = gresUsed !== undefined ? gpuCount(gresUsed) : tres ? Number(tres[1]) : null;
			return {
				node: record['NodeName']!,
				state: record['State'] ?? '',
				partitions: nullable(record['Partitions'] ?? '').split(',').filter(Boolean),
				total: gpuCount(record['Gres'] ?? ''),
				allocated,
				allocatedIndexes: gresUsed === undefined ? null : gpuIndexes(gresUsed) ?? (allocated === 0 ? [] : null),
			};
		});
}

export type SlurmPartition = {
	name: string;
	/** UP, DOWN, DRAIN, INACTIVE. */
	state: string;
	/** TotalNodes. */
	nodes: number;
	/** The cluster's default partition (Default=YES). */
	default: boolean;
};

/** `scontrol show partition -o`: one partition per line; records without a name are skipped. */
export function parsePartitions(text: string): SlurmPartition[] {
	return parseScontrolRecords(text)
		.filter(record => record['PartitionName'] !== undefined && record['PartitionName'] !== '')
		.map(record => {
			const nodes = Number(record['TotalNodes'] ?? '');
			return {
				name: record['PartitionName']!,
				state: record['State'] ?? '',
				nodes: Number.isInteger(nodes) && nodes >= 0 ? nodes : 0,
				default: record['Default'] === 'YES',
			};
		});
}

/** `sinfo --version`: "slurm-wlm 22.05.8" or "slurm 23.11.4" → the version; null for anything else. */
export function parseSlurmVersion(text: string): string | null {
	return /^slurm(?:-wlm)?\s+(\d+\.\d+(?:\.\d+)?\S*)\s*$/m.exec(text)?.[1] ?? null;
}

const lines = (text: string): string[] => text.split('\n').filter(line => line.trim() !== '');
/** Slurm prints "(null)" for an empty value. */
const nullable = (value: string): string => (value === '(null)' ? '' : value);
