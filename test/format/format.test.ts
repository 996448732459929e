import test from 'ava';
import {formatNumber, formatWeights} from '../../source/format/format.js';

test('numbers print as people write them, without floating-point noise', t => {
	t.is(formatNumber(0.5800000000000001), '0.58');
	t.is(formatNumber(0.1 + 0.2), '0.3');
	t.is(formatNumber(35), '35');
	t.is(formatNumber(1e-7), '1e-7');
	t.is(formatNumber(Number.NaN), 'NaN');
	t.is(formatWeights({vis: 0.5800000000000001, edge: 0.25}), 'vis=0.58 edge=0.25');
});
