import { ExpiringCache } from '../../core';

function cacheAt(start = 1_000_000, options = { ttlMs: 10_000, maxEntries: 3 }) {
	let now = start;
	const cache = new ExpiringCache<string>({ ...options, now: () => now });
	return { cache, advance: (ms: number) => (now += ms) };
}

describe('ExpiringCache', () => {
	it('returns a value until its time to live has passed, and not after', () => {
		const { cache, advance } = cacheAt();
		cache.set('a', 'secret-a');
		advance(9_999);
		expect(cache.get('a')).toBe('secret-a');
		advance(1);
		expect(cache.get('a')).toBeUndefined();
		expect(cache.size).toBe(0);
	});

	it('counts the time to live from the last set, not the first', () => {
		const { cache, advance } = cacheAt();
		cache.set('a', 'old');
		advance(8_000);
		cache.set('a', 'new');
		advance(8_000);
		expect(cache.get('a')).toBe('new');
		advance(2_000);
		expect(cache.get('a')).toBeUndefined();
	});

	it('keeps at most maxEntries, forgetting the oldest first', () => {
		const { cache, advance } = cacheAt();
		for (const key of ['a', 'b', 'c']) {
			cache.set(key, key);
			advance(10);
		}
		cache.set('a', 'a again'); // now the newest
		cache.set('d', 'd');
		expect(cache.size).toBe(3);
		expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.get('d')]).toEqual([
			'a again',
			undefined,
			'c',
			'd',
		]);
	});

	it('drops expired entries from memory when used, even under other keys', () => {
		const { cache, advance } = cacheAt();
		cache.set('a', 'a');
		cache.set('b', 'b');
		advance(10_000);
		cache.set('c', 'c');
		expect(cache.size).toBe(1);
	});

	it('a zero time to live keeps nothing', () => {
		const { cache } = cacheAt(0, { ttlMs: 0, maxEntries: 3 });
		cache.set('a', 'a');
		expect(cache.get('a')).toBeUndefined();
	});
});

describe('ExpiringCache when the clock is turned back', () => {
	it('treats an entry set "in the future" as expired', () => {
		const { cache, advance } = cacheAt();
		cache.set('a', 'a');
		advance(-60_000);
		expect(cache.get('a')).toBeUndefined();
	});
});
