import test from 'ava';
import stringWidth from 'string-width';
import {fitRow, wrapText} from '../../source/ui/text/wrap.js';

test('wraps at word boundaries, each row within the width, no word lost', t => {
	const text = 'the run failed because the host ran out of GPU memory while loading the models';
	const rows = wrapText(text, 20);
	t.deepEqual(rows, ['the run failed', 'because the host ran', 'out of GPU memory', 'while loading the', 'models']);
	t.is(rows.join(' '), text);
	t.deepEqual(wrapText('short', 20), ['short']);
	t.deepEqual(wrapText('', 20), ['']);
});

test('a token longer than a row (a path) is broken hard; the words around it still break at spaces', t => {
	const path = '/home/ana/cosmos/runs/rs_0123456789ab/output/video.mp4';
	const rows = wrapText(`saved to ${path} just now`, 16);
	t.true(rows.every(row => row.length <= 16), rows.join('|'));
	t.is(rows[0], 'saved to');
	t.is(rows.join('').replaceAll(' ', ''), `savedto${path}justnow`);
	t.deepEqual(wrapText('abcdefghij', 4), ['abcd', 'efgh', 'ij']);
});

test('wide characters are measured by their columns and never split', t => {
	const rows = wrapText('東京の夜の街 雨の反射', 5);
	t.true(rows.every(row => stringWidth(row) <= 5), rows.join('|'));
	t.is(rows.join(''), '東京の夜の街雨の反射');
	t.deepEqual(wrapText('日本語', 3), ['日', '本', '語']);
});

test('newlines start new rows; blank lines are kept', t => {
	t.deepEqual(wrapText('first line\n\nthird', 20), ['first line', '', 'third']);
});

test('fitRow keeps what fits and says when it cut', t => {
	t.deepEqual(fitRow('all of it', 20, '… more'), {text: 'all of it', cut: false});
	const cut = fitRow('cannot reach gpu-1: connection refused by the host after three tries', 30, '… more');
	t.true(cut.cut);
	t.is(cut.text, 'cannot reach gpu-1:… more');
	t.true(stringWidth(cut.text) <= 30);
});
