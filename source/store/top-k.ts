// A bounded top-k for "order by ... limit k": one pass over the candidates with a max-heap of the
// k best so far, instead of sorting every match. k = Infinity keeps everything (then one sort).

/** Keeps the k smallest items (a max-heap on the comparator). */
export class TopK<T> {
	private readonly heap: T[] = [];

	constructor(
		private readonly k: number,
		private readonly compare: (a: T, b: T) => number,
	) {}

	add(entry: T): void {
		const {heap} = this;
		if (!Number.isFinite(this.k)) {
			heap.push(entry);
		} else if (heap.length < this.k) {
			heap.push(entry);
			this.up(heap.length - 1);
		} else if (heap.length > 0 && this.compare(entry, heap[0]!) < 0) {
			heap[0] = entry;
			this.down(0);
		}
	}

	sorted(): T[] {
		return this.heap.sort(this.compare);
	}

	private up(i: number): void {
		const {heap} = this;
		while (i > 0) {
			const parent = (i - 1) >> 1;
			if (this.compare(heap[i]!, heap[parent]!) <= 0) {
				return;
			}

			[heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
			i = parent;
		}
	}

	private down(i: number): void {
		const {heap} = this;
		for (;;) {
			const left = 2 * i + 1;
			const right = left + 1;
			let largest = i;
			if (left < heap.length && this.compare(heap[left]!, heap[largest]!) > 0) {
				largest = left;
			}

			if (right < heap.length && this.compare(heap[right]!, heap[largest]!) > 0) {
				largest = right;
			}

			if (largest === i) {
				return;
			}

			[heap[i], heap[largest]] = [heap[largest]!, heap[i]!];
			i = largest;
		}
	}
}

