/** How a call is checked: the clock, the window, and what the scheme needs of the request. */
export interface VerifyOptions {
	/** The current time; injected so tests (and replays of old logs) are deterministic. */
	readonly now?: Date;
	/**
	 * Accepted distance, in seconds, between a signed timestamp and `now`, in
	 * both directions. `undefined` uses the scheme's documented window (or
	 * 300 s); `null` or 0 turns the check off. Unsigned timestamps are never used.
	 */
	readonly toleranceSeconds?: number | null;
	/** Replaces the scheme's signature header name (Smarter Launch, Generic HMAC). */
	readonly signatureHeader?: string;
	/** The request line, for schemes that sign it (Square, HubSpot v3). */
	readonly method?: string;
	readonly url?: string;
	/** Also set result.replayKey; off, a plain check does not pay for hashing the signed bytes. */
	readonly replayKey?: boolean;
}
