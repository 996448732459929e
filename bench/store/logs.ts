// Run logs for the `logs` command: realistic Cosmos lines (~100 bytes: loguru lines and tqdm
// progress), written once per bench and hard-linked to <dataDir>/runs/<id>/run.log, where the CLI
// looks for a run's saved log (RunFiles.logPath).
import fs from 'node:fs';
import path from 'node:path';

const SOURCES = [
	'cosmos_transfer1/diffusion/inference/transfer.py:312:generate',
	'cosmos_transfer1/diffusion/inference/world_generation_pipeline.py:688:_run_model',
	'cosmos_transfer1/utils/misc.py:139:wrapper',
	'cosmos_transfer1/auxiliary/guardrail/common/presets.py:79:run_text_guardrail',
];

function line(n: number): string {
	const seconds = 8 * 3600 + Math.floor(n / 40);
	const clock = `${String(Math.floor(seconds / 3600) % 24).padStart(2, '0')}:${String(Math.floor(seconds / 60) % 60).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
	if (n % 3 === 0) {
		const step = (n % 35) + 1;
		const bar = '█'.repeat(Math.floor((step / 35) * 10)).padEnd(10, ' ');
		return `Sampling: ${String(Math.floor((step / 35) * 100)).padStart(3)}%|${bar}| ${step}/35 [01:${String(step).padStart(2, '0')}<00:41,  2.97s/it] rank=${n % 8}`;
	}

	return `[12-02 ${clock}|INFO|${SOURCES[n % SOURCES.length]!}] step ${n % 35}/35 loss=${((n % 997) / 1000).toFixed(3)} mem=${(40 + (n % 40)).toFixed(1)}G`;
}

/** Writes a log of `lines` lines (in 1 MB pieces) unless it is there already. */
export function writeLog(file: string, lines: number): void {
	if (fs.existsSync(file)) {
		return;
	}

	const part = `${file}.part`;
	const fd = fs.openSync(part, 'w');
	try {
		let chunk: string[] = [];
		for (let n = 0; n < lines; n++) {
			chunk.push(line(n));
			if (chunk.length === 10_000) {
				fs.writeSync(fd, `${chunk.join('\n')}\n`);
				chunk = [];
			}
		}

		if (chunk.length > 0) {
			fs.writeSync(fd, `${chunk.join('\n')}\n`);
		}
	} finally {
		fs.closeSync(fd);
	}

	fs.renameSync(part, file);
}

/** Makes `log` the saved log of run `runId` in dataDir (a hard link, or a copy across file systems). */
export function attachLog(dataDir: string, runId: string, log: string): void {
	const target = path.join(dataDir, 'runs', runId, 'run.log');
	fs.mkdirSync(path.dirname(target), {recursive: true});
	fs.rmSync(target, {force: true});
	try {
		fs.linkSync(log, target);
	} catch {
		fs.copyFileSync(log, target);
	}
}
