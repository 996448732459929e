// Documents handed out are frozen (deeply), so callers cannot edit the store through them.
// Freezing happens lazily on the way out: opening 50k runs does not pay for it, and a document
// frozen once is skipped afterwards (the store never freezes anything half-way).
export function deepFreeze<T>(value: T): T {
	if (typeof value !== 'object' || value === null || Object.isFrozen(value)) {
		return value;
	}

	for (const child of Object.values(value)) {
		deepFreeze(child);
	}

	return Object.freeze(value);
}
