/**
 * The signed timestamp and the window it must fall in: which window is in
 * force, where the timestamp is read, and how far from now it may be.
 */
import { parseTimestamp } from './encoding';
import { readHeader, type HeaderBag } from './headers';
import type { RejectionReason } from './reasons';
import { refuse, type Refused } from './rejection';
import type { SchemeBase } from './schemes/types';
import type { VerifyOptions } from './verify';

/** Replay window used when neither the caller nor the scheme names one. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * The replay window in force, in seconds: the caller's, else the one the
 * scheme documents, else 300 s; 0 (or null) is none.
 */
export function effectiveTolerance(
	scheme: SchemeBase,
	toleranceSeconds: number | null | undefined,
): number {
	return toleranceSeconds === undefined
		? (scheme.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)
		: (toleranceSeconds ?? 0);
}

/** Whether the scheme's timestamp is covered by its signature (only such a timestamp is ever read). */
export function signsTimestamp(scheme: SchemeBase): boolean {
	const source = scheme.timestamp;
	if (!source) return false;
	const covered = source.in === 'body' ? 'body' : 'timestamp';
	return scheme.signedContent.some((part) => part.kind === covered);
}

/** The signed timestamp, where the scheme has one and it was read (a body field only when a window is in force). */
export type SignedTime = Extract<TimestampRead, { ok: true }>;

/**
 * The window in force (refused where it is not a number of seconds, or off
 * where the scheme needs it), then the signed timestamp, then its distance
 * from now. `fromCarrier` is the timestamp found beside the signature, where
 * the scheme puts it there; `id` is only for the refusal.
 */
export function checkTimestamp(
	scheme: SchemeBase,
	headers: HeaderBag,
	body: Uint8Array,
	fromCarrier: string | undefined,
	id: string | undefined,
	options: Pick<VerifyOptions, 'now' | 'toleranceSeconds'>,
): SignedTime | Refused {
	const tolerance = effectiveTolerance(scheme, options.toleranceSeconds);
	if (!Number.isFinite(tolerance) || tolerance < 0) {
		// NaN compares false with everything: left alone it would switch the
		// replay window off without anyone having asked for that.
		return refuse(
			'verifier_error',
			'The timestamp tolerance must be a number of seconds, 0 or more',
		);
	}
	if (scheme.replay === 'required' && tolerance === 0) {
		return refuse(
			'verifier_error',
			`${scheme.name} signs no payload, only a timestamp and a one-time token: its timestamp window cannot be off, because the window is how long a token is remembered`,
			{ id },
		);
	}
	const stamp = readTimestamp(scheme, headers, fromCarrier, body, tolerance > 0);
	if (!stamp.ok) return refuse(stamp.reason, stamp.detail, { id });

	if (stamp.date && stamp.signed && tolerance > 0) {
		const now = (options.now ?? new Date()).getTime();
		if (Number.isNaN(now)) {
			// Like a NaN tolerance: an Invalid Date compares false with everything,
			// so left alone it would let every signed timestamp through.
			return refuse('verifier_error', 'The current time is not a valid date', {
				id,
				timestamp: stamp.date,
			});
		}
		const skewSeconds = (now - stamp.date.getTime()) / 1000;
		if (skewSeconds > tolerance) {
			return refuse(
				'timestamp_too_old',
				`The signed timestamp is ${Math.round(skewSeconds)} s old; at most ${tolerance} s is accepted`,
				{ id, timestamp: stamp.date },
			);
		}
		if (-skewSeconds > tolerance) {
			return refuse(
				'timestamp_too_new',
				`The signed timestamp is ${Math.round(-skewSeconds)} s in the future; at most ${tolerance} s is accepted`,
				{ id, timestamp: stamp.date },
			);
		}
	}
	return stamp;
}

type TimestampRead =
	| { ok: true; text?: string; date?: Date; signed: boolean }
	| { ok: false; reason: RejectionReason; detail: string };

/**
 * Reads the timestamp a scheme carries. Only a timestamp covered by the
 * signature counts: an unsigned one (a Generic HMAC header left out of the
 * signed content) could be rewritten by anyone, so it is never read at all.
 */
function readTimestamp(
	scheme: SchemeBase,
	headers: HeaderBag,
	fromCarrier: string | undefined,
	body: Uint8Array,
	toleranceActive: boolean,
): TimestampRead {
	const source = scheme.timestamp;
	if (!source || !signsTimestamp(scheme)) return { ok: true, signed: false };
	let text: string | undefined;
	let where: string;
	switch (source.in) {
		case 'header': {
			where = `header ${source.header}`;
			const found = readHeader(headers, source.header);
			if (found.found === 'many') {
				return {
					ok: false,
					reason: 'duplicate_header',
					detail: `Header ${source.header} was sent more than once`,
				};
			}
			if (found.found === 'one') text = found.value;
			break;
		}
		case 'signature-header':
			where = 'the signature header';
			text = fromCarrier;
			break;
		case 'body-signature':
			where = 'the timestamp field beside the signature in the body';
			text = fromCarrier;
			break;
		case 'body':
			where = `body field "${source.field}"`;
			// Parsing the body only reads a field; the signature is still checked
			// on the raw bytes. Skipped when no window is enforced.
			if (!toleranceActive) return { ok: true, signed: true };
			text = readBodyField(body, source.field);
			break;
	}
	if (text === undefined || text === '') {
		return {
			ok: false,
			reason: 'timestamp_missing',
			detail: `The timestamp (${where}) is missing`,
		};
	}
	const date = parseTimestamp(text, source.format);
	if (!date) {
		return {
			ok: false,
			reason: 'timestamp_malformed',
			detail: `The timestamp (${where}) is not in ${source.format} format`,
		};
	}
	return { ok: true, text, date, signed: true };
}

function readBodyField(body: Uint8Array, field: string): string | undefined {
	let parsed: unknown;
	try {
		parsed = JSON.parse(
			Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'),
		);
	} catch {
		return undefined; // not JSON: the field is simply absent
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
	const value = (parsed as Record<string, unknown>)[field];
	if (typeof value === 'number' && Number.isInteger(value)) return String(value);
	return typeof value === 'string' ? value : undefined;
}
