// Where cosmos-tui keeps things on the GPU host, all under <remote_dir>/.cosmos-tui (the container
// sees remote_dir at /workspace):
//   inputs/<sha256>/<role>.mp4    input videos by content, shared by every run (uploaded once)
//   runs/<run-id>/spec.json        the controlnet spec (carries the prompt text: it is a file)
//   runs/<run-id>/launch.json      what launch did (bytes uploaded), read back by follow
//   runs/<run-id>/kill-requested   written by kill(), so any follower reports "cancelled"
//   runs/<run-id>/batch.jsonl      a batch's samples, in the folder of its first run
//   runs/<run-id>/output/          --video_save_folder (written by the container, root-owned);
//                                  a batch's sample i in output/video_<i>/
// A run only ever writes inside its own runs/<run-id>/ and adds to inputs/.
import path from 'node:path';
import type {InputRole} from '../domain/model.js';
import {checkRunId} from './docker-command.js';

export const STATE_DIR = '.cosmos-tui';
export const WORKSPACE = '/workspace';

const SHA256 = /^[0-9a-f]{64}$/;

export function checkSha256(sha: string): string {
	if (!SHA256.test(sha)) throw new Error(`not a sha256 digest: ${JSON.stringify(sha)}`);
	return sha;
}

/** Path of an input video under a root (the host's remote_dir or /workspace). */
export function inputPath(root: string, sha256: string, role: InputRole): string {
	return path.posix.join(root, STATE_DIR, 'inputs', checkSha256(sha256), `${role}.mp4`);
}

export type RunLayout = {
	runDir: string;
	spec: string;
	launchInfo: string;
	killMarker: string;
	outputDir: string;
	/** A batch's samples (JSONL), in its first run's folder. */
	batchInput: string;
};

function layoutUnder(runDir: string): RunLayout {
	return {
		runDir,
		spec: `${runDir}/spec.json`,
		launchInfo: `${runDir}/launch.json`,
		killMarker: `${runDir}/kill-requested`,
		outputDir: `${runDir}/output`,
		batchInput: `${runDir}/batch.jsonl`,
	};
}

/** The run's folder on the host (absolute remote_dir) or in the container (root = /workspace). */
export function runLayout(root: string, runId: string): RunLayout {
	return layoutUnder(path.posix.join(root, STATE_DIR, 'runs', checkRunId(runId)));
}

/** The layout from a RemoteHandle's run_dir, refusing anything that is not a cosmos-tui run folder. */
export function layoutFromRunDir(runDir: string): RunLayout {
	const normal = path.posix.normalize(runDir);
	const parent = path.posix.dirname(normal);
	if (!path.posix.isAbsolute(normal) || normal !== runDir || runDir.endsWith('/') || path.posix.basename(parent) !== 'runs' || path.posix.basename(path.posix.dirname(parent)) !== STATE_DIR) {
		throw new Error(`not a cosmos-tui run folder: ${JSON.stringify(runDir)}`);
	}
	checkRunId(path.posix.basename(normal));
	return layoutUnder(normal);
}

/** `~`, `~/x`, `$HOME/x` and `${HOME}/x` against the login user's home; quoted arguments are never expanded by a shell. */
export function resolveHomePath(configured: string, home: string): string {
	const match = /^(?:~|\$HOME|\$\{HOME\})(?=\/|$)(.*)$/.exec(configured);
	const resolved = match ? path.posix.join(home, match[1] ?? '') : configured;
	return resolved.length > 1 ? resolved.replace(/\/+$/, '') : resolved;
}
