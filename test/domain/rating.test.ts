// Ratings and notes: what people may type, and how + and - move a rating.
import test from 'ava';
import {ValidationError} from '../../source/domain/errors.js';
import {cleanNote, NOTE_MAX_LENGTH, parseRating, parseRatingFilter, ratingStars, stepRating} from '../../source/domain/rating.js';

test('a rating is 1 to 5, or none (0, -) to remove it; anything else is refused with the rule', t => {
	t.deepEqual(['1', '5', ' 3 ', 'none', 'NONE', '0', '-'].map(text => parseRating(text)), [1, 5, 3, null, null, null, null]);
	for (const bad of ['6', '4.5', 'four', '', '-1', '44']) {
		const error = t.throws(() => parseRating(bad), {instanceOf: ValidationError});
		t.regex(error.message, /^a rating is 1 to 5, or none to remove it; got "/);
	}
});

test('a rating filter is one value, that and up (+), or that and down (-)', t => {
	t.deepEqual(parseRatingFilter('4'), {min: 4, max: 4});
	t.deepEqual(parseRatingFilter('4+'), {min: 4, max: 5});
	t.deepEqual(parseRatingFilter('2-'), {min: 1, max: 2});
	for (const bad of ['0', '6+', '4++', 'x', '']) t.throws(() => parseRatingFilter(bad), {instanceOf: ValidationError});
});

test('+ and - move a rating one step, from none up to 5 and back down to none', t => {
	t.is(stepRating(undefined, 1), 1);
	t.is(stepRating(null, 1), 1);
	t.is(stepRating(5, 1), 5);
	t.is(stepRating(1, -1), null);
	t.is(stepRating(null, -1), null);
	t.is(stepRating(3, -1), 2);
});

test('a note is trimmed and NUL-free; empty removes it; too long is refused', t => {
	t.is(cleanNote('  looks great\0 '), 'looks great');
	t.is(cleanNote('   '), null);
	t.is(cleanNote('x'.repeat(NOTE_MAX_LENGTH)), 'x'.repeat(NOTE_MAX_LENGTH));
	t.throws(() => cleanNote('x'.repeat(NOTE_MAX_LENGTH + 1)), {instanceOf: ValidationError});
	t.is(ratingStars(4), '★★★★☆');
	t.is(ratingStars(null), '');
});
