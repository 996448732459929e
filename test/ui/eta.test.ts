import test from 'ava';
import {newRun} from '../../source/domain/model.js';
import {estimateRemaining} from '../../source/ui/state/eta.js';

const started = '2026-01-01T00:00:00.000Z';
const at = (seconds: number) => Date.parse(started) + seconds * 1000;
const running = (fraction: number | null) =>
	newRun({id: 'rs_1', prompt_id: 'p', created_at: started, status: 'running', started_at: started, progress: fraction === null ? null : {stage: 'diffusion', fraction, message: '', at: started}});
const samples = [{steps: 35, gpus: 1, seconds: 100}, {steps: 35, gpus: 1, seconds: 120}, {steps: 10, gpus: 1, seconds: 5}];

test('time left: the median of similar runs while younger than it', t => {
	t.is(estimateRemaining(running(0.2), samples, at(30)), 80);
});

test('time left: past the median, extrapolated from the progress, never 0 while running', t => {
	t.is(estimateRemaining(running(0.75), samples, at(150)), 50);
	t.is(estimateRemaining(running(null), samples, at(150)), null, 'no progress to go on: unknown, not 0');
	t.is(estimateRemaining(running(0.5), [], at(60)), 60, 'no similar runs: the progress alone');
	t.is(estimateRemaining(running(0.01), [], at(60)), null, 'too little progress to tell');
});
