// Rating and annotating runs. A rating or a note changes only those fields, in one transaction, on
// any run whatever its state (a failed run is worth a note too); the run's other fields are the
// scheduler's and are never touched here.
import {NotFoundError} from '../domain/errors.js';
import type {Run} from '../domain/model.js';
import {cleanNote, RATING_MAX, RATING_MIN} from '../domain/rating.js';
import type {Store} from '../store/index.js';

export async function rateRun(store: Store, id: string, rating: number | null): Promise<Run> {
	if (rating !== null && !(Number.isInteger(rating) && rating >= RATING_MIN && rating <= RATING_MAX)) {
		throw new RangeError(`rating ${rating} is not ${RATING_MIN}..${RATING_MAX}`);
	}

	return store.write(tx => {
		if (!tx.get('runs', id)) throw new NotFoundError(`no run ${id}`);
		return tx.update('runs', id, {rating});
	});
}

export async function noteRun(store: Store, id: string, text: string): Promise<Run> {
	const note = cleanNote(text);
	return store.write(tx => {
		if (!tx.get('runs', id)) throw new NotFoundError(`no run ${id}`);
		return tx.update('runs', id, {note});
	});
}
