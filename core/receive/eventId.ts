/**
 * The provider's event id of a verified call: what stays the same when the
 * provider retries the event, even re-signed with a new timestamp (Stripe,
 * Slack, Paddle…), so a workflow, or replay protection, can run each event
 * once. Read only after the signature holds: before it, the body is anyone's.
 */
import { findTopLevelMembers, parseMemberValue } from '../http/jsonMembers';
import type { SchemeBase } from '../schemes/types';
import { idSeparator } from '../verify/replayKey';

/** Longest event id taken, in characters: providers' ids are a few dozen. */
export const MAX_EVENT_ID_LENGTH = 200;
/** Longest raw member value read for it: an id, quoted and escaped, fits many times over. */
const MAX_EVENT_ID_BYTES = 4 * 1024;

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
