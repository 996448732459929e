import test from 'ava';
import {compactRanges, planPrepare, sanitizeName, type RenderFile, type Size} from '../../source/service/prepare-plan.js';

const SIZE: Size = {width: 64, height: 48};
const options = {renderDir: '/renders/shot1', fps: 24};

/** modality.0001.png … for the given frame numbers, all of one size. */
function frames(modality: string, numbers: readonly number[], size: Size | null = SIZE, width = 4): RenderFile[] {
	return numbers.map(n => ({name: `${modality}.${String(n).padStart(width, '0')}.png`, size}));
}
const range = (first: number, last: number) => Array.from({length: last - first + 1}, (_, i) => first + i);

test('a complete color sequence makes one conversion with the exact ffmpeg argv', t => {
	const plan = planPrepare(frames('color', range(1, 10)), options);
	t.deepEqual(plan.errors, []);
	t.deepEqual(plan.warnings, []);
	t.is(plan.output, '/renders/shot1_inputs', 'not the render folder itself');
	t.deepEqual(plan.frames, {first: 1, last: 10, count: 10});
	t.deepEqual(plan.resolution, [64, 48]);
	t.deepEqual(plan.conversions, [{
		modality: 'color',
		file: 'color.mp4',
		args: ['-nostdin', '-y', '-loglevel', 'error', '-framerate', '24', '-start_number', '1', '-i', '/renders/shot1/color.%04d.png',
			'-frames:v', '10', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '/renders/shot1_inputs/color.mp4'],
	}]);
});

test('gaps in color are an error naming the missing frames compactly', t => {
	const plan = planPrepare(frames('color', [10, 11, 15, 16, 17, 18, 19, 21, 22]), options);
	t.deepEqual(plan.errors, ['color frames 12–14, 20 are missing']);
	t.deepEqual(plan.conversions, []);
	t.is(compactRanges([5, 1, 2, 3, 9]), '1–3, 5, 9');
	t.is(compactRanges(range(1, 30).filter(n => n % 2 === 0)), '2, 4, 6, 8, 10, 12, 14, 16, 18, 20 and 5 more');
});

test('no color frames is an error that points at look-alike names', t => {
	const plan = planPrepare([...frames('depth', range(1, 3)), {name: 'Color.0001.png', size: SIZE}], options);
	t.is(plan.errors.length, 1);
	t.regex(plan.errors[0]!, /^no color frames \(color\.<frame>\.png\) in \/renders\/shot1; other PNGs found: Color\.0001\.png$/);
	t.deepEqual(plan.conversions, []);
	t.is(planPrepare([], options).errors[0], 'no color frames (color.<frame>.png) in /renders/shot1');
});

test('a control with missing frames or another size is skipped with a warning naming why', t => {
	const plan = planPrepare([
		...frames('color', range(1, 10)),
		...frames('depth', range(1, 10), {width: 32, height: 24}),
		...frames('segmentation', [1, 2, 3, 6, 7, 8, 9, 10]),
		...frames('edge', range(1, 10)),
	], options);
	t.deepEqual(plan.errors, []);
	t.deepEqual(plan.warnings, [
		'depth is skipped: frames are 32x24, color is 64x48',
		'segmentation is skipped: frames 4–5 are missing (color has 1–10)',
	]);
	t.deepEqual(plan.conversions.map(c => c.file), ['color.mp4', 'edge.mp4']);
	t.is(plan.found.find(f => f.modality === 'depth')?.skipped, 'frames are 32x24, color is 64x48');
});

test('extra control frames outside color are left out: the control video has color\'s frame count', t => {
	const plan = planPrepare([...frames('color', range(5, 9)), ...frames('vis', range(1, 12))], options);
	t.deepEqual(plan.warnings, ['vis frames 1–4, 10–12 are outside color\'s frames 5–9 and are left out']);
	const vis = plan.conversions.find(c => c.modality === 'vis')!;
	t.is(vis.args[vis.args.indexOf('-start_number') + 1], '5');
	t.is(vis.args[vis.args.indexOf('-frames:v') + 1], '5');
});

