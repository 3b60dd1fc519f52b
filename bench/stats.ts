/**
 * Side-by-side measurement: every contender runs in every round, in an order
 * that rotates from round to round, so a noisy neighbour on this shared
 * machine slows all of them alike. Only medians and ratios are reported.
 */
export function median(values: readonly number[]): number {
	return quantile(values, 0.5);
}

/** Linear-interpolated quantile, q in [0, 1]. */
export function quantile(values: readonly number[], q: number): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const position = (sorted.length - 1) * q;
	const lower = Math.floor(position);
	const upper = Math.ceil(position);
	return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

export interface Spread {
	readonly median: number;
	readonly min: number;
	readonly max: number;
	readonly rounds: number;
}

export function spread(values: readonly number[]): Spread {
	return {
		median: median(values),
		min: Math.min(...values),
		max: Math.max(...values),
		rounds: values.length,
	};
}

/**
 * Runs each contender once per round, rotating the order, and returns each
 * one's results in round order.
 */
export async function interleave<T>(
	contenders: readonly string[],
	rounds: number,
	run: (name: string, round: number) => Promise<T>,
	onRound?: (round: number) => void,
): Promise<Map<string, T[]>> {
	const results = new Map<string, T[]>(contenders.map((name) => [name, []]));
	for (let round = 0; round < rounds; round++) {
		for (let k = 0; k < contenders.length; k++) {
			const name = contenders[(round + k) % contenders.length];
			results.get(name)?.push(await run(name, round));
		}
		onRound?.(round);
	}
	return results;
}

/** 1234.5 → "1,235"; small numbers keep a decimal. */
export function formatNumber(value: number): string {
	if (!Number.isFinite(value)) return 'n/a';
	const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
	return value.toLocaleString('en-US', {
		minimumFractionDigits: digits,
		maximumFractionDigits: digits,
	});
}

export function formatSpread(s: Spread): string {
	return `${formatNumber(s.median)} (${formatNumber(s.min)}–${formatNumber(s.max)})`;
}

export function formatRatio(ratio: number): string {
	return Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : 'n/a';
}
