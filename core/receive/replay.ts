/**
 * What one trigger remembers of the calls it let through, so that a copy (a
 * replay, or the sender retrying a call whose answer it never got) does not
 * run the workflow's work twice, while a retry of a call whose run failed is
 * processed. A let-through call is *claimed* (copies are told to come back
 * later: the run may still fail), then *settled* by its run's outcome, told
 * through `settle` or, when the sender hung up first, the `probe` asked when
 * a copy arrives: success keeps it *processed*, failure forgets it.
 */

/** Calls remembered per trigger at most; beyond this the oldest are forgotten first. */
const MAX_REMEMBERED_CALLS = 100_000;

export type RunOutcome = 'running' | 'succeeded' | 'failed';

export interface ClaimRequest {
	/** ms since the epoch, as are keepUntil and leaseUntil. */
	readonly now: number;
	readonly keepUntil: number;
	/**
	 * A claim not settled by then lapses before keepUntil: its run is taken as
	 * lost (n8n never answered its sender), so that a copy may run. Absent:
	 * an unsettled claim holds until keepUntil.
	 */
	readonly leaseUntil?: number;
	/** Asked, when a copy arrives, how a run whose end was never reported ended. */
	readonly probe?: () => RunOutcome;
}

export type ClaimResult =
	| {
			readonly status: 'claimed';
			/**
			 * Reports the run's end; a second report, or one for a claim since
			 * forgotten, is ignored. receive() contains what it throws or rejects.
			 */
			readonly settle: (outcome: Exclude<RunOutcome, 'running'>) => void | Promise<void>;
	  }
	| { readonly status: 'in_progress' }
	| { readonly status: 'processed' };

interface Entry {
	state: 'claimed' | 'processed';
	/** A claim never settled lapses then, as a processed call is forgotten. */
	expires: number;
	readonly keepUntil: number;
	probe?: () => RunOutcome;
}

/**
 * Where one trigger's claims are kept: what receive() needs, and all a shared
 * store (Redis, Postgres, for queue mode) would have to implement.
 *
 * - The key is the call's `verification.replayKey`: what its signature
 *   covers, hashed, so a store holds no signature.
 * - `claim` is atomic: of claims of one key, however they overlap, one
 *   gets `claimed`; the others get `in_progress` or `processed` for as long
 *   as the key is kept: until its claim is settled `failed`, else until
 *   `keepUntil` (a bounded store may forget its oldest keys sooner, as
 *   ReplayMemory does when full).
 * - `claimed`: this call may run; its `settle` reports how the run ended.
 *   `succeeded` keeps the key processed until `keepUntil`; `failed` forgets it.
 * - `in_progress`: a claim of this key is live and unsettled (its run may
 *   still fail); `processed`: it was settled `succeeded` and is still kept.
 * - `probe` is an in-process aid (it reads this process's response object):
 *   a shared store may ignore it, and then a claim whose run is never
 *   reported lapses at `leaseUntil` (else `keepUntil`).
 * - A claim settled `succeeded` after its lease lapsed is kept processed,
 *   unless a newer claim of the key is live (the run it allowed decides).
 * - Only verified calls may be claimed (receive() claims nothing else):
 *   else a forger could claim a real call's key first and get it refused.
 *
 * `claim` may reject and `settle` may throw or reject: receive() answers a
 * failed claim with `verifier_error` (500) and ignores a failed settle, so
 * the claim lapses as an unreported one does. A store never has to catch.
 */
export interface ReplayStore {
	claim(key: string, request: ClaimRequest): Promise<ClaimResult>;
}

/**
 * The in-process ReplayStore: a bounded Map, atomic because it never waits
 * (README "Replay protection" says what that means in queue mode).
 */
export class ReplayMemory implements ReplayStore {
	/** key → entry. A Map iterates in insertion order, so the oldest come first. */
	private readonly entries = new Map<string, Entry>();

	constructor(private readonly capacity = MAX_REMEMBERED_CALLS) {}

	claim(key: string, request: ClaimRequest): Promise<ClaimResult> {
		// Decided before the promise is made, with nothing awaited: atomic.
		return Promise.resolve(this.claimNow(key, request));
	}

	get size(): number {
		return this.entries.size;
	}

