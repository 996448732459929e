// What launch() will write and run, before anything is sent: the docker run argv (detached,
// --init, stderr merged into stdout by a fixed wrapper), the spec, and early errors.
import test from 'ava';
import {DEFAULT_CONFIG, type Config} from '../../source/config/schema.js';
import {ConfigError, ValidationError} from '../../source/domain/errors.js';
import {DEFAULT_PARAMETERS, DEFAULT_WEIGHTS, type InputFile, newRun} from '../../source/domain/model.js';
import type {Job} from '../../source/executor/executor.js';
import {planLaunch} from '../../source/executor/launch-plan.js';

const input = (digit: string): InputFile => ({path: `/local/${digit}.mp4`, sha256: digit.repeat(64), size: 10, mtime_ms: 0});

function job(): Job {
	return {
		run: newRun({id: 'rs_0123456789ab', prompt_id: 'ps_1', stage: null, control_weights: {...DEFAULT_WEIGHTS, seg: 0}, parameters: {...DEFAULT_PARAMETERS, num_gpus: 2}, created_at: '2026-01-01T00:00:00.000Z'}),
		prompt: {id: 'ps_1', name: 'n', prompt_text: "it's $(rm -rf ~)", negative_prompt: 'neg', video_dir: '/local', inputs: {video: input('a'), depth: input('b')}, created_at: ''},
		outputDir: '/data/runs/rs_0123456789ab/outputs',
		gpus: [],
	};
}

const config = (change: (c: Config) => void = () => undefined): Config => {
	const c = structuredClone(DEFAULT_CONFIG);
	c.docker.command = 'sudo -n docker';
	change(c);
	return c;
};
const paths = {remoteDir: '/srv/ct1', hfCacheDir: '/home/u/.cache/huggingface'};

test('docker run: detached, named, labelled, --init, merged stderr, run paths under .cosmos-tui', t => {
	const plan = planLaunch(job(), config(), paths);
	const argv = plan.dockerRun;
	t.is(plan.container, 'cosmos-tui-rs_0123456789ab');
	t.deepEqual(argv.slice(0, 5), ['sudo', '-n', 'docker', 'run', '-d']);
	t.true(argv.includes('--init'));
	const image = argv.indexOf(DEFAULT_CONFIG.docker.image);
	t.true(argv.indexOf('--init') < image);
	t.deepEqual(argv.slice(image + 1, image + 6), ['sh', '-c', 'exec "$@" 2>&1', 'sh', 'torchrun']);
	t.true(argv.includes('--nproc_per_node=2'));
	t.true(argv.includes('/workspace/.cosmos-tui/runs/rs_0123456789ab/spec.json'));
	t.true(argv.includes('/workspace/.cosmos-tui/runs/rs_0123456789ab/output'));
	t.false(argv.some(word => word.includes('rm -rf')), 'the prompt text is never on the command line');
	t.is(plan.hostRun.runDir, '/srv/ct1/.cosmos-tui/runs/rs_0123456789ab');
});

test('the spec carries the prompt and content-addressed container paths, plus extras', t => {
	const plan = planLaunch(job(), config(), paths, {cosmos_sim: {mode: 'ok'}});
	const spec = JSON.parse(plan.specJson) as Record<string, unknown>;
	t.is(spec['prompt'], "it's $(rm -rf ~)");
	t.is(spec['input_video_path'], `/workspace/.cosmos-tui/inputs/${'a'.repeat(64)}/video.mp4`);
	t.deepEqual(spec['depth'], {control_weight: 0.25, input_control: `/workspace/.cosmos-tui/inputs/${'b'.repeat(64)}/depth.mp4`});
	t.false('seg' in spec);
	t.deepEqual(spec['cosmos_sim'], {mode: 'ok'});
});

test('bad settings fail before any upload: docker settings as ConfigError, weights as ValidationError', t => {
	t.throws(() => planLaunch(job(), config(c => (c.docker.image = 'has space')), paths), {instanceOf: ConfigError});
	t.throws(() => planLaunch(job(), config(c => (c.docker.offload = ['--rm -rf'])), paths), {instanceOf: ConfigError});
	const noControls = job();
	noControls.run.control_weights = {vis: 0, edge: 0, depth: 0, seg: 0};
	t.throws(() => planLaunch(noControls, config(), paths), {instanceOf: ValidationError});
});
