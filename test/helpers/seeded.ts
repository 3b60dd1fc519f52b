/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/require-node-api-error -- test code: it runs in Node, never inside n8n, reads its seed from the environment, and re-throws a test's own failure */
/**
 * Random test inputs that can be replayed. A test file takes its seed from
 * an environment variable (new each run otherwise) and wraps each test in
 * `withSeed`, so a failure names the seed: `ROUNDTRIP_SEED=<seed> npx jest
 * roundtrip` runs the same inputs again. The generator is mulberry32: small,
 * fast, and the same on every platform; it is for test inputs, never keys.
 */

/** A seed from `variable`, or a new one for this run. */
export function seedFrom(variable: string): number {
	const given = process.env[variable];
	return given === undefined ? Math.floor(Date.now() % 2 ** 31) : Number(given);
}

export interface Seeded {
	/** A float in [0, 1). */
	next(): number;
	/** An integer in [min, max). */
	int(min: number, max: number): number;
	bytes(length: number): Buffer;
}

export function seeded(seed: number): Seeded {
	let state = seed >>> 0;
	const next = () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
	};
	const int = (min: number, max: number) => min + Math.floor(next() * (max - min));
	return {
		next,
		int,
		bytes: (length) => Buffer.from(Array.from({ length }, () => int(0, 256))),
	};
}

/**
 * A test body that gets a generator seeded with `seed`, and whose failure
 * message starts with `<variable>=<seed>`, the line that replays it.
 */
export function withSeed(
	variable: string,
	seed: number,
	test: (random: Seeded) => void | Promise<void>,
): () => Promise<void> {
	return async () => {
		try {
			await test(seeded(seed));
		} catch (error) {
			if (error instanceof Error) error.message = `${variable}=${seed}: ${error.message}`;
			throw error;
		}
	};
}