	/** Forgets what has expired; the memory is empty afterwards when nothing is live. */
	sweep(now: number): void {
		for (const [key, entry] of this.entries) {
			if (entry.expires <= now) this.entries.delete(key);
		}
	}

	private claimNow(key: string, request: ClaimRequest): ClaimResult {
		const known = this.current(key, request.now);
		if (known) return { status: known.state === 'processed' ? 'processed' : 'in_progress' };
		this.evict(request.now);
		const entry: Entry = {
			state: 'claimed',
			expires: Math.min(request.keepUntil, request.leaseUntil ?? request.keepUntil),
			keepUntil: request.keepUntil,
			probe: request.probe,
		};
		this.entries.set(key, entry);
		return { status: 'claimed', settle: (outcome) => this.settleLate(key, entry, outcome) };
	}

	/**
	 * A run's end, however late. Only this claim's own entry is settled: after
	 * a lapse the key may belong to a newer claim, whose run decides. A success
	 * reported after the lease lapsed, with no newer claim, is still kept, so
	 * that a copy arriving later starts nothing.
	 */
	private settleLate(key: string, entry: Entry, outcome: Exclude<RunOutcome, 'running'>): void {
		if (entry.state !== 'claimed') return;
		const current = this.entries.get(key);
		if (current === entry) {
			this.settle(key, entry, outcome);
		} else if (current === undefined && outcome === 'succeeded') {
			// Back in (the next claim's eviction keeps the cap); past keepUntil it reads as gone.
			this.entries.set(key, entry);
			this.settle(key, entry, outcome);
		} else {
			entry.state = 'processed'; // a second report is ignored
			entry.probe = undefined;
		}
	}

	/** The live entry for `key`, asking a claim's probe whether its run has ended meanwhile. */
	private current(key: string, now: number): Entry | undefined {
		const entry = this.entries.get(key);
		if (!entry) return undefined;
		if (entry.expires <= now) {
			this.entries.delete(key);
			return undefined;
		}
		if (entry.state === 'claimed' && entry.probe) {
			const outcome = entry.probe();
			if (outcome !== 'running') this.settle(key, entry, outcome);
		}
		return this.entries.get(key);
	}

	private settle(key: string, entry: Entry, outcome: Exclude<RunOutcome, 'running'>): void {
		entry.probe = undefined; // the answer holds the request and response: let them go
		if (outcome === 'failed') {
			this.entries.delete(key);
			return;
		}
		entry.state = 'processed';
		entry.expires = entry.keepUntil;
	}

	/**
	 * Forgets expired entries from the oldest on, stopping at the first live
	 * one (expiries are not in insertion order, so a few expired entries may
	 * wait behind a live one: they are never answered, only kept), and the
	 * oldest live ones when full.
	 */
	private evict(now: number): void {
		for (const [key, entry] of this.entries) {
			if (entry.expires > now && this.entries.size < this.capacity) break;
			this.entries.delete(key);
		}
	}
}

/**
 * One ReplayMemory per trigger (workflow and node), so one busy trigger can
 * never push another's calls out. Memories that hold nothing live are
 * dropped at the next sweep, so triggers that were deleted leave nothing
 * behind for long.
 */
export class ReplayMemories {
	private readonly memories = new Map<string, ReplayMemory>();

	private nextSweep = 0;

	constructor(
		private readonly capacityEach = MAX_REMEMBERED_CALLS,
		/** ms between sweeps of all memories. */
		private readonly sweepEvery = 60_000,
	) {}

	of(scope: string, now: number): ReplayMemory {
		if (now >= this.nextSweep) {
			this.nextSweep = now + this.sweepEvery;
			for (const [name, memory] of this.memories) {
				memory.sweep(now);
				if (memory.size === 0) this.memories.delete(name);
			}
		}
		let memory = this.memories.get(scope);
		if (!memory) {
			memory = new ReplayMemory(this.capacityEach);
			this.memories.set(scope, memory);
		}
		return memory;
	}

	get size(): number {
		return this.memories.size;
	}

	/** Calls remembered over all memories, for monitoring (the soak run reads it); changes nothing. */
	get calls(): number {
		let calls = 0;
		for (const memory of this.memories.values()) calls += memory.size;
		return calls;
	}
}
