import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

import type { Failure, Result } from '../result';
import { signatureMatches, signMessage } from './asymmetric';
import { decodeStrict } from './encoding';
import { SECRET_LABELS, type SecretLabel, type SecretSet } from './secrets';
import type { PublicKeyAlgorithm } from '../schemes/types';

/** Which half of a key pair is wanted: public to verify, private to sign. */
export type KeyRole = 'public' | 'private';

/**
 * A key read from text, or why it cannot be. Its `detail` completes "The
 * primary public key …"; it is a fixed sentence that names formats and
 * lengths only, so a private key pasted anywhere never reaches a message.
 */
type KeyRead = Result<{ key: KeyObject }, 'invalid_key'>;

export interface LabelledKey {
	readonly label: SecretLabel;
	readonly key: KeyObject;
}

type KeyObjectsResult =
	| { ok: true; keys: readonly LabelledKey[] }
	| { ok: false; reason: 'no_secret' | 'invalid_key'; detail: string };

// RFC 8410 wrappers around a raw Ed25519 key, so node:crypto can import it as
// DER: SubjectPublicKeyInfo for a 32-byte public key, PKCS#8 for a 32-byte seed.
const ED25519_SPKI = Buffer.from('302a300506032b6570032100', 'hex');
const ED25519_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * Standard Webhooks' prefixes. The spec says only "standard ed25519 key
 * pair, base64 encoded"; its public key is the 32 raw bytes. For `whsk_`,
 * Svix (the spec's author) stores libsodium's 64-byte form, seed then public
 * key, while other libraries keep the 32-byte seed: both are read, and the
 * 64-byte form must carry the public key its seed gives.
 */
const WHPK = 'whpk_';
const WHSK = 'whsk_';

/**
 * The y-coordinates (32 bytes, little-endian, sign bit cleared) of the
 * points of edwards25519 whose order divides 8, as libsodium refuses them
 * (ge25519_has_small_order): 0, 1, p - 1, the two of order 8, and p and
 * p + 1, non-canonical spellings of 0 and 1. Under such a key a signature
 * proves nothing: Node 20's OpenSSL 3.0 accepts 01 00…00 under the identity
 * key (01 00…00) for any message. test/helpers/edwards25519.ts derives them.
 */
export const SMALL_ORDER_ED25519_Y: readonly string[] = Object.freeze([
	'0000000000000000000000000000000000000000000000000000000000000000',
	'0100000000000000000000000000000000000000000000000000000000000000',
	'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
	'26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
	'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
	'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
	'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
]);

const NEEDS: Record<PublicKeyAlgorithm, string> = {
	ed25519: 'an Ed25519 key',
	'ecdsa-p256-sha256': 'an ECDSA P-256 (prime256v1) key',
};

const fail = (detail: string): Failure<'invalid_key'> => ({
	ok: false,
	reason: 'invalid_key',
	detail,
});

const hasText = (value: string | undefined): value is string =>
	value !== undefined && value.trim() !== '';

/** The refusal of a key pair's other half than the one wanted. */
function wrongHalf(isPrivate: boolean, role: KeyRole): KeyRead | undefined {
	if (role === 'public' && isPrivate) {
		return fail(
			'is a private key: paste the public key here, and keep the private key to the sender',
		);
	}
	if (role === 'private' && !isPrivate)
		return fail('is a public key: signing needs the private key');
	return undefined;
}

/**
 * Reads a key as providers hand it out: hex or base64 raw Ed25519 (32
 * bytes), PEM (SPKI public, PKCS#8 private), base64 DER, or Standard
 * Webhooks' whpk_/whsk_. Never throws.
 */
export function readKey(text: string, algorithm: PublicKeyAlgorithm, role: KeyRole): KeyRead {
	const trimmed = text.trim();
	let read: KeyRead;
	if (trimmed.startsWith('-----BEGIN')) read = readPem(trimmed, role);
	else if (trimmed.startsWith(WHPK) || trimmed.startsWith(WHSK)) {
		read = readStandardWebhooks(trimmed, algorithm, role);
	} else {
		// Hex first: a hex key is also valid base64, while a base64 key is all
		// hex digits only by a chance too small to matter (under 1 in 10^19).
		const isHex = /^[0-9a-fA-F]+$/.test(trimmed);
		if (isHex && trimmed.length % 2 === 1) return fail('has an odd number of hex characters');
		const bytes = decodeStrict(trimmed, isHex ? 'hex' : 'base64');
		if (!bytes || bytes.length === 0) return fail('is not hex, base64, PEM or whpk_/whsk_ text');
		read = readBytes(bytes, algorithm, role);
	}
	if (!read.ok) return read;
	const typed = checkType(read.key, algorithm);
	return typed.ok && hasSmallOrder(typed.key)
		? fail(
				'is a small-order Ed25519 point, not a real public key: signatures under it can be forged (a placeholder such as all zeros?)',
			)
		: typed;
}

/**
 * Whether an Ed25519 public key, in whatever form it came, is a small-order
 * point. Private keys need no check: a seed's public key is a multiple of
 * the base point, which never has small order.
 */
function hasSmallOrder(key: KeyObject): boolean {
	if (key.type !== 'public' || key.asymmetricKeyType !== 'ed25519') return false;
	const y = Buffer.from(key.export({ format: 'der', type: 'spki' }).subarray(ED25519_SPKI.length));
	y[31] &= 0x7f;
	return SMALL_ORDER_ED25519_Y.includes(y.toString('hex'));
}

function readPem(pem: string, role: KeyRole): KeyRead {
	const wrong = wrongHalf(/^-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem), role);
	if (wrong) return wrong;
	try {
		return { ok: true, key: role === 'public' ? createPublicKey(pem) : createPrivateKey(pem) };
	} catch {
		// node:crypto's message is dropped: nothing from it reaches the caller.
		return fail('is PEM that cannot be read as a key (damaged, or encrypted with a passphrase)');
	}
}

