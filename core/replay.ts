/**
 * Remembers the ids of accepted calls for a while, so the same call sent
 * again within the replay window can be refused. Only ids of calls whose
 * signature was valid may be recorded: otherwise a forger could send a call
 * with a future id and get the real one refused.
 *
 * The memory is this object's, in this process: it does not survive a
 * restart and is not shared between processes. The timestamp window covers
 * what it forgets: a call older than the window is refused as stale anyway.
 */

/** Ids remembered per guard at most; beyond this the oldest are forgotten first. */
export const MAX_REMEMBERED_IDS = 100_000;

export class ReplayGuard {
	/** id → expiry (ms since the epoch). A Map iterates in insertion order: oldest first. */
	private readonly seen = new Map<string, number>();

	constructor(private readonly capacity = MAX_REMEMBERED_IDS) {}

	/**
	 * Records `id` as accepted at `now` for `windowSeconds`, and says whether
	 * it was already recorded and not yet expired (a replay). A replay does not
	 * extend the first sighting's expiry.
	 */
	checkAndRemember(id: string, now: Date, windowSeconds: number): 'fresh' | 'replayed' {
		const at = now.getTime();
		const expiry = this.seen.get(id);
		if (expiry !== undefined && expiry > at) return 'replayed';
		if (expiry !== undefined) this.seen.delete(id);
		this.evict(at);
		this.seen.set(id, at + windowSeconds * 1000);
		return 'fresh';
	}

	get size(): number {
		return this.seen.size;
	}

	private evict(at: number): void {
		// Windows are equal for one guard, so expiries grow with insertion: stop
		// at the first live entry. When full, the oldest live ids go first.
		for (const [id, expiry] of this.seen) {
			if (expiry > at && this.seen.size < this.capacity) break;
			this.seen.delete(id);
		}
	}
}
