// prepare end to end: PNG sequences made with ffmpeg, the real command line, and the folder it
// makes taken by prompt create.
import {execFile} from 'node:child_process';
import {mkdir, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {promisify} from 'node:util';
import test from 'ava';
import {cosmos, stopWorkersIn} from '../helpers/cli.js';
import {tempDir} from '../helpers/temp.js';

const run = promisify(execFile);

/** <dir>/<modality>.0001.png … made by ffmpeg's test pattern. */
async function render(dir: string, modality: string, {size = '64x48', frames = 10} = {}): Promise<void> {
	await mkdir(dir, {recursive: true});
	await run('ffmpeg', ['-nostdin', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=24`, '-frames:v', String(frames), path.join(dir, `${modality}.%04d.png`)]);
}

/** Frame count and size of a video, as ffprobe reads them. */
async function probe(file: string): Promise<string> {
	const {stdout} = await run('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames,width,height,pix_fmt', '-of', 'csv=p=0', file]);
	return stdout.trim();
}

async function workspace() {
	const {dir, cleanup} = await tempDir('cosmos-prepare-');
	const renders = path.join(dir, 'renders');
	const shot = path.join(renders, 'shot1');
	await render(shot, 'color');
	return {
		dir,
		renders,
		shot,
		run: (...args: string[]) => cosmos(args, {cwd: dir}),
		/** Everything under renders/, to show a command wrote nothing. */
		listing: async () => (await readdir(renders, {recursive: true})).sort(),
		async cleanup() {
			await stopWorkersIn(dir);
			await cleanup();
		},
	};
}

test('a good folder becomes an input folder that prompt create takes', async t => {
	const w = await workspace();
	await render(w.shot, 'depth');
	const prepared = await w.run('prepare', 'renders/shot1', '--fps', '30');
	t.is(prepared.code, 0, prepared.stderr);
	t.is(prepared.stderr, '');
	const out = path.join(w.renders, 'shot1_inputs');
	t.deepEqual((await readdir(out)).sort(), ['color.mp4', 'depth.mp4', 'metadata.json']);
	t.deepEqual(await readdir(w.renders), ['shot1', 'shot1_inputs'], 'no temp folder is left');
	t.is(await probe(path.join(out, 'color.mp4')), '64,48,yuv420p,10');
	t.is(await probe(path.join(out, 'depth.mp4')), '64,48,yuv420p,10');
	const metadata = JSON.parse(await readFile(path.join(out, 'metadata.json'), 'utf8')) as Record<string, unknown>;
	t.like(metadata, {name: 'shot1', frame_count: 10, fps: 30, resolution: [64, 48], modalities: ['color', 'depth'], source: w.shot, frames: {first: 1, last: 10}, warnings: []});
	t.regex(String(metadata['created_at']), /^\d{4}-\d\d-\d\dT/);
	t.regex(prepared.stdout, /^prepared .*\/renders\/shot1_inputs\n {2}10 frames at 30 fps, 64x48: color\.mp4, depth\.mp4, metadata\.json\n/);
	const next = /next: (.*) prompt create '<describe the scene>' (\S+)\n$/.exec(prepared.stdout);
	t.is(next?.[2], 'renders/shot1_inputs');

	const created = await w.run('prompt', 'create', 'A foggy harbour at dawn', next![2]!);
	t.is(created.code, 0, created.stderr);
	const prompts = JSON.parse((await w.run('list', 'prompts', '--json')).stdout) as Array<{inputs: Record<string, {path: string}>}>;
	t.is(prompts.length, 1);
	t.deepEqual(Object.keys(prompts[0]!.inputs).sort(), ['depth', 'video']);
	t.is(prompts[0]!.inputs['video']!.path, path.join(out, 'color.mp4'));
	await w.cleanup();
});

test('a gap in color is one error line and nothing is written', async t => {
	const w = await workspace();
	await rm(path.join(w.shot, 'color.0004.png'));
	await rm(path.join(w.shot, 'color.0005.png'));
	await rm(path.join(w.shot, 'color.0008.png'));
	const before = await w.listing();
	const result = await w.run('prepare', 'renders/shot1');
	t.is(result.code, 1);
	t.is(result.stderr, 'cosmos-tui: color frames 4–5, 8 are missing\n');
	t.is(result.stdout, '');
	t.deepEqual(await w.listing(), before);
	await w.cleanup();
});

test('a depth of another size is skipped with a warning; color is still made', async t => {
	const w = await workspace();
	await render(w.shot, 'depth', {size: '32x24'});
	const result = await w.run('prepare', 'renders/shot1', '--name', 'Harbour Dawn');
	t.is(result.code, 0, result.stderr);
	t.is(result.stderr, 'warning: depth is skipped: frames are 32x24, color is 64x48\n');
	const out = path.join(w.renders, 'harbour_dawn');
	t.deepEqual((await readdir(out)).sort(), ['color.mp4', 'metadata.json']);
	const metadata = JSON.parse(await readFile(path.join(out, 'metadata.json'), 'utf8')) as {modalities: string[]; warnings: string[]};
	t.deepEqual(metadata.modalities, ['color']);
	t.deepEqual(metadata.warnings, ['depth is skipped: frames are 32x24, color is 64x48']);
	await w.cleanup();
});

test('no color frames is an error', async t => {
	const w = await workspace();
	const depthOnly = path.join(w.renders, 'depth-only');
	await render(depthOnly, 'depth');
	const before = await w.listing();
	const result = await w.run('prepare', 'renders/depth-only');
	t.is(result.code, 1);
	t.is(result.stderr, `cosmos-tui: no color frames (color.<frame>.png) in ${depthOnly}\n`);
	t.deepEqual(await w.listing(), before);
	await w.cleanup();
});

test('--dry-run prints the plan and the ffmpeg commands and writes nothing', async t => {
	const w = await workspace();
	await writeFile(path.join(w.shot, 'notes.png'), 'not a frame');
	await mkdir(path.join(w.dir, 'inputs'));
	const before = await w.listing();
	const result = await w.run('prepare', 'renders/shot1', '--dry-run', '--out', 'inputs/one shot');
	t.is(result.code, 0, result.stderr);
	const out = path.join(w.dir, 'inputs/one shot');
	t.regex(result.stdout, /^color +1–10 \(10\) +64x48 +color\.mp4$/m);
	t.regex(result.stdout, /^warning: 1 PNG file\(s\) not named .* are ignored: notes\.png$/m);
	// The output path holds a space, so the printed command quotes it.
	t.true(result.stdout.includes(`ffmpeg -nostdin -y -loglevel error -framerate 24 -start_number 1 -i ${w.shot}/color.%04d.png -frames:v 10 -c:v libx264 -pix_fmt yuv420p '${out}/color.mp4'`), result.stdout);
	t.regex(result.stdout, /^output {2}.*inputs\/one shot$/m);
	t.deepEqual(await w.listing(), before);
	t.deepEqual(await readdir(path.join(w.dir, 'inputs')), []);

	// The parent of --out does not exist: the plan says so, as an error, and exits 1.
	const missingParent = await w.run('prepare', 'renders/shot1', '--dry-run', '--json', '--out', 'nowhere/x');
	t.is(missingParent.code, 1);
	const plan = JSON.parse(missingParent.stdout) as {dry_run: boolean; errors: string[]; conversions: Array<{args: string[]}>};
	t.true(plan.dry_run);
	t.deepEqual(plan.errors, [`the folder for the output does not exist: ${path.join(w.dir, 'nowhere')}`]);
	t.is(plan.conversions[0]!.args.at(-1), `${path.join(w.dir, 'nowhere/x')}/color.mp4`);
	t.deepEqual((await readdir(w.dir)).sort(), ['inputs', 'renders']);
	await w.cleanup();
});

test('an existing output folder is refused and left as it was', async t => {
	const w = await workspace();
	const out = path.join(w.dir, 'mine');
	await mkdir(out);
	await writeFile(path.join(out, 'keep.txt'), 'mine');
	const result = await w.run('prepare', 'renders/shot1', '--out', 'mine');
	t.is(result.code, 1);
	t.is(result.stderr, `cosmos-tui: output folder already exists: ${out} (nothing is overwritten: remove it, or give another --name or --out)\n`);
	t.deepEqual(await readdir(out), ['keep.txt']);
	t.deepEqual((await readdir(w.dir)).sort(), ['mine', 'renders'], 'no temp folder is left');
	await w.cleanup();
});

test('a bad --fps is a usage error', async t => {
	const w = await workspace();
	for (const fps of ['0', '241', '23.976', 'fast']) {
		const result = await w.run('prepare', 'renders/shot1', '--fps', fps);
		t.is(result.code, 2, fps);
		t.is(result.stderr, `cosmos-tui: --fps must be a whole number from 1 to 240, got "${fps}"\n`);
	}
	await w.cleanup();
});

test('without ffmpeg on PATH: one line saying to install it, and nothing is left behind', async t => {
	const w = await workspace();
	// node itself is started by absolute path; PATH only decides where ffmpeg is looked for.
	const result = await cosmos(['prepare', 'renders/shot1'], {cwd: w.dir, env: {PATH: '/nonexistent'}});
	t.is(result.code, 1);
	t.regex(result.stderr, /^cosmos-tui: ffmpeg is not installed \(not found on PATH\): install it, e\.g\. apt-get install ffmpeg/);
	t.is(result.stderr.trim().split('\n').length, 1);
	t.deepEqual(await readdir(w.renders), ['shot1']);
	await w.cleanup();
});
