// An in-process Executor for unit tests of the service. It claims nothing about SSH or Docker.
import {mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import type {RemoteHandle} from '../../source/domain/model.js';
import type {
	ExecutionResult,
	Executor,
	ExecutorEvents,
	FollowOptions,
	HostStatus,
	Job,
} from '../../source/executor/executor.js';

export type FakeScript = {
	lines: string[];
	result: 'success' | 'failed';
	/** Follow waits for this before finishing (to test runs that are still going). */
	hold?: Promise<void>;
	failLaunch?: string;
};

export class FakeExecutor implements Executor {
	readonly description = 'fake';
	readonly launched: Job[] = [];
	readonly killed: RemoteHandle[] = [];
	readonly follows: Array<{handle: RemoteHandle; skipLines: number}> = [];
	script: FakeScript = {lines: ['[11-24 10:00:00|INFO|transfer.py:1:main] Running preprocessor', 'Saved video to out/output.mp4'], result: 'success'};

	async launch(job: Job, events: ExecutorEvents): Promise<RemoteHandle> {
		if (this.script.failLaunch) throw new Error(this.script.failLaunch);
		this.launched.push(job);
		events.progress({stage: 'uploading', fraction: 0.01, message: 'uploading 1 file'});
		return {host: 'fake', container: `cosmos-tui-${job.run.id}`, run_dir: `/remote/runs/${job.run.id}`};
	}

	async follow(handle: RemoteHandle, job: Job, events: ExecutorEvents, options: FollowOptions): Promise<ExecutionResult> {
		this.follows.push({handle, skipLines: options.skipLines});
		const abort = new Promise<never>((_, reject) => {
			options.signal?.addEventListener('abort', () => reject(new Error('aborted')), {once: true});
		});
		abort.catch(() => undefined); // an abort after follow returned rejects nobody's promise
		for (const line of this.script.lines.slice(options.skipLines)) events.log(line);
		events.progress({stage: 'diffusion', fraction: 0.5, message: 'clip 1/2'});
		if (this.script.hold) await Promise.race([this.script.hold, abort]);
		if (this.script.result === 'failed') {
			return {status: 'failed', exitCode: 1, failureKind: 'oom', errorMessage: 'out of GPU memory', outputs: {}, metrics: {}};
		}
		await mkdir(job.outputDir, {recursive: true});
		const video = path.join(job.outputDir, 'output.mp4');
		await writeFile(video, 'fake video');
		return {status: 'success', exitCode: 0, failureKind: null, errorMessage: null, outputs: {dir: job.outputDir, video}, metrics: {clips: 2}};
	}

	async kill(handle: RemoteHandle): Promise<void> {
		this.killed.push(handle);
	}

	async status(): Promise<HostStatus> {
		return {host: 'fake', connected: true, docker: {ok: true, detail: 'fake'}, gpus: [], containers: []};
	}

	async close(): Promise<void> {}
}

/** A promise with its resolve function, to hold a fake run open. */
export function gate(): {promise: Promise<void>; open: () => void} {
	let open!: () => void;
	const promise = new Promise<void>(resolve => {
		open = resolve;
	});
	return {promise, open};
}
