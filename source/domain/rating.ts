// Ratings and notes on runs: a 1–5 rating (or none) and a free-text note, set by people, never by
// the scheduler. Pure parsing and checking, shared by the CLI, the UI and the service.
import {ValidationError} from './errors.js';

export const RATING_MIN = 1;
export const RATING_MAX = 5;
/** Long enough for a paragraph; a note is a remark, not a document. */
export const NOTE_MAX_LENGTH = 2000;

/** Which ratings a listing keeps: from min to max (a single value, or "4+" for 4 and up). */
export type RatingFilter = {min: number; max: number};

/** "1".."5" → that rating; "none" (or "0", "-") → null. Anything else is a ValidationError. */
export function parseRating(text: string): number | null {
	const value = text.trim().toLowerCase();
	if (value === 'none' || value === '0' || value === '-') return null;
	if (/^[1-5]$/.test(value)) return Number(value);
	throw new ValidationError(`a rating is ${RATING_MIN} to ${RATING_MAX}, or none to remove it; got "${text}"`);
}

/** "4" → exactly 4; "4+" → 4 and up; "2-" → 2 and down. */
export function parseRatingFilter(text: string): RatingFilter {
	const match = /^([1-5])([+-]?)$/.exec(text.trim());
	if (!match) throw new ValidationError(`--rating takes 1 to 5, with + for that and up or - for that and down (4+); got "${text}"`);
	const value = Number(match[1]);
	return match[2] === '+' ? {min: value, max: RATING_MAX} : match[2] === '-' ? {min: RATING_MIN, max: value} : {min: value, max: value};
}

/** A rating moved by delta (the UI's + and -): none → 1 → … → 5, and back down to none. */
export function stepRating(rating: number | null | undefined, delta: 1 | -1): number | null {
	const next = (rating ?? 0) + delta;
	return next < RATING_MIN ? null : Math.min(next, RATING_MAX);
}

/** A note as stored: trimmed, NUL-free, at most NOTE_MAX_LENGTH characters; empty → null (no note). */
export function cleanNote(text: string): string | null {
	const note = text.replaceAll('\0', '').trim();
	if (note.length > NOTE_MAX_LENGTH) throw new ValidationError(`a note is at most ${NOTE_MAX_LENGTH} characters; this one has ${note.length}`);
	return note === '' ? null : note;
}

/** ★★★★☆ for 4; '' for no rating. */
export function ratingStars(rating: number | null | undefined): string {
	return rating == null ? '' : '★'.repeat(rating) + '☆'.repeat(RATING_MAX - rating);
}
