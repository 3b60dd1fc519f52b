/**
 * At most `maxEntries`, each living at most `ttlMs`: a credential's secrets
 * are reused briefly, and a changed or deleted one takes effect within
 * `ttlMs`. All entries share one time to live, so insertion order is expiry
 * order: expired ones are dropped from the front on each get or set (no
 * timers), and the first is evicted when full. An entry set "in the future"
 * (the clock was turned back) counts as expired, so a clock change cannot
 * stretch the bound.
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
		// Re-inserted, not updated, so the order stays the order of expiry.
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
