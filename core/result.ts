/**
 * The core's one answer shape: `{ ok: true, …the value }`, or `{ ok: false,
 * reason, detail }` with a reason code and a sentence safe to show a caller
 * (it names headers, fields and limits, never a secret or a signature).
 * Checks never throw. The send-side builders that do (sign, signBody,
 * withBodyHash, outgoingHeaders, splitIntoBatches, bodyWriter) say so: they
 * throw on a caller's mistake, before anything is sent.
 */
export interface Failure<Reason extends string = string> {
	readonly ok: false;
	readonly reason: Reason;
	readonly detail: string;
}

export type Result<Value extends object, Reason extends string = string> =
	| ({ readonly ok: true } & Value)
	| Failure<Reason>;
