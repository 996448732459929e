// nvidia-smi CSV: every GPU line, [N/A] as null, names with commas.
import test from 'ava';
import {parseNvidiaSmi} from '../../source/executor/host-status.js';

test('every line is a GPU; [N/A] and [Not Supported] become null', t => {
	const output = '0, NVIDIA H100 80GB HBM3, 1024, 81559, 3, 34\n1, NVIDIA A100-SXM4-40GB MIG 3g.20gb, [N/A], [N/A], [N/A], [Not Supported]\n\n';
	t.deepEqual(parseNvidiaSmi(output), [
		{index: 0, name: 'NVIDIA H100 80GB HBM3', memoryUsedMiB: 1024, memoryTotalMiB: 81_559, utilizationPercent: 3, temperatureC: 34},
		{index: 1, name: 'NVIDIA A100-SXM4-40GB MIG 3g.20gb', memoryUsedMiB: null, memoryTotalMiB: null, utilizationPercent: null, temperatureC: null},
	]);
});

test('a name with a comma keeps it; malformed lines are skipped', t => {
	const gpus = parseNvidiaSmi('2, Weird, Name GPU, 1, 2, 3, 4\nnot a gpu line\nx, a, 1, 2, 3, 4\n');
	t.is(gpus.length, 1);
	t.is(gpus[0]!.name, 'Weird, Name GPU');
	t.is(gpus[0]!.temperatureC, 4);
});
