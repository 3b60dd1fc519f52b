/**
 * verify(), the entry a reader starts from: a call is inspected without any
 * secret (inspect.ts), its signatures checked with each configured secret
 * (HMAC) or public key, and a verified call named for replay protection
 * (replayKey.ts). precheck() is the first step alone.
 */
import { timingSafeEqual } from 'node:crypto';

import { signatureMatches } from './asymmetric';
import { hmacDigest, joinChunks, type SignedChunk } from './digest';
import type { HeaderBag } from './headers';
import { inspectCall, type Inspection } from './inspect';
import { resolveKeyObjects } from './keys';
import type { RejectionReason } from './reasons';
import { reject } from './rejection';
import { replayKey } from './replayKey';
import { resolveKeys, type SecretLabel, type SecretSet, type SigningKey } from './secrets';
import {
	isPublicKeyScheme,
	type AnySchemeDefinition,
	type KeyOrder,
	type PublicKeySchemeDefinition,
	type SchemeDefinition,
} from './schemes/types';

export interface VerifyOptions {
	/** The current time; injected so tests (and replays of old logs) are deterministic. */
	readonly now?: Date;
	/**
	 * Accepted distance, in seconds, between a signed timestamp and `now`, in
	 * both directions. `undefined` uses the scheme's documented window (or
	 * 300 s); `null` or 0 turns the check off. Unsigned timestamps are never used.
	 */
	readonly toleranceSeconds?: number | null;
	/** Replaces the scheme's signature header name (Smarter Launch, Generic HMAC). */
	readonly signatureHeader?: string;
	/** The request line, for schemes that sign it (Square, HubSpot v3). */
	readonly method?: string;
	readonly url?: string;
	/** Also set result.replayKey; off, a plain check does not pay for encoding a digest. */
	readonly replayKey?: boolean;
}

export type VerifyResult =
	| {
			readonly valid: true;
			readonly reason: 'ok';
			readonly detail: string;
			/** The secret, or for a public-key scheme the public key, that verified the call. */
			readonly matchedSecret: SecretLabel;
			/** The HMAC inputs' order; absent for a public-key scheme, which has no such choice. */
			readonly keyOrder?: KeyOrder;
			readonly timestamp?: Date;
			readonly id?: string;
			/**
			 * Names this call for replay protection, and cannot be changed without
			 * breaking the signature: the id where the signature covers it, else the
			 * digest the first configured secret gives the signed content. So an
			 * unsigned id, the spelling of the signature header (hex case, base64
			 * padding) or which of several rotation signatures is sent do not make
			 * the same call look new.
			 */
			readonly replayKey?: string;
	  }
	| {
			readonly valid: false;
			readonly reason: RejectionReason;
			/** Safe to show the caller: it names headers and limits, never a secret or a signature. */
			readonly detail: string;
			readonly timestamp?: Date;
			readonly id?: string;
	  };

export type VerifyRejection = Extract<VerifyResult, { valid: false }>;

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
	scheme: AnySchemeDefinition,
	secrets: SecretSet,
	body: Uint8Array,
	headers: HeaderBag,
	options: VerifyOptions = {},
): VerifyResult {
	try {
		return isPublicKeyScheme(scheme)
			? verifyWithPublicKey(scheme, secrets, body, headers, options)
			: verifyWithSecret(scheme, secrets, body, headers, options);
	} catch (error) {
		// Reached only through a defect or an impossible configuration (say, an
		// unknown hash name in a hand-built scheme); still an answer, not a crash.
		return reject('verifier_error', `Verification could not run: ${(error as Error).message}`);
	}
}

/**
 * The rejection verify() would give without a secret; undefined when only the
 * signature can decide. For a receiver whose secret is costly to load (n8n
 * builds a sandbox to hand a trigger its credential). Never throws.
 */
export function precheck(
	scheme: AnySchemeDefinition,
	body: Uint8Array,
	headers: HeaderBag,
	options: VerifyOptions = {},
): VerifyRejection | undefined {
	try {
		const inspected = inspectCall(scheme, body, headers, options);
		return inspected.ok ? undefined : inspected.rejection;
	} catch {
		return undefined; // verify() answers it, with verifier_error
	}
}

function verifyWithSecret(
	scheme: SchemeDefinition,
	secrets: SecretSet,
	body: Uint8Array,
	headers: HeaderBag,
	options: VerifyOptions,
): VerifyResult {
	const keys = resolveKeys(secrets, scheme.secretEncoding);
	if (!keys.ok) return reject(keys.reason, keys.detail);
	const call = inspectCall(scheme, body, headers, options);
	if (!call.ok) return call.rejection;

	const match = findMatch(scheme, keys.keys, call.candidates, call.parsed.signatures);
	if (!match) return mismatch(call, scheme.bodySignature ? 'its timestamp and token' : 'the body');
	return {
		valid: true,
		reason: 'ok',
		detail: `Signed with the ${match.label} secret`,
		matchedSecret: match.label,
		keyOrder: match.order,
		timestamp: call.stamp.date,
		id: call.id,
		replayKey: options.replayKey
			? replayKey(scheme, call.id, call.content.chunks, match.canonical)
			: undefined,
	};
}

function verifyWithPublicKey(
	scheme: PublicKeySchemeDefinition,
	secrets: SecretSet,
	body: Uint8Array,
	headers: HeaderBag,
	options: VerifyOptions,
): VerifyResult {
	const keys = resolveKeyObjects(secrets, scheme.algorithm, 'public');
	if (!keys.ok) return reject(keys.reason, keys.detail);
	const call = inspectCall(scheme, body, headers, options);
	if (!call.ok) return call.rejection;

	const messages = call.candidates.map(joinChunks);
	const match = keys.keys.find(({ key }) =>
		messages.some((message) =>
			call.parsed.signatures.some((signature) =>
				signatureMatches(scheme.algorithm, key, message, signature),
			),
		),
	);
	if (!match) return mismatch(call, 'the body');
	return {
		valid: true,
		reason: 'ok',
		detail: `Signed with the private key of the ${match.label} public key`,
		matchedSecret: match.label,
		timestamp: call.stamp.date,
		id: call.id,
		replayKey: options.replayKey
			? replayKey(scheme, call.id, call.content.chunks, undefined)
			: undefined,
	};
}

function mismatch(call: Extract<Inspection, { ok: true }>, signed: string): VerifyRejection {
	const detail = `The signature in ${call.headerName} does not match ${signed}`;
	return reject('signature_mismatch', detail, { id: call.id, timestamp: call.stamp.date });
}

const DEFAULT_KEY_ORDERS: readonly KeyOrder[] = ['secret-as-key'];

/**
 * The secret and key order whose digest, of one of the contents the
 * signature may cover, is one of the signatures sent; undefined when none is.
 */
function findMatch(
	scheme: SchemeDefinition,
	keys: readonly SigningKey[],
	contents: readonly (readonly SignedChunk[])[],
	signatures: readonly Buffer[],
): { label: SecretLabel; order: KeyOrder; canonical: Buffer } | undefined {
	// The first digest computed (first content, first order, first secret):
	// the same for a given call whichever signature in the header matched.
	let canonical: Buffer | undefined;
	for (const chunks of contents) {
		for (const order of scheme.keyOrders ?? DEFAULT_KEY_ORDERS) {
			for (const { label, key } of keys) {
				const expected = hmacDigest(scheme.algorithm, key, chunks, order);
				canonical ??= expected;
				for (const candidate of signatures) {
					// Lengths are public (they follow from the algorithm); contents are
					// compared in constant time.
					if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) {
						return { label, order, canonical };
					}
				}
			}
		}
	}
	return undefined;
}
