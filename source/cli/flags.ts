// Every flag the command line knows, and the parsing of values that need more than meow's types.
import {UsageError} from '../domain/errors.js';
import {RUN_STATUSES, type Parameters, type RunStatus} from '../domain/model.js';
import {checkParameter, parseDecimal, parseWeightsFlag} from '../domain/validate.js';
import type {RunChanges, SubmitOptions} from '../service/workflow-service.js';

// Numbers are read as strings so a bad value gets our own clear message instead of NaN.
export const FLAGS = {
	dataDir: {type: 'string'},
	config: {type: 'string'},
	json: {type: 'boolean'},
	help: {type: 'boolean', shortFlag: 'h'},
	version: {type: 'boolean'},
	name: {type: 'string'},
	negative: {type: 'string'},
	weights: {type: 'string', shortFlag: 'w'},
	steps: {type: 'string'},
	guidance: {type: 'string'},
	seed: {type: 'string'},
	fps: {type: 'string'},
	sigmaMax: {type: 'string'},
	blurStrength: {type: 'string'},
	cannyThreshold: {type: 'string'},
	gpus: {type: 'string'},
	detach: {type: 'boolean', shortFlag: 'd'},
	status: {type: 'string'},
	prompt: {type: 'string'},
	limit: {type: 'string'},
	yes: {type: 'boolean', shortFlag: 'y'},
	force: {type: 'boolean'},
	keepOutputs: {type: 'boolean'},
	follow: {type: 'boolean', shortFlag: 'f'},
	tail: {type: 'string'},
	acceptNewHostKey: {type: 'boolean'},
	priority: {type: 'string'},
	host: {type: 'string'},
	top: {type: 'boolean'},
	up: {type: 'boolean'},
	down: {type: 'boolean'},
	bottom: {type: 'boolean'},
	once: {type: 'boolean'},
	max: {type: 'string'},
	dryRun: {type: 'boolean'},
	out: {type: 'string'},
	rating: {type: 'string'},
	weight: {type: 'string'},
	enhance: {type: 'boolean'},
	sort: {type: 'string'},
	fix: {type: 'boolean'},
	vis: {type: 'string'},
	edge: {type: 'string'},
	depth: {type: 'string'},
	seg: {type: 'string'},
	user: {type: 'string'},
	port: {type: 'string'},
	sshKey: {type: 'string'},
	knownHosts: {type: 'string'},
	remoteDir: {type: 'string'},
	image: {type: 'string'},
	dockerCommand: {type: 'string'},
} as const;

export type FlagName = keyof typeof FLAGS;

export type Flags = {
	[K in FlagName]?: (typeof FLAGS)[K]['type'] extends 'boolean' ? boolean : string;
};

export const GLOBAL_FLAGS: readonly FlagName[] = ['dataDir', 'config', 'help', 'version'];
/** How a run joins the queue: every command that submits takes these. */
export const SUBMIT_FLAGS: readonly FlagName[] = ['priority', 'host', 'detach', 'json', 'acceptNewHostKey'];
export const RUN_FLAGS: readonly FlagName[] = [
	'weights', 'steps', 'guidance', 'seed', 'fps', 'sigmaMax', 'blurStrength', 'cannyThreshold', 'gpus', 'enhance', ...SUBMIT_FLAGS,
];

export const kebab = (name: string) => `--${name.replaceAll(/[A-Z]/g, c => `-${c.toLowerCase()}`)}`;

const PARAMETER_FLAGS: Array<[FlagName, keyof Parameters, 'number' | 'text']> = [
	['steps', 'num_steps', 'number'],
	['guidance', 'guidance', 'number'],
	['seed', 'seed', 'number'],
	['fps', 'fps', 'number'],
	['sigmaMax', 'sigma_max', 'number'],
	['gpus', 'num_gpus', 'number'],
	['blurStrength', 'blur_strength', 'text'],
	['cannyThreshold', 'canny_threshold', 'text'],
];

/** Weights and parameters from the run flags; only what was given. */
export function runChanges(flags: Flags): RunChanges {
	const parameters: Record<string, unknown> = {};
	for (const [flag, key, kind] of PARAMETER_FLAGS) {
		const text = flags[flag];
		if (typeof text !== 'string') continue;
		const parsed = checkParameter(key, kind === 'number' ? parseDecimal(text) : text);
		if (!parsed.ok) throw new UsageError(`${kebab(flag)} must be ${parsed.expected}, got "${text}"`);
		parameters[key] = parsed.value;
	}
	return {
		parameters: parameters as Partial<Parameters>,
		weights: flags.weights === undefined ? {} : parseWeightsFlag(flags.weights),
		...(flags.enhance && {enhance: true}),
	};
}

export function limitFlag(flags: Flags, fallback: number): number {
	if (flags.limit === undefined) return fallback;
	const value = parseDecimal(flags.limit);
	if (!Number.isInteger(value) || value < 1 || value > 100_000) {
		throw new UsageError(`--limit must be a whole number from 1 to 100000, got "${flags.limit}"`);
	}
	return value;
}

export function statusFlag(flags: Flags): RunStatus | undefined {
	if (flags.status === undefined) return undefined;
	if (!(RUN_STATUSES as readonly string[]).includes(flags.status)) {
		throw new UsageError(`--status must be one of ${RUN_STATUSES.join(', ')}, got "${flags.status}"`);
	}
	return flags.status as RunStatus;
}

/** --priority and --host. */
export function submitOptions(flags: Flags): SubmitOptions {
	const options: SubmitOptions = {};
	if (flags.priority !== undefined) {
		const priority = parseDecimal(flags.priority);
		if (!Number.isInteger(priority)) throw new UsageError(`--priority must be a whole number, got "${flags.priority}"`);
		options.priority = priority;
	}
	if (flags.host !== undefined) options.host = flags.host;
	return options;
}
