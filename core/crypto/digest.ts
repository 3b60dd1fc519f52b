import { createHmac, type Hmac } from 'node:crypto';

import { joinChunks, type SignedChunk } from './signedContent';
import type { DigestEncoding, HashAlgorithm, KeyOrder } from '../schemes/types';
import type { HmacKey } from './secrets';

export function hmacDigest(
	algorithm: HashAlgorithm,
	key: HmacKey,
	chunks: readonly SignedChunk[],
	order?: KeyOrder,
): Buffer;
/**
 * The digest already encoded: one step in OpenSSL instead of a Buffer and
 * then a string (faster for sign(): BENCHMARKS.md, "Digest encodings").
 */
export function hmacDigest(
	algorithm: HashAlgorithm,
	key: HmacKey,
	chunks: readonly SignedChunk[],
	order: KeyOrder | undefined,
	encoding: DigestEncoding,
): string;
export function hmacDigest(
	algorithm: HashAlgorithm,
	key: HmacKey,
	chunks: readonly SignedChunk[],
	order: KeyOrder = 'secret-as-key',
	encoding?: DigestEncoding,
): Buffer | string {
	let hmac: Hmac;
	if (order === 'content-as-key') {
		hmac = createHmac(algorithm, joinChunks(chunks)).update(key);
	} else {
		hmac = createHmac(algorithm, key);
		for (const chunk of chunks) {
			// A string is hashed as its UTF-8 bytes, update()'s default.
			hmac.update(chunk);
		}
	}
	if (encoding !== undefined) return hmac.digest(encoding);
	// digest() as a Buffer costs more than a latin1 ('binary') string turned
	// into one (BENCHMARKS.md, "Digest encodings").
	return Buffer.from(hmac.digest('binary'), 'binary');
}

export const DIGEST_LENGTH: Record<HashAlgorithm, number> = { sha1: 20, sha256: 32, sha512: 64 };
