/**
 * The signed timestamp and the window it must fall in: which window is in
 * force, where the timestamp is read, and how far from now it may be.
 */
import { parseTimestamp } from '../crypto/encoding';
import { readHeader, type HeaderBag } from '../http/headers';
import { findTopLevelMembers, parseMemberValue } from '../http/jsonMembers';
import { reject, type Rejection } from './rejection';
import { receivingProblem, type SchemeBase } from '../schemes/types';
import type { VerifyOptions } from './options';

/** Longest timestamp value read from a body, in bytes: ISO 8601 with a zone takes about 35. */
const MAX_TIMESTAMP_BYTES = 64;

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

/**
 * The signed timestamp, as sent and as a date; both absent where the scheme
 * signs none, or a body field when no window is in force (it is not read).
 */
export interface SignedTime {
	readonly ok: true;
	readonly text?: string;
	readonly date?: Date;
}

/** A scheme that signs no timestamp: nothing to read, nothing to check. */
const NO_SIGNED_TIME: SignedTime = Object.freeze({ ok: true });

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
): SignedTime | Rejection {
	const tolerance = effectiveTolerance(scheme, options.toleranceSeconds);
	if (!Number.isFinite(tolerance) || tolerance < 0) {
		// NaN compares false with everything: left alone it would switch the
		// replay window off without anyone having asked for that.
		return reject(
			'verifier_error',
			'The timestamp tolerance must be a number of seconds, 0 or more',
		);
	}
	const problem = receivingProblem(scheme, { toleranceSeconds: tolerance });
	if (problem) return reject('verifier_error', problem, { id });
	const stamp = readTimestamp(scheme, headers, fromCarrier, body, tolerance > 0, id);
	if (!stamp.ok || !stamp.date || tolerance === 0) return stamp;

	const now = (options.now ?? new Date()).getTime();
	const timestamp = stamp.date;
	if (Number.isNaN(now)) {
		// Like a NaN tolerance: an Invalid Date compares false with everything,
		// so left alone it would let every signed timestamp through.
		return reject('verifier_error', 'The current time is not a valid date', { id, timestamp });
	}
	const skewSeconds = (now - timestamp.getTime()) / 1000;
	if (skewSeconds > tolerance) {
		return reject(
			'timestamp_too_old',
			`The signed timestamp is ${Math.round(skewSeconds)} s old; at most ${tolerance} s is accepted`,
			{ id, timestamp },
		);
	}
	if (-skewSeconds > tolerance) {
		return reject(
			'timestamp_too_new',
			`The signed timestamp is ${Math.round(-skewSeconds)} s in the future; at most ${tolerance} s is accepted`,
			{ id, timestamp },
		);
	}
	return stamp;
}

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
	id: string | undefined,
): SignedTime | Rejection {
	const source = scheme.timestamp;
	if (!source || !signsTimestamp(scheme)) return NO_SIGNED_TIME;
	let text: string | undefined;
	let where: string;
	switch (source.in) {
		case 'header': {
			where = `header ${source.header}`;
			const found = readHeader(headers, source.header);
			if (found.found === 'many') {
				return reject('duplicate_header', `Header ${source.header} was sent more than once`, {
					id,
				});
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
		case 'body': {
			where = `body field "${source.field}"`;
			// Only this field is read, and the body is not parsed (jsonMembers.ts);
			// the signature is still checked on the raw bytes. Skipped when no
			// window is enforced.
			if (!toleranceActive) return { ok: true };
			const field = readBodyField(body, source.field, where, id);
			if (!field.ok) return field;
			text = field.text;
			break;
		}
	}
	if (text === undefined || text === '') {
		return reject('timestamp_missing', `The timestamp (${where}) is missing`, { id });
	}
	const date = parseTimestamp(text, source.format);
	if (!date) {
		return reject(
			'timestamp_malformed',
			`The timestamp (${where}) is not in ${source.format} format`,
			{ id },
		);
	}
	return { ok: true, text, date };
}

/**
 * A top-level string or integer field of a JSON object body, as text;
 * refused where it appears twice, or is too long to be a timestamp.
 */
function readBodyField(
	body: Uint8Array,
	field: string,
	where: string,
	id: string | undefined,
): { readonly ok: true; readonly text?: string } | Rejection {
	const found = findTopLevelMembers(body, [field]);
	if (!found.ok && found.reason === 'duplicate') {
		return reject('duplicate_body_field', `The timestamp (${where}) appears more than once`, {
			id,
		});
	}
	const raw = found.ok ? found.values.get(field) : undefined;
	if (raw === undefined) return { ok: true };
	const parsed = parseMemberValue(raw, MAX_TIMESTAMP_BYTES);
	if (!parsed.ok && parsed.reason === 'too_long') {
		const detail = `The timestamp (${where}) is longer than ${MAX_TIMESTAMP_BYTES} bytes`;
		return reject('timestamp_malformed', detail, { id });
	}
	const value = parsed.ok ? parsed.value : undefined;
	if (typeof value === 'number' && Number.isInteger(value))
		return { ok: true, text: String(value) };
	return { ok: true, text: typeof value === 'string' ? value : undefined };
}