test('controls use the product\'s input file names', t => {
	const plan = planPrepare(['color', 'depth', 'segmentation', 'edge', 'vis'].flatMap(m => frames(m, [1, 2])), options);
	t.deepEqual(plan.conversions.map(c => c.file), ['color.mp4', 'depth.mp4', 'segmentation.mp4', 'edge.mp4', 'vis.mp4']);
});

test('odd sizes are padded to even ones, with a warning', t => {
	const plan = planPrepare(frames('color', [1, 2], {width: 63, height: 47}), options);
	t.deepEqual(plan.resolution, [64, 48]);
	t.deepEqual(plan.warnings, ['frames are 63x47; videos are padded to 64x48 (H.264 yuv420p needs even sizes)']);
	const {args} = plan.conversions[0]!;
	t.is(args[args.indexOf('-vf') + 1], 'pad=ceil(iw/2)*2:ceil(ih/2)*2');
	t.false(planPrepare(frames('color', [1]), options).conversions[0]!.args.includes('-vf'));
});

test('the frame-number width comes from the names; inconsistent padding is an error for color', t => {
	const unpadded = planPrepare(frames('color', range(8, 12), SIZE, 0), options);
	t.deepEqual(unpadded.errors, []);
	t.true(unpadded.conversions[0]!.args.includes('/renders/shot1/color.%01d.png'));
	// %04d writes 10000 as five digits, so a long sequence stays consistent.
	t.deepEqual(planPrepare(frames('color', range(9998, 10001)), options).errors, []);
	const mixed = planPrepare([...frames('color', [1, 2]), {name: 'color.03.png', size: SIZE}], options);
	t.deepEqual(mixed.errors, ['color frame numbers are not padded alike (color.0001.png but color.03.png)']);
	const depth = planPrepare([...frames('color', [1, 2]), ...frames('depth', [1]), ...frames('depth', [2], SIZE, 2)], options);
	t.deepEqual(depth.errors, []);
	t.regex(depth.warnings[0]!, /^depth is skipped: frame numbers are not padded alike/);
});

test('unreadable PNGs and mixed sizes in color are errors', t => {
	const broken = planPrepare([...frames('color', [1]), ...frames('color', [2], null)], options);
	t.deepEqual(broken.errors, ['color not PNG files: color.0002.png']);
	const mixed = planPrepare([...frames('color', [1]), ...frames('color', [2], {width: 32, height: 24})], options);
	t.deepEqual(mixed.errors, ['color frames have different sizes (64x48, 32x24)']);
});

test('other PNG names are listed in a warning; at most five by name', t => {
	const others = ['notes.png', 'color.png', 'color.0001.exr.png', 'normal.0001.png', 'a.png', 'b.png', 'c.png'];
	const plan = planPrepare([...frames('color', [1]), ...others.map(name => ({name, size: SIZE}))], options);
	t.deepEqual(plan.unknown, [...others].sort());
	t.is(plan.warnings[0], '7 PNG file(s) not named <modality>.<frame>.png (modality: color, depth, segmentation, edge, vis) are ignored: a.png, b.png, c.png, color.0001.exr.png, color.png and 2 more');
	t.deepEqual(plan.errors, []);
});

test('output: --out, else a sanitised name beside the render folder', t => {
	const files = frames('color', [1]);
	t.is(planPrepare(files, {...options, renderDir: '/r/Shot 10 (v2)'}).output, '/r/shot_10_v2');
	t.is(planPrepare(files, {...options, renderDir: '/r/Shot 10 (v2)'}).name, 'shot_10_v2');
	t.is(planPrepare(files, {...options, name: 'Harbour Dawn'}).output, '/renders/harbour_dawn');
	t.is(planPrepare(files, {...options, out: '/elsewhere/x'}).output, '/elsewhere/x');
	t.is(sanitizeName('--Ärger & Co.__'), 'rger_co');
	t.deepEqual(planPrepare(files, {...options, name: '!!!'}).errors, ['--name "!!!" has no letters or digits']);
	t.regex(planPrepare(files, {...options, name: 'shot1'}).errors[0]!, /would write into the render folder itself/);
});

test('a % in the folder path is doubled for ffmpeg\'s image pattern', t => {
	const plan = planPrepare(frames('color', [1]), {...options, renderDir: '/r/100%/shot'});
	t.true(plan.conversions[0]!.args.includes('/r/100%%/shot/color.%04d.png'));
});
