import { createHmac } from 'node:crypto';

import type { HashAlgorithm, KeyOrder, SignedPart } from './schemes/types';

/** The values a scheme's signed content can draw on, exactly as sent or received. */
export interface SignedValues {
	readonly body: Uint8Array;
	readonly timestamp?: string;
	readonly id?: string;
	readonly method?: string;
	readonly url?: string;
}

export type ContentResult =
	| { ok: true; chunks: Uint8Array[] }
	| { ok: false; missing: Exclude<SignedPart['kind'], 'literal' | 'body'> };

/**
 * The byte chunks that are signed, in order. They are fed to the HMAC one by
 * one, so a 64 KB body is never copied to be signed.
 */
export function signedContent(parts: readonly SignedPart[], values: SignedValues): ContentResult {
	const chunks: Uint8Array[] = [];
	for (const part of parts) {
		if (part.kind === 'body') {
			chunks.push(values.body);
		} else if (part.kind === 'literal') {
			chunks.push(Buffer.from(part.text, 'utf8'));
		} else {
			const value = values[part.kind];
			if (value === undefined) return { ok: false, missing: part.kind };
			chunks.push(Buffer.from(value, 'utf8'));
		}
	}
	return { ok: true, chunks };
}

export function hmacDigest(
	algorithm: HashAlgorithm,
	key: Buffer,
	chunks: readonly Uint8Array[],
	order: KeyOrder = 'secret-as-key',
): Buffer {
	if (order === 'content-as-key') {
		return createHmac(algorithm, Buffer.concat(chunks)).update(key).digest();
	}
	const hmac = createHmac(algorithm, key);
	for (const chunk of chunks) hmac.update(chunk);
	return hmac.digest();
}

export const DIGEST_LENGTH: Record<HashAlgorithm, number> = { sha1: 20, sha256: 32, sha512: 64 };
