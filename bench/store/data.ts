// Realistic prompts and runs for the store bench, generated in batches (10 runs per prompt) so that
// 1M runs never sit in memory at once (the 1M Run objects alone take more than 1.5 GB).
import {randomBytes} from 'node:crypto';
import {DEFAULT_NEGATIVE_PROMPT, type FailureKind, type Prompt, type Run, RUN_STATUSES, STAGES} from '../../source/domain/model.js';

export const RUNS_PER_PROMPT = 10;
/** Mixed case on purpose: the search must ignore case. 2% of prompts hold it (every 50th). */
export const SEARCH = 'LightHouse';

const WORDS = `cinematic drone shot over a foggy harbor at dawn with fishing boats slowly drifting past weathered wooden piers
while seagulls circle overhead golden light spills across calm water reflections shimmer volumetric mist rolls in from the sea
a lone figure walks along the breakwater camera tracks left revealing cranes and shipping containers stacked high neon signs flicker
rain slick streets city at night reflections of traffic lights tall glass towers pedestrians with umbrellas steam rising from vents
forest trail autumn leaves sunlight through canopy deer crossing slow motion shallow depth of field warm tones snowy mountain pass
desert highway heat haze vintage car dust cloud wide angle lens dramatic clouds storm approaching lightning in the distance`.split(/\s+/);

const FAILURE_KINDS: FailureKind[] = ['oom', 'guardrail', 'killed', 'nccl_timeout', 'other'];

export type Batch = {prompts: Prompt[]; runs: Run[]};

/** A deterministic (but for the random ids and hashes) stream of batches. */
export class DataGenerator {
	private seed = 42;
	private clock = Date.parse('2025-01-01T00:00:00Z');
	private promptNumber = 0;

	/** Yields batches of about runsPerBatch runs (whole prompts) until runCount runs were made. */
	*batches(runCount: number, runsPerBatch: number): Generator<Batch> {
		const promptCount = Math.ceil(runCount / RUNS_PER_PROMPT);
		const promptsPerBatch = Math.max(1, Math.floor(runsPerBatch / RUNS_PER_PROMPT));
		for (let done = 0; done < promptCount; done += promptsPerBatch) {
			yield this.batch(Math.min(promptsPerBatch, promptCount - done));
		}
	}

	private random(): number {
		this.seed = (this.seed * 1_103_515_245 + 12_345) % 2_147_483_648;
		return this.seed / 2_147_483_648;
	}

	private pick<T>(items: readonly T[]): T {
		return items[Math.floor(this.random() * items.length)]!;
	}

	private sentence(words: number): string {
		const out: string[] = [];
		for (let i = 0; i < words; i++) {
			out.push(this.pick(WORDS));
		}

		const text = out.join(' ');
		return text[0]!.toUpperCase() + text.slice(1);
	}

	private batch(promptCount: number): Batch {
		const prompts: Prompt[] = [];
		const runs: Run[] = [];
		for (let n = 0; n < promptCount; n++) {
			const p = this.promptNumber++;
			this.clock += 60_000;
			const clock = this.clock;
			const dir = `/home/ana/cosmos/inputs/videos/scene_${p}`;
			const text = `${this.sentence(40 + Math.floor(this.random() * 60))}${p % 50 === 7 ? ' past the old Lighthouse' : ''}.`;
			const file = (name: string) => ({path: `${dir}/${name}`, sha256: hex(32), size: 20_000_000 + Math.floor(this.random() * 1e7), mtime_ms: clock});
			const prompt: Prompt = {
				id: `ps_${hex(16)}`,
				name: `${this.pick(WORDS)} ${this.pick(WORDS)} ${p}`,
				prompt_text: text,
				negative_prompt: DEFAULT_NEGATIVE_PROMPT,
				video_dir: dir,
				inputs: {video: file('color.mp4'), depth: file('depth.mp4'), seg: file('segmentation.mp4')},
				created_at: new Date(clock).toISOString(),
			};
			prompts.push(prompt);
			for (let r = 0; r < RUNS_PER_PROMPT; r++) {
				runs.push(this.run(prompt, r, runs.at(-1)));
			}
		}

		return {prompts, runs};
	}

	private run(prompt: Prompt, r: number, previous: Run | undefined): Run {
		this.clock += 1000 + Math.floor(this.random() * 5000);
		const clock = this.clock;
		const id = `rs_${hex(16)}`;
		const status = this.random() < 0.8 ? 'success' : this.pick(RUN_STATUSES);
		const created = new Date(clock).toISOString();
		const done = status === 'success' || status === 'failed' || status === 'cancelled';
		const weight = Math.round(this.random() * 100) / 100;
		const out = `/home/ana/cosmos/data/runs/${id}`;
		return {
			id,
			prompt_id: prompt.id,
			status,
			stage: done ? 'done' : this.pick(STAGES),
			progress: {stage: done ? 'done' : 'diffusion', fraction: done ? 1 : this.random(), message: 'step 21/35', at: created},
			control_weights: {vis: weight, edge: 1 - weight, depth: 0.25, seg: 0.25},
			parameters: {
				num_steps: 35,
				guidance: 7,
				seed: Math.floor(this.random() * 1000),
				fps: 24,
				sigma_max: 70,
				blur_strength: 'medium',
				canny_threshold: 'medium',
				num_gpus: this.pick([1, 2, 4, 8]),
			},
			parent_run_id: r > 0 && previous && this.random() < 0.2 ? previous.id : null,
			outputs: done ? {dir: out, video: `${out}/output.mp4`, prompt_text: `${out}/prompt.txt`, log: `${out}/run.log`} : {},
			error_message: status === 'failed' ? 'CUDA out of memory. Tried to allocate 2.00 GiB' : null,
			failure_kind: status === 'failed' ? this.pick(FAILURE_KINDS) : null,
			stalled: false,
			remote: {backend: 'docker', host: 'gpu-box-1', job: `cosmos-${id}`, run_dir: `/workspace/cosmos/runs/${id}`},
			metrics: done ? {duration_s: Math.round(this.random() * 900), peak_vram_gb: Math.round(this.random() * 800) / 10} : {},
			created_at: created,
			started_at: new Date(clock + 2000).toISOString(),
			completed_at: done ? new Date(clock + 600_000).toISOString() : null,
			priority: 0,
			queue_order: clock,
			host: null,
			placement: {host: 'gpu-box-1', gpus: [0]},
			sweep_id: null,
			cancel_requested_at: null,
		};
	}
}

function hex(bytes: number): string {
	return randomBytes(bytes).toString('hex');
}
