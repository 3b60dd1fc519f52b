/**
 * What a scheme signs, built from the call's parts exactly as sent or
 * received: the signed content's chunks, and the two Twilio-specific parts
 * (a form's parameters, sorted; the body's digest carried in the URL),
 * written to match twilio-node 6.x's webhooks.js.
 */
import { createHash } from 'node:crypto';

import { decodeFormComponent, rawFormPairs } from '../http/form';
import type { Failure, Result } from '../result';
import type { BodyHashInUrl, SignedPart } from '../schemes/types';

/** What signed content draws on, exactly as sent or received. */
interface SignedValues {
	/** Raw bytes as received, or the exact string about to be sent (hashed as UTF-8). */
	readonly body: Uint8Array | string;
	readonly timestamp?: string;
	readonly id?: string;
	readonly method?: string;
	readonly url?: string;
	/** What a `form` part signs (see formSignedText); '' where the body's hash is in the URL. */
	readonly form?: string;
}

/** A piece of signed content: bytes, or text hashed as its UTF-8 bytes. */
export type SignedChunk = Uint8Array | string;

export type ContentResult =
	| { ok: true; chunks: SignedChunk[] }
	| (Failure<'missing_part'> & { part: Exclude<SignedPart['kind'], 'literal' | 'body'> });

/**
 * The chunks that are signed, in order. The body is passed through as it is,
 * so a 64 KB body is never copied to be signed; the short parts around it
 * (id, ".", timestamp, …) are joined into one string, because every update()
 * of an HMAC has a fixed cost that outweighs hashing a few bytes.
 */
export function signedContent(parts: readonly SignedPart[], values: SignedValues): ContentResult {
	const chunks: SignedChunk[] = [];
	let text = '';
	for (const part of parts) {
		if (part.kind === 'body') {
			if (text !== '') chunks.push(text);
			text = '';
			chunks.push(values.body);
		} else if (part.kind === 'literal') {
			text += part.text;
		} else if (part.kind === 'url' && part.decoded && values.url !== undefined) {
			text += decodeEscapes(values.url, part.decoded);
		} else {
			const value = values[part.kind];
			if (value === undefined) {
				const detail = `The ${part.kind} the signature covers is missing`;
				return { ok: false, reason: 'missing_part', detail, part: part.kind };
			}
			text += value;
		}
	}
	if (text !== '') chunks.push(text);
	return { ok: true, chunks };
}

/**
 * The signed content as one buffer, for what cannot be fed in pieces: an
 * HMAC key, and Ed25519, which hashes its message twice.
 */
export function joinChunks(chunks: readonly SignedChunk[]): Buffer {
	return Buffer.concat(
		chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk)),
	);
}

/** `url` with the percent-encodings of the characters in `decoded` (any hex case) decoded. */
function decodeEscapes(url: string, decoded: string): string {
	return url.replace(/%([0-9A-Fa-f]{2})/g, (escape: string, hex: string) => {
		const character = String.fromCharCode(parseInt(hex, 16));
		return decoded.includes(character) ? character : escape;
	});
}

/**
 * The text a `form` part signs: the parameters of an
 * application/x-www-form-urlencoded body, sorted by name, each name then
 * value, a name's repeated values sorted and written once each. This is what
 * getExpectedTwilioSignature makes of the parameters Express parses from
 * the body. Not form text: not UTF-8, or a percent sign that does not start
 * an escape of UTF-8 bytes. Parsers differ on such bodies (querystring keeps
 * a bad escape, qs leaves the value undecoded, WHATWG writes U+FFFD, so
 * different bodies would sign the same), and Twilio never sends one.
 */
export function formSignedText(
	body: Uint8Array,
): Result<{ text: string }, 'not_form' | 'too_many_form_parameters'> {
	const notForm = { ok: false, reason: 'not_form', detail: 'The body is not form text' } as const;
	const raw = rawFormPairs(body);
	if (!raw.ok) return raw.reason === 'not_utf8' ? notForm : { ...raw, reason: raw.reason }; // narrowed
	const values = new Map<string, Set<string>>();
	for (const [rawName, rawValue] of raw.pairs) {
		const name = decodeFormComponent(rawName);
		const value = decodeFormComponent(rawValue);
		if (name === undefined || value === undefined) return notForm;
		const seen = values.get(name);
		if (seen) seen.add(value);
		else values.set(name, new Set([value]));
	}
	let signed = '';
	// JavaScript's default sort (UTF-16 code units), as twilio-node sorts.
	for (const name of [...values.keys()].sort()) {
		for (const value of [...(values.get(name) ?? [])].sort()) signed += name + value;
	}
	return { ok: true, text: signed };
}

/** The body's digest as the rule writes it in the URL. */
export function bodyDigest(rule: BodyHashInUrl, body: Uint8Array | string): string {
	return createHash(rule.algorithm).update(body).digest(rule.encoding); // a string as UTF-8
}
