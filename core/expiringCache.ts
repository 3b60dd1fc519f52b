/**
 * A small map whose entries live at most `ttlMs` and of which at most
 * `maxEntries` are kept: for values that may be reused briefly but must not
 * outlive a bound, such as a credential's secrets (a changed or deleted
 * secret takes effect within `ttlMs`). The clock is injected.
 *
 * Entries are kept in insertion order, and every entry has the same time to
 * live, so the oldest is always first: expired entries are dropped from the
 * front whenever the cache is used, and the first is evicted when it is full.
 * With no timers, an expired entry stays in memory until the next get or set.
 * An entry set "in the future" (the clock was turned back) counts as expired,
 * so a clock change cannot stretch the bound.
 */
export class ExpiringCache<V> {
	private readonly entries = new Map<string, { readonly value: V; readonly expiresAt: number }>();

	constructor(
		private readonly options: {
			readonly ttlMs: number;
			readonly maxEntries: number;
			readonly now: () => number;
		},
	) {}

	get(key: string): V | undefined {
		this.dropExpired();
		const entry = this.entries.get(key);
		if (entry === undefined) return undefined;
		if (entry.expiresAt - this.options.ttlMs > this.options.now()) {
			this.entries.delete(key);
			return undefined;
		}
		return entry.value;
	}

	set(key: string, value: V): void {
		this.dropExpired();
		// Re-inserted, not updated, so that the order stays the order of expiry.
		this.entries.delete(key);
		if (this.entries.size >= this.options.maxEntries) {
			const oldest = this.entries.keys().next();
			if (!oldest.done) this.entries.delete(oldest.value);
		}
		this.entries.set(key, { value, expiresAt: this.options.now() + this.options.ttlMs });
	}

	get size(): number {
		return this.entries.size;
	}

	private dropExpired(): void {
		const now = this.options.now();
		for (const [key, entry] of this.entries) {
			if (entry.expiresAt > now) return;
			this.entries.delete(key);
		}
	}
}
