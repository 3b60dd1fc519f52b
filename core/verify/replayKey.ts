import { createHash } from 'node:crypto';

import type { SignedChunk } from '../crypto/signedContent';
import type { SchemeBase } from '../schemes/types';

/**
 * How a verified call is named for replay protection (VerifyResult's
 * replayKey): by the bytes its signature covers and nothing else, so no copy
 * of the call can be made to look new: not by re-spelling its signature
 * header (hex case, base64 padding, which rotation signature is sent), nor by
 * an unsigned id, nor by splitting the same signed bytes into another id,
 * timestamp and body (`{id}{body}` signs the same bytes for `X-Id: a` with
 * body `bc` as for `X-Id: ab` with body `c`), nor by rotating the secret.
 *
 * One exception: a signed id that opens the signed content and is ended by a
 * separator (Standard Webhooks' `id.timestamp.body`) names the call, because
 * its sender keeps the id when it re-signs a retry with a new timestamp. Such
 * an id is unambiguous only without that separator in it, so verify() refuses
 * an id that holds it (idSeparator): then the id is the signed bytes up to the
 * first separator, the same for every split.
 */
export function replayKey(
	scheme: SchemeBase,
	id: string | undefined,
	chunks: readonly SignedChunk[],
): string {
	if (id !== undefined && idSeparator(scheme) !== undefined) return `id:${id}`;
	const hash = createHash('sha256');
	for (const chunk of chunks) hash.update(chunk); // a string as UTF-8
	return `content:${hash.digest('base64')}`;
}

/**
 * The character that ends the signed id, where the id opens the signed
 * content (after literals only) and a literal follows it: '.' for Standard
 * Webhooks and Svix. Undefined where the id is not signed, or not so placed.
 */
export function idSeparator(scheme: SchemeBase): string | undefined {
	const parts = scheme.signedContent;
	const first = parts.findIndex((part) => part.kind !== 'literal');
	const next = parts[first + 1];
	if (parts[first]?.kind !== 'id' || next?.kind !== 'literal' || next.text === '') return undefined;
	return next.text[0];
}
