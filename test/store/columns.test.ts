// The columns of a sealed segment's index, on their own: what they choose, and that they give back
// exactly what went in.
import test from 'ava';
import {bisect, bloomHas, bloomHashes, bloomOf, decodeColumn, encodeColumn, findText, sortedOrder, valueAt} from '../../source/store/columns.js';

const roundTrip = (values: unknown[]) => {
	const encoded = encodeColumn(values);
	const column = decodeColumn(encoded.kind, encoded.parts.map(part => Buffer.from(part)));
	return {kind: encoded.kind, column, values: values.map((_, row) => valueAt(column, row))};
};

test('distinct strings become a text column; repeated or mixed values a coded one; both give back every value', t => {
	const ids = ['rs_a', 'rs_é€', 'rs_😀', '', 'rs_b'];
	t.like(roundTrip(ids), {kind: 'text', values: ids});
	const statuses = ['success', 'failed', 'success', 'success', null];
	t.like(roundTrip(statuses), {kind: 'codes', values: statuses});
	const mixed = ['a', 1, true, null, 'b', 2.5];
	t.like(roundTrip(mixed), {kind: 'codes', values: mixed});
	t.like(roundTrip([]), {values: []});
});

test('an id is found by binary search over the byte order, without making strings', t => {
	const ids = ['rs_9', 'rs_10', 'rs_a', 'rs_A', 'rs_é', 'rs_e', 'rs_😀', 'rs_'];
	const {column} = roundTrip(ids);
	if (column.kind !== 'text') return t.fail('not a text column');
	const order = sortedOrder(ids);
	for (const [row, id] of ids.entries()) {
		t.is(findText(column, order, Buffer.from(id)), row, id);
	}

	for (const missing of ['rs_b', 'rs', 'rs_99', 'zz', '']) t.is(findText(column, order, Buffer.from(missing)), -1, missing);
});

test('bisect finds an equal position or says -1', t => {
	const sorted = [1, 3, 5, 7, 9, 11];
	for (const [index, value] of sorted.entries()) t.is(bisect(sorted.length, at => sorted[at]! - value), index);
	for (const value of [0, 4, 12]) t.is(bisect(sorted.length, at => sorted[at]! - value), -1);
	t.is(bisect(0, () => 0), -1);
});

test('the Bloom filter never rules out a key it holds, and rules out most others', t => {
	const keys = Array.from({length: 5000}, (_, index) => `rs_${index.toString(16).padStart(12, '0')}`);
	const bits = bloomOf(keys);
	t.true(keys.every(key => bloomHas(bits, bloomHashes(Buffer.from(key)))));
	const others = Array.from({length: 5000}, (_, index) => `ps_${index}`);
	const falsePositives = others.filter(key => bloomHas(bits, bloomHashes(Buffer.from(key)))).length;
	t.true(falsePositives < 150, `${falsePositives} of 5000`);
	t.false(bloomHas(bloomOf([]), bloomHashes(Buffer.from('x'))));
});
