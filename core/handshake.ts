import { createHmac } from 'node:crypto';

import type { HmacKey } from './secrets';
import type { FieldPath, SchemeBase } from './schemes/types';

/**
 * The answer to a handshake: status 200, this content type, this body. Sent
 * as is, byte for byte; nothing runs.
 */
export interface HandshakeReply {
	readonly status: 200;
	readonly contentType: string;
	readonly body: string;
}

/**
 * Longest field a handshake answers with, in UTF-16 units. Slack's challenge
 * is about 50 characters and Zoom's plainToken 22; a longer one, or one that
 * is not a non-empty string, makes the call no handshake: it is then an
 * ordinary (verified) call and runs, as @zoom/rivet runs a validation event
 * whose plainToken is not a string. Refusing it would hide a call the
 * provider signed; running it shows the user its unexpected shape.
 */
export const MAX_HANDSHAKE_FIELD_LENGTH = 1024;

/**
 * The reply to a scheme's handshake (Discord's PING, Slack's url_verification,
 * Zoom's endpoint.url_validation), or undefined for any other call. Never
 * throws.
 *
 * Call it only for a call whose signature was verified: receive() does, and
 * nothing else in the package may. An unsigned handshake is as forged as any
 * other call, and for Zoom the reply is the HMAC, under the secret, of a
 * string taken from the body: asked for an unverified body it would sign
 * whatever an attacker chose (say `v0:<ts>:<a forged body>`, which is a valid
 * Zoom signature). For a verified call the string is the provider's own.
 * This is why core/index.ts exports only the reply's type.
 *
 * `key` gives the HMAC key of the secret that verified the call, asked for
 * only by an answer that needs it; it never leaves this function.
 */
export function handshakeReply(
	scheme: SchemeBase,
	body: Uint8Array,
	key: () => HmacKey | undefined,
): HandshakeReply | undefined {
	const handshake = scheme.handshake;
	if (!handshake) return undefined;
	const parsed = parseObject(body);
	if (parsed === undefined || readPath(parsed, handshake.match.path) !== handshake.match.value) {
		return undefined;
	}
	const answer = handshake.answer;
	switch (answer.kind) {
		case 'fixed-json':
			return { status: 200, contentType: 'application/json', body: answer.json };
		case 'echo': {
			const value = answerable(readPath(parsed, answer.path));
			// Slack documents a plain-text answer first (api.slack.com/events/url_verification).
			return value === undefined
				? undefined
				: { status: 200, contentType: 'text/plain', body: value };
		}
		case 'hmac-json': {
			const value = answerable(readPath(parsed, answer.path));
			const hmacKey = value === undefined ? undefined : key();
			if (value === undefined || hmacKey === undefined) return undefined;
			const digest = createHmac(answer.algorithm, hmacKey)
				.update(value, 'utf8')
				.digest(answer.encoding);
			const reply: Record<string, string> = {};
			for (const member of answer.members) {
				reply[member.name] = member.value === 'hmac' ? digest : value;
			}
			return { status: 200, contentType: 'application/json', body: JSON.stringify(reply) };
		}
	}
}

function answerable(value: unknown): string | undefined {
	return typeof value === 'string' && value.length > 0 && value.length <= MAX_HANDSHAKE_FIELD_LENGTH
		? value
		: undefined;
}

/** The body as a JSON object, or undefined when it is anything else (form, array, not JSON). */
function parseObject(body: Uint8Array): Record<string, unknown> | undefined {
	const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
	// A form post (Slack's slash commands) is not parsed at all.
	if (!text.trimStart().startsWith('{')) return undefined;
	try {
		const parsed: unknown = JSON.parse(text);
		return isObject(parsed) ? parsed : undefined;
	} catch {
		return undefined;
	}
}

function readPath(object: Record<string, unknown>, path: FieldPath): unknown {
	let value: unknown = object;
	for (const key of path) {
		// Own fields only: a path never reaches Object.prototype.
		if (!isObject(value) || !Object.prototype.hasOwnProperty.call(value, key)) return undefined;
		value = value[key];
	}
	return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