function readStandardWebhooks(text: string, algorithm: PublicKeyAlgorithm, role: KeyRole): KeyRead {
	if (algorithm !== 'ed25519')
		return fail(`is a Standard Webhooks Ed25519 key; this needs ${NEEDS[algorithm]}`);
	const isPrivate = text.startsWith(WHSK);
	const wrong = wrongHalf(isPrivate, role);
	if (wrong) return wrong;
	const bytes = decodeStrict(text.slice(WHPK.length), 'base64');
	if (!bytes) return fail(`is not ${isPrivate ? WHSK : WHPK} followed by base64`);
	if (bytes.length !== 32 && !(isPrivate && bytes.length === 64)) {
		const holds = isPrivate
			? 'a 32-byte seed or 64 bytes (seed and public key)'
			: 'the 32-byte Ed25519 public key';
		return fail(`holds ${bytes.length} bytes; a ${isPrivate ? WHSK : WHPK} key holds ${holds}`);
	}
	return readEd25519Raw(bytes, role);
}

function readBytes(bytes: Buffer, algorithm: PublicKeyAlgorithm, role: KeyRole): KeyRead {
	if (algorithm === 'ed25519' && bytes.length === 32) return readEd25519Raw(bytes, role);
	if (algorithm === 'ed25519' && bytes.length === 64) {
		return role === 'private'
			? readEd25519Raw(bytes, role)
			: fail(
					'is 64 bytes, the size of an Ed25519 private key (seed and public key) or of a signature; an Ed25519 public key is 32 bytes (64 hex characters)',
				);
	}
	// DER: both halves are tried, to tell the user which one was pasted.
	const asPublic = importDer(bytes, 'public');
	const key = asPublic ?? importDer(bytes, 'private');
	if (key) return wrongHalf(asPublic === undefined, role) ?? { ok: true, key };
	return algorithm === 'ed25519'
		? fail(
				`is ${bytes.length} bytes; an Ed25519 key is 32 raw bytes (64 hex characters) or DER (${role === 'public' ? 'SPKI' : 'PKCS#8'})`,
			)
		: fail(
				`is not a DER ${role === 'public' ? 'SPKI public' : 'PKCS#8 private'} key (base64, as SendGrid shows it, or PEM)`,
			);
}

function importDer(bytes: Buffer, role: KeyRole): KeyObject | undefined {
	try {
		return role === 'public'
			? createPublicKey({ key: bytes, format: 'der', type: 'spki' })
			: createPrivateKey({ key: bytes, format: 'der', type: 'pkcs8' });
	} catch {
		return undefined;
	}
}

/**
 * A raw Ed25519 key: 32 bytes are the public key (role public) or the seed
 * (role private); 64 bytes are seed then public key, and must agree.
 */
function readEd25519Raw(bytes: Buffer, role: KeyRole): KeyRead {
	if (role === 'public') {
		const key = importDer(Buffer.concat([ED25519_SPKI, bytes]), 'public');
		return key ? { ok: true, key } : fail('is not a valid Ed25519 public key');
	}
	const key = importDer(Buffer.concat([ED25519_PKCS8, bytes.subarray(0, 32)]), 'private');
	if (!key) return fail('is not a valid Ed25519 private key');
	if (bytes.length === 64) {
		const derived = createPublicKey(key).export({ format: 'der', type: 'spki' });
		if (!derived.subarray(ED25519_SPKI.length).equals(bytes.subarray(32))) {
			return fail('holds a seed and a public key that do not belong together');
		}
	}
	return { ok: true, key };
}

