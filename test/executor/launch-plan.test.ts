// What launch() will write and run, before anything is sent: the docker run argv (detached,
// --init, stderr merged into stdout by a fixed wrapper), the spec, and early errors.
import test from 'ava';
import {DEFAULT_CONFIG} from '../../source/config/schema.js';
import {ConfigError, ValidationError} from '../../source/domain/errors.js';
import {DEFAULT_PARAMETERS, DEFAULT_WEIGHTS} from '../../source/domain/model.js';
import {planLaunch} from '../../source/executor/launch-plan.js';
import {HOST_PATHS, testConfig, testJob} from '../helpers/jobs.js';

const job = () =>
	testJob({
		run: {stage: null, control_weights: {...DEFAULT_WEIGHTS, seg: 0}, parameters: {...DEFAULT_PARAMETERS, num_gpus: 2}},
		prompt: {prompt_text: "it's $(rm -rf ~)"},
		gpus: [],
	});

test('docker run: detached, named, labelled, --init, merged stderr, run paths under .cosmos-tui', t => {
	const plan = planLaunch(job(), testConfig(), HOST_PATHS);
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
	const plan = planLaunch(job(), testConfig(), HOST_PATHS, {cosmos_sim: {mode: 'ok'}});
	const spec = JSON.parse(plan.specJson) as Record<string, unknown>;
	t.is(spec['prompt'], "it's $(rm -rf ~)");
	t.is(spec['input_video_path'], `/workspace/.cosmos-tui/inputs/${'a'.repeat(64)}/video.mp4`);
	t.deepEqual(spec['depth'], {control_weight: 0.25, input_control: `/workspace/.cosmos-tui/inputs/${'b'.repeat(64)}/depth.mp4`});
	t.false('seg' in spec);
	t.deepEqual(spec['cosmos_sim'], {mode: 'ok'});
});

test('bad settings fail before any upload: docker settings as ConfigError, weights as ValidationError', t => {
	t.throws(() => planLaunch(job(), testConfig(c => (c.docker.image = 'has space')), HOST_PATHS), {instanceOf: ConfigError});
	t.throws(() => planLaunch(job(), testConfig(c => (c.docker.offload = ['--rm -rf'])), HOST_PATHS), {instanceOf: ConfigError});
	const noControls = job();
	noControls.run.control_weights = {vis: 0, edge: 0, depth: 0, seg: 0};
	t.throws(() => planLaunch(noControls, testConfig(), HOST_PATHS), {instanceOf: ValidationError});
});
