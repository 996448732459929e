// Remote output names: only safe base names from the expected set are downloaded, and only into the folder.
import path from 'node:path';
import test from 'ava';
import {localTarget, outputRole, planDownloads, safeBaseName} from '../../source/executor/output-files.js';

test('safeBaseName rejects separators, dot names, control characters', t => {
	for (const bad of ['', '.', '..', '../x', 'a/b', '/etc/passwd', 'a\\b', '.hidden', 'a..b', 'x\u0000', 'line\nbreak', 'esc\u001b[2J', 'c1\u009b', 'ls\u2028', 'x'.repeat(256)]) {
		t.is(safeBaseName(bad), null, JSON.stringify(bad));
	}
	for (const good of ['output.mp4', 'vis_input_control_0.mp4', 'output.txt']) t.is(safeBaseName(good), good);
});

test('outputRole knows the video, the prompt text and control videos per rank', t => {
	t.deepEqual(outputRole('output.mp4'), {kind: 'video'});
	t.deepEqual(outputRole('output.txt'), {kind: 'prompt_text'});
	t.deepEqual(outputRole('seg_input_control_1.mp4'), {kind: 'control', control: 'seg', rank: 1});
	t.is(outputRole('keypoint_input_control_0.mp4'), null);
	t.is(outputRole('noise.pickle'), null);
	t.is(outputRole('output.mp4 '), null);
});

test('planDownloads keeps regular files with expected names only', t => {
	const planned = planDownloads([
		{name: 'output.mp4', size: 10, type: 'file'},
		{name: 'output.txt', size: 3, type: 'file'},
		{name: 'edge_input_control_7.mp4', size: 1, type: 'symlink'},
		{name: '../vis_input_control_0.mp4', size: 1, type: 'file'},
		{name: 'vis_input_control_0.mp4', size: 5, type: 'file'},
		{name: 'vis_input_control_0.mp4', size: 5, type: 'directory'},
		{name: 'run.sh', size: 5, type: 'file'},
	]);
	t.deepEqual(planned.map(file => file.name), ['output.mp4', 'output.txt', 'vis_input_control_0.mp4']);
});

test('localTarget stays directly inside the folder', t => {
	t.is(localTarget('/data/runs/r/outputs', 'output.mp4'), '/data/runs/r/outputs/output.mp4');
	t.is(localTarget('rel/outputs/', 'output.mp4'), path.resolve('rel/outputs/output.mp4'));
	for (const bad of ['../output.mp4', '/etc/passwd', '..', 'a/../../b']) t.throws(() => localTarget('/data/out', bad));
});
