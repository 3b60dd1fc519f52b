/**
 * verify(), the entry a reader starts from: a call is inspected without any
 * secret (inspect.ts), its signatures checked with each configured secret
 * (HMAC) or public key, and a verified call named for replay protection
 * (replayKey.ts). checkSignature() is the last step alone, for a receiver
 * that inspects each call before loading its secret (receive.ts).
 */
import { timingSafeEqual } from 'node:crypto';

import { signatureMatches } from '../crypto/asymmetric';
import { isJsonText } from '../http/body';
import { hmacDigest } from '../crypto/digest';
import { joinChunks } from '../crypto/signedContent';
import type { HeaderBag } from '../http/headers';
import { inspectCall, type Inspection } from './inspect';
import { resolveKeyObjects, type LabelledKey } from '../crypto/keys';
import type { RejectionReason } from './reasons';
import type { VerifyOptions } from './options';
import { reject, type Rejection } from './rejection';
import { replayKey } from './replayKey';
import { resolveKeys, type SecretLabel, type SecretSet, type SigningKey } from '../crypto/secrets';
import {
	bodySignatureOf,
	type Scheme,
	type KeyOrder,
	type PublicKeyScheme,
	type HmacScheme,
} from '../schemes/types';

export type VerifyResult =
	| {
			readonly ok: true;
			readonly detail: string;
			/** The secret, or for a public-key scheme the public key, that verified the call. */
			readonly matchedSecret: SecretLabel;
			/** The HMAC inputs' order; absent for a public-key scheme, which has no such choice. */
			readonly keyOrder?: KeyOrder;
			readonly timestamp?: Date;
			readonly id?: string;
			/**
			 * Names this call for replay protection, and cannot be changed without
			 * breaking the signature: a hash of the signed bytes, or the signed id
			 * where it opens them (replayKey.ts says which, and why nothing else).
			 */
			readonly replayKey?: string;
	  }
	| Rejection;

/**
 * Checks a received call against a scheme. Never throws: every outcome,
 * including a broken configuration, is a result with a reason code.
 *
 * `body` must be the raw bytes received. Re-serialised JSON is not the same
 * bytes (spacing, key order, number formats, escapes) and must not be used.
 * For a public-key scheme `secrets` holds the sender's public keys (primary,
 * and secondary while the sender rotates), as the provider hands them out.
 */
export function verify(
	scheme: Scheme,
	secrets: SecretSet,
	body: Uint8Array,
	headers: HeaderBag,
	options: VerifyOptions = {},
): VerifyResult {
	try {
		// The configuration first: with no usable secret, every call gets the same answer.
		const keys = verifyingKeys(scheme, secrets);
		if (!keys.ok) return reject(keys.reason, keys.detail);
		const call = inspectCall(scheme, body, headers, options);
		if (!call.ok) return call;
		return matchSignature(scheme, keys, call, body, options.replayKey === true);
	} catch (error) {
		return verifierError(error);
	}
}

/**
 * verify()'s last step, for a call inspectCall() passed: a receiver that
 * inspects each call before loading its secret (receive.ts) checks the
 * signature on that inspection instead of inspecting the call again.
 */
export function checkSignature(
	scheme: Scheme,
	secrets: SecretSet,
	call: InspectedCall,
	body: Uint8Array,
	options: Pick<VerifyOptions, 'replayKey'> = {},
): VerifyResult {
	try {
		const keys = verifyingKeys(scheme, secrets);
		if (!keys.ok) return reject(keys.reason, keys.detail);
		return matchSignature(scheme, keys, call, body, options.replayKey === true);
	} catch (error) {
		return verifierError(error);
	}
}

/** What an inspection that found nothing wrong gives checkSignature(). */
export type InspectedCall = Extract<Inspection, { ok: true }>;

/**
 * Reached only through a defect or an impossible configuration (say, an
 * unknown hash name in a hand-built scheme); still an answer, not a crash.
 */
function verifierError(error: unknown): Rejection {
	return reject('verifier_error', `Verification could not run: ${(error as Error).message}`);
}

