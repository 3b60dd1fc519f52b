/**
 * What ends a delivery before its retry schedule does: a cancel, the
 * sender's deadline, or a destination given up on after too many failed
 * calls in a row. Pure logic on an injected clock (the node passes Date.now).
 */

/** Milliseconds since the epoch, as Date.now gives them. */
type Clock = () => number;

export type StopKind = 'cancelled' | 'deadline' | 'breaker';

export interface Stop {
	readonly kind: StopKind;
	/** One line for the delivery record, starting with what stopped it. */
	readonly reason: string;
}

/** deliver() asks these before each attempt and each wait. */
export interface DeliveryBounds {
	/** Why no further attempt may start now, or undefined. */
	stop(): Stop | undefined;
	/** Why a wait of `ms` from now may not begin (it would end too late), or undefined. */
	refuseWait(ms: number): Stop | undefined;
}

export const NO_BOUNDS: DeliveryBounds = {
	stop: () => undefined,
	refuseWait: () => undefined,
};

/** Seconds as a message shows them: `18 s`, `0.25 s`. */
export function formatSeconds(ms: number): string {
	return `${Number((ms / 1000).toFixed(3))} s`;
}

interface DeadlineSettings {
	/** The node's own Deadline (Seconds); 0 or absent: none of its own. */
	readonly optionSeconds?: number;
	/** The workflow's execution timeout, in seconds; 0, negative or absent: none. */
	readonly executionTimeoutSeconds?: number;
}

/**
 * How much before the workflow's execution timeout the node stops: a tenth
 * of it, at least 2 s, at most half. The node cannot see when the execution
 * started, so it counts from its own start and the tenth stands for the
 * nodes before it. The 2 s cover the attempt in flight ending (its timeout is
 * cut to the deadline) and n8n recording the outputs. At most half, so even
 * a short timeout leaves time to send.
 */
export function executionTimeoutMarginMs(timeoutSeconds: number): number {
	const timeoutMs = timeoutSeconds * 1000;
	return Math.min(Math.max(2000, timeoutMs / 10), timeoutMs / 2);
}

/**
 * After it no call starts, no retry wait ends and no answer is awaited: the
 * node ends with every item in an output, instead of being killed by n8n's
 * execution timeout with none.
 */
export class Deadline {
	private constructor(
		/** Milliseconds since the epoch. */
		readonly at: number,
		/** Where it comes from, for the delivery record. */
		readonly label: string,
		private readonly clock: Clock,
	) {}

	/**
	 * Counted from `startedAt` (the node's start); undefined when neither
	 * setting asks for one; with both, the earlier wins.
	 */
	static start(
		settings: DeadlineSettings,
		clock: Clock,
		startedAt: number = clock(),
	): Deadline | undefined {
		const set = (seconds: number | undefined): seconds is number =>
			seconds !== undefined && Number.isFinite(seconds) && seconds > 0;
		let earliest: { ms: number; label: string } | undefined;
		const { optionSeconds: option, executionTimeoutSeconds: timeout } = settings;
		if (set(option)) {
			const ms = option * 1000;
			earliest = { ms, label: `${formatSeconds(ms)} after the node started (Deadline option)` };
		}
		if (set(timeout)) {
			const margin = executionTimeoutMarginMs(timeout);
			const ms = timeout * 1000 - margin;
			if (earliest === undefined || ms < earliest.ms) {
				earliest = {
					ms,
					label: `${formatSeconds(ms)} after the node started (the workflow's ${formatSeconds(timeout * 1000)} timeout, less ${formatSeconds(margin)})`,
				};
			}
		}
		return earliest && new Deadline(startedAt + earliest.ms, earliest.label, clock);
	}

	remainingMs(): number {
		return Math.max(0, this.at - this.clock());
	}

	reached(): boolean {
		return this.clock() >= this.at;
	}

	allowsWait(ms: number): boolean {
		return this.clock() + ms < this.at;
	}

	/** An attempt's timeout, cut so its answer is not awaited past the deadline. */
	capTimeout(timeoutMs: number): number {
		return Math.max(1, Math.min(timeoutMs, this.remainingMs()));
	}

	reachedStop(): Stop {
		return { kind: 'deadline', reason: `deadline reached, ${this.label}` };
	}

	waitRefusedStop(waitMs: number): Stop {
		return {
			kind: 'deadline',
			reason: `deadline too close: the retry in ${formatSeconds(waitMs)} would come after the deadline, ${this.label}`,
		};
	}
}

interface CallEnding {
	readonly delivered: boolean;
	readonly stoppedBy?: StopKind;
	readonly attempts: readonly unknown[];
}

/**
 * Gives up on a destination (method and URL) for the rest of the run after
 * `limit` calls to it in a row failed, so its other calls fail at once
 * instead of each spending its retry schedule. A call with no attempt, or
 * stopped by a cancel or the breaker itself, says nothing about the
 * destination and is not counted; a delivered one resets the count. A limit
 * of 0 never gives up.
 */
export class DestinationBreaker {
	private readonly failedInARow = new Map<string, number>();
	private readonly givenUp = new Set<string>();

	constructor(readonly limit: number) {}

	/** True when this ending made the breaker give up on `destination`. */
	record(destination: string, ending: CallEnding): boolean {
		if (this.limit <= 0 || this.givenUp.has(destination)) return false;
		if (ending.delivered) {
			this.failedInARow.delete(destination);
			return false;
		}
		if (ending.attempts.length === 0) return false;
		if (ending.stoppedBy === 'cancelled' || ending.stoppedBy === 'breaker') return false;
		const count = (this.failedInARow.get(destination) ?? 0) + 1;
		this.failedInARow.set(destination, count);
		if (count < this.limit) return false;
		this.givenUp.add(destination);
		return true;
	}

	/** Why no further call to `destination` is made, or undefined. */
	stop(destination: string): Stop | undefined {
		if (!this.givenUp.has(destination)) return undefined;
		return {
			kind: 'breaker',
			reason: `gave up on ${destination}: ${this.limit} call${this.limit === 1 ? '' : 's'} in a row to it failed`,
		};
	}
}

export const CANCELLED: Stop = {
	kind: 'cancelled',
	reason: 'cancelled: the execution was stopped',
};

/** The bounds of one call: a cancel first, then the deadline, then the breaker. */
export function callBounds(parts: {
	readonly cancelled: () => boolean;
	readonly deadline?: Deadline;
	readonly breaker?: DestinationBreaker;
	readonly destination: string;
}): DeliveryBounds {
	const { cancelled, deadline, breaker, destination } = parts;
	return {
		stop: () => {
			if (cancelled()) return CANCELLED;
			if (deadline?.reached()) return deadline.reachedStop();
			return breaker?.stop(destination);
		},
		refuseWait: (ms) =>
			deadline && !deadline.allowsWait(ms) ? deadline.waitRefusedStop(ms) : undefined,
	};
}
