/**
 * The provider's event id of a verified call: what stays the same when the
 * provider retries the event, even re-signed with a new timestamp (Stripe,
 * Slack, Paddle…), so a workflow, or replay protection, can run each event
 * once. Read only after the signature holds: before it, the body is anyone's.
 */
import { readHeader, type HeaderBag } from '../http/headers';
import { findTopLevelMembers, parseMemberValue } from '../http/jsonMembers';
import type { SchemeBase } from '../schemes/types';
import { idSeparator } from '../verify/replayKey';

/** Longest event id taken, in characters: providers' ids are a few dozen. */
export const MAX_EVENT_ID_LENGTH = 200;
/** Longest raw member value read for it: an id, quoted and escaped, fits many times over. */
const MAX_EVENT_ID_BYTES = 4 * 1024;

/** Whether a scheme's verified calls can carry an event id (signedEventId below). */
export function signsEventId(scheme: SchemeBase): boolean {
	return scheme.signedEventId !== undefined || idSeparator(scheme) !== undefined;
}

/**
 * The event id: the scheme's signed body member (signedEventId), or the
 * signed id that opens its signed content (Standard Webhooks' webhook-id);
 * undefined where the scheme has neither, or the body does not carry one
 * as text or a number.
 */
export function signedEventId(
	scheme: SchemeBase,
	body: Uint8Array,
	signedId: string | undefined,
): string | undefined {
	if (!scheme.signedEventId) return idSeparator(scheme) === undefined ? undefined : signedId;
	const { member } = scheme.signedEventId;
	const found = findTopLevelMembers(body, [member]);
	const raw = found.ok ? found.values.get(member) : undefined;
	if (!raw) return undefined;
	const parsed = parseMemberValue(raw, MAX_EVENT_ID_BYTES);
	if (!parsed.ok) return undefined;
	const { value } = parsed;
	const id = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
	return id !== '' && id.length <= MAX_EVENT_ID_LENGTH ? id : undefined;
}

/** A provider's own retry marks on a call (Slack's X-Slack-Retry-Num and -Reason). */
export interface ProviderRetry {
	/** 1 for the first retry. */
	readonly number: number;
	readonly reason?: string;
}

/** Largest retry number taken: providers retry a handful of times. */
const MAX_RETRY_NUMBER = 1000;
/** A reason is a short code (`http_timeout`); anything else is not taken. */
const RETRY_REASON = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The scheme's retry headers, read strictly: a whole number for the count,
 * a short code for the reason; undefined when the scheme has none or the
 * count is absent or malformed. They are not signed, so they only inform
 * (a workflow may answer a retry faster); nothing is decided by them.
 */
export function providerRetry(scheme: SchemeBase, headers: HeaderBag): ProviderRetry | undefined {
	if (!scheme.retryHeaders) return undefined;
	const count = readHeader(headers, scheme.retryHeaders.number);
	if (count.found !== 'one' || !/^\d{1,4}$/.test(count.value.trim())) return undefined;
	const number = Number(count.value.trim());
	if (number > MAX_RETRY_NUMBER) return undefined;
	const reason = readHeader(headers, scheme.retryHeaders.reason);
	const code = reason.found === 'one' ? reason.value.trim() : '';
	return RETRY_REASON.test(code) ? { number, reason: code } : { number };
}
