import { createHash } from 'node:crypto';

import type { SignedChunk } from './digest';
import { isPublicKeyScheme, type AnySchemeDefinition } from './schemes/types';

/**
 * How a verified call is named for replay protection (VerifyResult's
 * replayKey): by something its signature covers, so that no copy of the call
 * can be made to look new. `chunks` is the content the signature covers;
 * `firstDigest` the first digest the HMAC path computed (see findMatch), and
 * undefined on the public-key path.
 */
export function replayKey(
	scheme: AnySchemeDefinition,
	id: string | undefined,
	chunks: readonly SignedChunk[],
	firstDigest: Buffer | undefined,
): string {
	// The id, where the signature covers it: the sender's own name for the
	// call, which an unsigned id header could not be.
	if (id !== undefined && scheme.signedContent.some((part) => part.kind === 'id')) {
		return `id:${id}`;
	}
	// Never a public-key signature: an ECDSA signature is random, and anyone
	// can turn a valid one into another valid one (s into n - s), so only the
	// signed id or the content itself names a call.
	if (isPublicKeyScheme(scheme) || firstDigest === undefined) {
		return `content:${contentHash(chunks)}`;
	}
	// With the content as the HMAC key, contents that differ only in trailing
	// zero bytes are the same key (HMAC pads keys with zeros), so the digest
	// cannot tell two calls apart: their content's own hash can.
	if (scheme.keyOrders?.[0] === 'content-as-key') return `content:${contentHash(chunks)}`;
	// Else the digest, already computed to check the signature: the same for
	// a given call whichever signature in the header matched, however the
	// header spells it.
	return `sig:${firstDigest.toString('base64')}`;
}

function contentHash(chunks: readonly SignedChunk[]): string {
	const hash = createHash('sha256');
	for (const chunk of chunks) hash.update(chunk); // a string as UTF-8
	return hash.digest('base64');
}
