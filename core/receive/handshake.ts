/**
 * The answer to a handshake: a signed call that only checks the endpoint
 * (Discord's PING, Slack's url_verification, Zoom's endpoint.url_validation)
 * and gets status 200 with a body, byte for byte; nothing runs.
 */
import { createHmac } from 'node:crypto';

import { isRecord, ownValue, parseJsonObject } from '../http/body';
import type { HmacKey } from '../crypto/secrets';
import type { FieldPath, SchemeBase } from '../schemes/types';

export interface HandshakeReply {
	readonly status: 200;
	readonly contentType: string;
	readonly body: string;
}

/**
 * Longest field a handshake answers with, in UTF-16 units (Slack's challenge
 * is about 50, Zoom's plainToken 22). A longer one, or a non-string or empty
 * one, makes an ordinary verified call that runs, as in @zoom/rivet:
 * refusing it would hide a call the provider signed.
 */
export const MAX_HANDSHAKE_FIELD_LENGTH = 1024;

/**
 * The reply to a scheme's handshake, or undefined for any other call. Never
 * throws. Only for a verified call (receive() is the one caller; core/index.ts
 * exports only the reply's type): Zoom's reply is the secret's HMAC of a
 * string from the body, so for an unverified body it would sign whatever an
 * attacker chose (say `v0:<ts>:<a forged body>`, a valid Zoom signature).
 * `key` gives the verifying secret's HMAC key, asked only where needed; it
 * never leaves this function.
 */
export function handshakeReply(
	scheme: SchemeBase,
	body: Uint8Array,
	key: () => HmacKey | undefined,
): HandshakeReply | undefined {
	const handshake = scheme.handshake;
	if (!handshake) return undefined;
	const parsed = parseJsonObject(body);
	if (parsed === undefined || readPath(parsed, handshake.match.path) !== handshake.match.value) {
		return undefined;
	}
	const answer = handshake.answer;
	if (answer.kind === 'fixed-json') {
		return { status: 200, contentType: 'application/json', body: answer.json };
	}
	const value = readPath(parsed, answer.path);
	if (
		typeof value !== 'string' ||
		value.length === 0 ||
		value.length > MAX_HANDSHAKE_FIELD_LENGTH
	) {
		return undefined;
	}
	if (answer.kind === 'echo') {
		// Slack documents a plain-text answer first (api.slack.com/events/url_verification).
		return { status: 200, contentType: 'text/plain', body: value };
	}
	const hmacKey = key();
	if (hmacKey === undefined) return undefined;
	const digest = createHmac(answer.algorithm, hmacKey)
		.update(value, 'utf8')
		.digest(answer.encoding);
	const reply: Record<string, string> = {};
	for (const member of answer.members) {
		reply[member.name] = member.value === 'hmac' ? digest : value;
	}
	return { status: 200, contentType: 'application/json', body: JSON.stringify(reply) };
}

/** The value at `path`, through own members only: a path never reaches Object.prototype. */
function readPath(object: Record<string, unknown>, path: FieldPath): unknown {
	let value: unknown = object;
	for (const key of path) {
		if (!isRecord(value)) return undefined;
		value = ownValue(value, key);
	}
	return value;
}
