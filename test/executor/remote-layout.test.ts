// The host layout under <remote_dir>/.cosmos-tui, and ~ resolution for configured paths.
import test from 'ava';
import {inputPath, layoutFromRunDir, resolveHomePath, runLayout} from '../../source/executor/remote-layout.js';

const SHA = 'a'.repeat(64);

test('inputs by content and role; runs in their own folder', t => {
	t.is(inputPath('/srv/ct1', SHA, 'depth'), `/srv/ct1/.cosmos-tui/inputs/${SHA}/depth.mp4`);
	t.is(inputPath('/workspace', SHA, 'video'), `/workspace/.cosmos-tui/inputs/${SHA}/video.mp4`);
	t.throws(() => inputPath('/srv', '../x', 'video'));
	const layout = runLayout('/srv/ct1', 'rs_abc');
	t.deepEqual(layout, {
		runDir: '/srv/ct1/.cosmos-tui/runs/rs_abc',
		spec: '/srv/ct1/.cosmos-tui/runs/rs_abc/spec.json',
		launchInfo: '/srv/ct1/.cosmos-tui/runs/rs_abc/launch.json',
		killMarker: '/srv/ct1/.cosmos-tui/runs/rs_abc/kill-requested',
		outputDir: '/srv/ct1/.cosmos-tui/runs/rs_abc/output',
		batchInput: '/srv/ct1/.cosmos-tui/runs/rs_abc/batch.jsonl',
	});
	t.throws(() => runLayout('/srv', '../../etc'));
});

test('a handle run_dir must be a cosmos-tui run folder', t => {
	t.is(layoutFromRunDir('/srv/ct1/.cosmos-tui/runs/rs_abc').outputDir, '/srv/ct1/.cosmos-tui/runs/rs_abc/output');
	for (const bad of ['/etc', 'rel/.cosmos-tui/runs/rs_a', '/srv/.cosmos-tui/runs/../runs/rs_a', '/srv/.cosmos-tui/runs/rs_a/', '/srv/x/runs/rs_a', '/srv/.cosmos-tui/runs/a b']) {
		t.throws(() => layoutFromRunDir(bad), undefined, bad);
	}
});

test('~, $HOME and ${HOME} resolve against the home folder; other paths stay', t => {
	t.is(resolveHomePath('~', '/home/u'), '/home/u');
	t.is(resolveHomePath('~/cosmos-transfer1/', '/home/u'), '/home/u/cosmos-transfer1');
	t.is(resolveHomePath('$HOME/ct1', '/home/u'), '/home/u/ct1');
	t.is(resolveHomePath('${HOME}/ct1', '/home/u'), '/home/u/ct1');
	t.is(resolveHomePath('/srv/ct1', '/home/u'), '/srv/ct1');
	t.is(resolveHomePath('~other/x', '/home/u'), '~other/x');
	t.is(resolveHomePath('$HOMEX/x', '/home/u'), '$HOMEX/x');
});
