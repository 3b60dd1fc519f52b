/** GoodFit's documented ceiling, and ours: at most this many records per call. */
export const MAX_BATCH_SIZE = 200;

interface BatchEntry<T> {
	readonly item: T;
	/** In the input, for pairing results back. */
	readonly index: number;
}

export interface Batch<T> {
	/** URL and method, shared by all entries. */
	readonly destination: string;
	readonly entries: readonly BatchEntry<T>[];
}

/** Why a batch size cannot be used, or undefined if it can. */
export function describeBatchSizeProblem(size: number): string | undefined {
	if (!Number.isInteger(size) || size < 1 || size > MAX_BATCH_SIZE) {
		return `Batch size must be a whole number from 1 to ${MAX_BATCH_SIZE} (got ${size})`;
	}
	return undefined;
}

/**
 * Batches of at most `size`, never mixing destinations (GoodFit sends
 * companies and contacts to different URLs). Order is kept within a
 * destination and batches come in the order of their first item, so with one
 * destination the output is the input, cut. Throws for a size
 * describeBatchSizeProblem() refuses: the caller checks it first.
 */
export function splitIntoBatches<T>(
	items: readonly T[],
	size: number,
	destinationOf: (item: T, index: number) => string,
): Batch<T>[] {
	const problem = describeBatchSizeProblem(size);
	if (problem) throw new RangeError(problem);

	const batches: Batch<T>[] = [];
	const open = new Map<string, BatchEntry<T>[]>();
	items.forEach((item, index) => {
		const destination = destinationOf(item, index);
		let entries = open.get(destination);
		if (!entries || entries.length === size) {
			entries = [];
			open.set(destination, entries);
			batches.push({ destination, entries });
		}
		entries.push({ item, index });
	});
	return batches;
}
