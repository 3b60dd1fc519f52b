import { sign as signBytes, verify as verifyBytes, type KeyObject } from 'node:crypto';

import type { PublicKeyAlgorithm } from '../schemes/types';

/**
 * The byte lengths a signature can have: Ed25519's is always 64; a DER
 * ECDSA P-256 signature is a SEQUENCE of two INTEGERs of 1 to 33 bytes.
 */
export const SIGNATURE_LENGTHS: Record<PublicKeyAlgorithm, { min: number; max: number }> = {
	ed25519: { min: 64, max: 64 },
	'ecdsa-p256-sha256': { min: 8, max: 72 },
};

// Ed25519 hashes internally (node:crypto wants null); ECDSA signs a SHA-256
// digest, and SendGrid writes the signature as DER.
const HASH: Record<PublicKeyAlgorithm, string | null> = {
	ed25519: null,
	'ecdsa-p256-sha256': 'sha256',
};

/**
 * Whether `signature` is `key`'s signature of `message`. A signature check
 * compares nothing secret, so it needs no constant-time care of its own.
 * Never throws: a signature OpenSSL cannot even parse is simply not a match.
 */
export function signatureMatches(
	algorithm: PublicKeyAlgorithm,
	key: KeyObject,
	message: Buffer,
	signature: Buffer,
): boolean {
	try {
		return verifyBytes(HASH[algorithm], message, { key, dsaEncoding: 'der' }, signature);
	} catch {
		return false;
	}
}

export function signMessage(
	algorithm: PublicKeyAlgorithm,
	key: KeyObject,
	message: Buffer,
): Buffer {
	return signBytes(HASH[algorithm], message, { key, dsaEncoding: 'der' });
}