type VerifyingKeys =
	| { readonly ok: true; readonly hmac: readonly SigningKey[] }
	| { readonly ok: true; readonly hmac?: undefined; readonly public: readonly LabelledKey[] }
	| { readonly ok: false; readonly reason: RejectionReason; readonly detail: string };

/** The HMAC keys or, for a public-key scheme, the public keys the call is checked with. */
function verifyingKeys(scheme: Scheme, secrets: SecretSet): VerifyingKeys {
	if (scheme.kind === 'public-key') {
		const keys = resolveKeyObjects(secrets, scheme.algorithm, 'public');
		return keys.ok ? { ok: true, public: keys.keys } : keys;
	}
	const keys = resolveKeys(secrets, scheme.secretEncoding);
	return keys.ok ? { ok: true, hmac: keys.keys } : keys;
}

const SIGNED_WITH_SECRET: Record<SecretLabel, string> = {
	primary: 'Signed with the primary secret',
	secondary: 'Signed with the secondary secret',
};
const SIGNED_WITH_KEY: Record<SecretLabel, string> = {
	primary: 'Signed with the private key of the primary public key',
	secondary: 'Signed with the private key of the secondary public key',
};

function matchSignature(
	scheme: Scheme,
	keys: Extract<VerifyingKeys, { ok: true }>,
	call: InspectedCall,
	body: Uint8Array,
	named: boolean,
): VerifyResult {
	const match =
		keys.hmac === undefined
			? matchPublicKey(scheme as PublicKeyScheme, keys.public, call)
			: matchSecret(scheme as HmacScheme, keys.hmac, call);
	if (!match) {
		const signed = bodySignatureOf(scheme) ? 'its timestamp and token' : 'the body';
		return mismatch(call, signed);
	}
	// Only bytes that could be JSON reached the signature (inspectCall); the
	// whole parse waits for a signature that holds, so no forger can make it run.
	if (scheme.kind === 'hmac' && scheme.bodyFormat === 'json' && !isJsonText(body)) {
		const detail = `${scheme.name} signs JSON text; this body is not valid UTF-8 JSON`;
		return reject('malformed_body', detail, { id: call.id, timestamp: call.stamp.date });
	}
	return {
		ok: true,
		detail: (keys.hmac === undefined ? SIGNED_WITH_KEY : SIGNED_WITH_SECRET)[match.label],
		matchedSecret: match.label,
		keyOrder: match.order,
		timestamp: call.stamp.date,
		id: call.id,
		replayKey: named ? replayKey(scheme, call.id, call.content.chunks) : undefined,
	};
}

/** The public key that verifies one of the signatures sent, over one of the contents. */
function matchPublicKey(
	scheme: PublicKeyScheme,
	keys: readonly LabelledKey[],
	call: InspectedCall,
): { label: SecretLabel; order?: undefined } | undefined {
	const messages = call.candidates.map(joinChunks);
	return keys.find(({ key }) =>
		messages.some((message) =>
			call.parsed.signatures.some((signature) =>
				signatureMatches(scheme.algorithm, key, message, signature),
			),
		),
	);
}

function mismatch(call: InspectedCall, signed: string): Rejection {
	const detail = `The signature in ${call.foundIn} does not match ${signed}`;
	return reject('signature_mismatch', detail, { id: call.id, timestamp: call.stamp.date });
}

const DEFAULT_KEY_ORDERS: readonly KeyOrder[] = ['secret-as-key'];

/**
 * The secret and key order whose digest, of one of the contents the
 * signature may cover, is one of the signatures sent; undefined when none is.
 */
function matchSecret(
	scheme: HmacScheme,
	keys: readonly SigningKey[],
	call: InspectedCall,
): { label: SecretLabel; order: KeyOrder } | undefined {
	for (const chunks of call.candidates) {
		for (const order of scheme.keyOrders ?? DEFAULT_KEY_ORDERS) {
			for (const { label, key } of keys) {
				const expected = hmacDigest(scheme.algorithm, key, chunks, order);
				for (const candidate of call.parsed.signatures) {
					// Lengths are public (they follow from the algorithm); contents are
					// compared in constant time.
					if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) {
						return { label, order };
					}
				}
			}
		}
	}
	return undefined;
}
