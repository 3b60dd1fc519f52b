import { decodeStrict } from './encoding';
import type { SecretEncoding } from '../schemes/types';

export type SecretLabel = 'primary' | 'secondary';

/** The two slots of a credential, primary first: the order secrets are tried in. */
export const SECRET_LABELS: readonly SecretLabel[] = ['primary', 'secondary'];

/**
 * The secrets of one credential. Two are held so a secret can be rotated
 * without downtime: the receiver accepts either while senders move over.
 */
export interface SecretSet {
	readonly primary?: string;
	readonly secondary?: string;
	/** Overrides the scheme's own reading of the secret text. */
	readonly encoding?: SecretEncoding;
}

export interface SigningKey {
	readonly label: SecretLabel;
	/** The HMAC key: bytes, or text that stands for its UTF-8 bytes. */
	readonly key: HmacKey;
}

/** Text is kept as text: node:crypto reads a string key as its UTF-8 bytes, without a copy. */
export type HmacKey = Buffer | string;

export type KeysResult =
	| { ok: true; keys: readonly SigningKey[] }
	| { ok: false; reason: 'no_secret' | 'invalid_secret'; detail: string };

/** The HMAC key a secret stands for, or undefined when it is not valid in that encoding. */
export function decodeSecret(secret: string, encoding: SecretEncoding): HmacKey | undefined {
	let key: HmacKey | undefined = secret;
	if (encoding === 'hex' || encoding === 'base64') key = decodeStrict(secret, encoding);
	if (encoding === 'whsec') key = decodeStrict(secret.replace(/^whsec_/, ''), 'base64');
	return key && key.length > 0 ? key : undefined;
}

const ENCODING_NAMES: Record<SecretEncoding, string> = {
	text: 'text',
	hex: 'hex',
	base64: 'base64',
	whsec: 'Standard Webhooks (whsec_ + base64)',
};

/**
 * Turns the configured secrets into HMAC keys, primary first. Empty entries
 * are skipped; if none is left the answer is no_secret, never "accept".
 * Messages name the secret (primary/secondary), never its value.
 */
export function resolveKeys(secrets: SecretSet, schemeEncoding: SecretEncoding): KeysResult {
	// Decoded on every call and kept by nothing here. A caller may keep the
	// text: the trigger reuses a loaded credential's secrets for up to 10 s in
	// production (SECRET_REUSE_MS), so a rotated secret applies within that.
	const encoding = secrets.encoding ?? schemeEncoding;
	const keys: SigningKey[] = [];
	for (const label of SECRET_LABELS) {
		const value = secrets[label];
		if (value === undefined || value === '') continue;
		const key = decodeSecret(value, encoding);
		if (!key) {
			return {
				ok: false,
				reason: 'invalid_secret',
				detail: `The ${label} secret is not valid ${ENCODING_NAMES[encoding]}`,
			};
		}
		keys.push({ label, key });
	}
	if (keys.length === 0) {
		return { ok: false, reason: 'no_secret', detail: 'No signing secret is configured' };
	}
	return { ok: true, keys };
}

/**
 * What is wrong with a secret as typed into a credential, or undefined if
 * nothing is. Used by the credential test, so a user learns at save time
 * rather than at the first rejected call.
 */
export function describeSecretProblem(
	secret: string | undefined,
	encoding: SecretEncoding,
	label: SecretLabel = 'primary',
): string | undefined {
	if (secret === undefined || secret === '') {
		return label === 'primary' ? 'The secret is empty' : undefined;
	}
	if (secret.trim() !== secret) {
		return `The ${label} secret starts or ends with whitespace (a stray space or line break from copying?)`;
	}
	if (!decodeSecret(secret, encoding)) {
		return `The ${label} secret is not valid ${ENCODING_NAMES[encoding]}`;
	}
	return undefined;
}