function checkType(key: KeyObject, algorithm: PublicKeyAlgorithm): KeyRead {
	const type = key.asymmetricKeyType;
	const fits =
		algorithm === 'ed25519'
			? type === 'ed25519'
			: type === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
	if (fits) return { ok: true, key };
	const curve = type === 'ec' ? ` on curve ${key.asymmetricKeyDetails?.namedCurve ?? '?'}` : '';
	return fail(
		`is ${type === undefined ? 'not an asymmetric' : `an ${type}`} key${curve}; this needs ${NEEDS[algorithm]}`,
	);
}

/**
 * The configured keys, primary first. As with HMAC secrets, empty entries are
 * skipped, none at all is no_secret (nothing is accepted), and keys are
 * decoded on every call and kept by nothing here; a caller may keep the text
 * (the trigger reuses a loaded credential's for up to 10 s, SECRET_REUSE_MS).
 */
export function resolveKeyObjects(
	secrets: SecretSet,
	algorithm: PublicKeyAlgorithm,
	role: KeyRole,
): KeyObjectsResult {
	const keys: LabelledKey[] = [];
	for (const label of SECRET_LABELS) {
		const value = secrets[label];
		if (!hasText(value)) continue;
		const read = readKey(value, algorithm, role);
		if (!read.ok) {
			return {
				ok: false,
				reason: 'invalid_key',
				detail: `The ${label} ${role} key ${read.detail}`,
			};
		}
		keys.push({ label, key: read.key });
	}
	return keys.length === 0
		? { ok: false, reason: 'no_secret', detail: `No ${role} key is configured` }
		: { ok: true, keys };
}

/** The algorithms a key can be for, in the order a key of unknown use is tried. */
const PUBLIC_KEY_ALGORITHMS: readonly PublicKeyAlgorithm[] = ['ed25519', 'ecdsa-p256-sha256'];

/** A key pair credential, as the user pasted it. */
interface KeySetText {
	readonly publicKey?: string;
	readonly secondaryPublicKey?: string;
	readonly privateKey?: string;
}

type KeySetCheck =
	| {
			readonly ok: true;
			readonly algorithm: PublicKeyAlgorithm;
			/** Which public key the private key's probe signature verified with; absent without a private key. */
			readonly privateKeyMatches?: SecretLabel;
	  }
	| Failure<'invalid_key'>;

/** Fixed bytes a private key signs to show it belongs to a public key; never sent anywhere. */
const PROBE = Buffer.from('n8n-nodes-signed-webhooks key pair probe', 'utf8');

/**
 * Checks a key pair credential without knowing its scheme: the public keys
 * must read as one algorithm, and a private key must sign a probe one of them
 * verifies, so a mismatched pair is caught when saved, not on the first call.
 * Problems are readKey()'s fixed sentences: they never hold key material.
 */
export function checkKeySet(text: KeySetText): KeySetCheck {
	const primary = text.publicKey;
	if (!hasText(primary)) return fail('The public key is empty');
	const algorithm = PUBLIC_KEY_ALGORITHMS.find(
		(candidate) => readKey(primary, candidate, 'public').ok,
	);
	if (!algorithm) return fail(`The primary public key ${problemForAny(primary, 'public')}`);
	const publicKeys = resolveKeyObjects(
		{ primary, secondary: text.secondaryPublicKey },
		algorithm,
		'public',
	);
	if (!publicKeys.ok) return fail(publicKeys.detail);
	if (!hasText(text.privateKey)) return { ok: true, algorithm };
	const privateKey = readKey(text.privateKey, algorithm, 'private');
	if (!privateKey.ok) return fail(`The private key ${privateKey.detail}`);
	let signature: Buffer;
	try {
		signature = signMessage(algorithm, privateKey.key, PROBE);
	} catch {
		return fail('The private key cannot sign');
	}
	const match = publicKeys.keys.find(({ key }) =>
		signatureMatches(algorithm, key, PROBE, signature),
	);
	return match
		? { ok: true, algorithm, privateKeyMatches: match.label }
		: fail(
				'The private key does not belong to the public key: a signature it makes does not verify with either public key',
			);
}

/**
 * Why a key reads as none of the algorithms: the first problem that is not
 * merely "wrong type" (it says what is wrong with the text), else one
 * sentence naming every type that would do.
 */
function problemForAny(text: string, role: KeyRole): string {
	const problems = PUBLIC_KEY_ALGORITHMS.map((algorithm) => {
		const read = readKey(text, algorithm, role);
		return read.ok ? '' : read.detail;
	});
	const needs = '; this needs ';
	const specific = problems.find((sentence) => !sentence.includes(needs));
	if (specific !== undefined) return specific;
	const what = problems[0].slice(0, problems[0].indexOf(needs));
	return `${what}; this needs ${PUBLIC_KEY_ALGORITHMS.map((algorithm) => NEEDS[algorithm]).join(' or ')}`;
}
