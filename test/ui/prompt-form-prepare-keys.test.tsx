// The new-prompt form given a folder of rendered PNG frames (made by ffmpeg) instead of videos: it
// offers to prepare them, Esc goes back, Enter runs prepare (the CLI's service function) and the
// prompt is created from the prepared folder; a gap in the color frames is one line and nothing is made.
import {execFile} from 'node:child_process';
import {access, mkdir, readdir, rm, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {promisify} from 'node:util';
import {appTest} from './helpers/app-test.js';
import {KEYS, renderApp} from './helpers/render-app.js';

const test = appTest();
const run = promisify(execFile);

/** <dir>/<modality>.0001.png … made by ffmpeg's test pattern. */
async function render(dir: string, modality: string, frames = 10): Promise<void> {
	await mkdir(dir, {recursive: true});
	await run('ffmpeg', ['-nostdin', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=24', '-frames:v', String(frames), path.join(dir, `${modality}.%04d.png`)]);
}

/** The dialog's text without its borders, wrapped lines joined (a long line wraps at words). */
const flat = (frame: string) => frame.replaceAll(/[│╭╮╰╯─]/g, ' ').replaceAll(/\s+/g, ' ');

test.serial('rendered frames are offered to prepare; Esc goes back; Enter prepares them and the prompt is created from the new folder', async t => {
	const {fixture} = t.context;
	const renders = path.join(fixture.dir, 'renders');
	const shot = path.join(renders, 'shot1');
	await render(shot, 'color');
	await render(shot, 'depth');
	await render(shot, 'edge', 8); // lacks frames 9–10: skipped, with a warning
	const app = (t.context.app = await renderApp(fixture));
	await app.press('c', 'a foggy harbour at dawn', KEYS.tab, KEYS.tab, KEYS.tab);
	await app.waitFor(frame => /› Folder/.test(frame), 'the folder field');
	await app.press(KEYS.ctrlU, shot, KEYS.enter);
	await app.waitFor(frame => flat(frame).includes('this folder holds rendered frames (color, depth: 10 frames): Enter prepares them into'), 'the offer');
	const offer = flat(app.frame());
	t.true(offer.includes(`${path.join(renders, 'shot1_inputs')} (24 fps), Esc goes back`), offer);
	t.true(offer.includes('warning: edge is skipped: frames 9–10 are missing'), 'the plan\'s warning shows before anything is made');
	t.regex(app.frame(), /Enter prepare\s+Esc back/, 'the key bar shows the offer\'s keys');
	t.false(app.frame().includes('no color.mp4'), 'no dead end');

	await app.press(KEYS.esc);
	await app.waitFor(frame => frame.includes('Tab complete folder') && !flat(frame).includes('this folder holds rendered frames'), 'back in the form');
	t.deepEqual(await readdir(renders), ['shot1'], 'Esc wrote nothing');
	t.is(fixture.service.listPrompts().length, 0);

	await app.press(KEYS.enter);
	await app.waitFor(frame => flat(frame).includes('Enter prepares them into'), 'offered again');
	await app.press(KEYS.enter);
	await app.waitFor(frame => frame.includes('created; r runs it'), 'the prompt created');
	const prompts = fixture.service.listPrompts();
	t.is(prompts.length, 1);
	const prepared = path.join(renders, 'shot1_inputs');
	t.is(prompts[0]?.video_dir, prepared);
	t.is(prompts[0]?.inputs.video.path, path.join(prepared, 'color.mp4'));
	t.is(prompts[0]?.inputs.depth?.path, path.join(prepared, 'depth.mp4'));
	t.is(prompts[0]?.inputs.edge, undefined);
	t.deepEqual((await readdir(prepared)).sort(), ['color.mp4', 'depth.mp4', 'metadata.json']);
	t.deepEqual((await readdir(renders)).sort(), ['shot1', 'shot1_inputs'], 'no temp folder is left');
	t.false(app.frame().includes('New prompt'), 'the form closed');
});

test.serial('a gap in the color frames is one line in the form, and nothing is made or created', async t => {
	const {fixture} = t.context;
	const renders = path.join(fixture.dir, 'renders');
	const shot = path.join(renders, 'shot1');
	await render(shot, 'color');
	await rm(path.join(shot, 'color.0004.png'));
	await rm(path.join(shot, 'color.0005.png'));
	const app = (t.context.app = await renderApp(fixture));
	await app.press('c', 'a foggy harbour at dawn', KEYS.tab, KEYS.tab, KEYS.tab);
	await app.waitFor(frame => /› Folder/.test(frame), 'the folder field');
	await app.press(KEYS.ctrlU, shot, KEYS.enter);
	await app.waitFor(frame => flat(frame).includes('this folder holds rendered frames, but prepare cannot make videos of them: color frames 4–5 are missing'), 'the error line');
	t.false(flat(app.frame()).includes('Enter prepares'), 'nothing is offered');
	t.true(app.frame().includes('Tab complete folder'), 'the form stays, to fix the folder');
	await app.press(KEYS.enter);
	await app.waitFor(frame => flat(frame).includes('color frames 4–5 are missing') && !frame.includes('reading the videos'), 'Enter again says the same');
	t.is(fixture.service.listPrompts().length, 0);
	t.deepEqual(await readdir(renders), ['shot1'], 'no output folder, no temp folder');
	await t.throwsAsync(access(path.join(renders, 'shot1_inputs')));
});

test.serial('while ffmpeg runs the form waits and Esc says why; without ffmpeg it is one line and nothing is written', async t => {
	const {fixture} = t.context;
	const renders = path.join(fixture.dir, 'renders');
	const shot = path.join(renders, 'shot1');
	await render(shot, 'color');
	const {stdout: ffmpeg} = await run('sh', ['-c', 'command -v ffmpeg']);
	// An ffmpeg that waits for the test's go-ahead (a file), then runs the real one.
	const bin = path.join(fixture.dir, 'bin');
	const go = path.join(fixture.dir, 'go');
	await mkdir(bin);
	await writeFile(path.join(bin, 'ffmpeg'), `#!/bin/sh\nwhile [ ! -e '${go}' ]; do sleep 0.02; done\nexec '${ffmpeg.trim()}' "$@"\n`, {mode: 0o755});
	const empty = path.join(fixture.dir, 'empty');
	await mkdir(empty);
	const oldPath = process.env['PATH'];
	t.teardown(() => {
		process.env['PATH'] = oldPath;
	});
	const app = (t.context.app = await renderApp(fixture));
	await app.press('c', 'a foggy harbour at dawn', KEYS.tab, KEYS.tab, KEYS.tab);
	await app.waitFor(frame => /› Folder/.test(frame), 'the folder field');
	await app.press(KEYS.ctrlU, shot, KEYS.enter);
	await app.waitFor(frame => flat(frame).includes('Enter prepares them into'), 'the offer');

	process.env['PATH'] = empty;
	await app.press(KEYS.enter);
	await app.waitFor(frame => flat(frame).includes('prepare failed, nothing was written: ffmpeg is not installed (not found on PATH)'), 'the missing ffmpeg');
	t.deepEqual(await readdir(renders), ['shot1'], 'nothing written, no temp folder left');
	t.is(fixture.service.listPrompts().length, 0);

	process.env['PATH'] = `${bin}:${oldPath ?? ''}`;
	await app.press(KEYS.enter);
	await app.waitFor(frame => flat(frame).includes('Enter prepares them into'), 'offered again');
	await app.press(KEYS.enter);
	await app.waitFor(frame => flat(frame).includes('ffmpeg is making color.mp4 from 10 frames'), 'the wait');
	await app.press(KEYS.esc);
	await app.waitFor(frame => frame.includes('ffmpeg is making the videos: wait'), 'Esc says why it cannot go back now');
	t.true(flat(app.frame()).includes('ffmpeg is making color.mp4 from 10 frames'), 'still preparing');
	t.is(fixture.service.listPrompts().length, 0);
	await writeFile(go, '');
	await app.waitFor(frame => frame.includes('created; r runs it'), 'the prompt created');
	t.is(fixture.service.listPrompts()[0]?.video_dir, path.join(renders, 'shot1_inputs'));
});
