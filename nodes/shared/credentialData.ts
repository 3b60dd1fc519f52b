/**
 * The credential types, which one a scheme takes, and their data as the
 * core's secret and key sets. Read through loadCredentials.ts.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { type Scheme, type SecretEncoding, type SecretSet } from '../../core';

export const SIGNING_SECRET_CREDENTIAL = 'webhookSigningSecretApi';
export const SIGNING_KEY_CREDENTIAL = 'webhookSigningKeyApi';
export const HEADER_AUTH_CREDENTIAL = 'webhookHeaderAuthApi';

/** The credential types that hold what a scheme signs or verifies with. */
export type SchemeCredential = typeof SIGNING_SECRET_CREDENTIAL | typeof SIGNING_KEY_CREDENTIAL;

/** Which credential a scheme takes: an HMAC secret, or a key pair. */
export function credentialFor(scheme: Scheme): SchemeCredential {
	return scheme.kind === 'public-key' ? SIGNING_KEY_CREDENTIAL : SIGNING_SECRET_CREDENTIAL;
}

const ENCODINGS: readonly string[] = ['text', 'hex', 'base64', 'whsec'];

/** The credential's data as the core's SecretSet ("auto" leaves the scheme to decide). */
export function toSecretSet(data: ICredentialDataDecryptedObject | undefined): SecretSet {
	const encoding = data?.format;
	return {
		primary: typeof data?.secret === 'string' ? data.secret : undefined,
		secondary: typeof data?.secondarySecret === 'string' ? data.secondarySecret : undefined,
		encoding:
			typeof encoding === 'string' && ENCODINGS.includes(encoding)
				? (encoding as SecretEncoding)
				: undefined,
	};
}

/** The public keys of a Webhook Signing Key credential, as the core verifies with them. */
export function toPublicKeySet(data: ICredentialDataDecryptedObject | undefined): SecretSet {
	return {
		primary: typeof data?.publicKey === 'string' ? data.publicKey : undefined,
		secondary: typeof data?.secondaryPublicKey === 'string' ? data.secondaryPublicKey : undefined,
	};
}

/** The private key of a Webhook Signing Key credential, as the core signs with it. */
export function toPrivateKeySet(data: ICredentialDataDecryptedObject | undefined): SecretSet {
	return { primary: typeof data?.privateKey === 'string' ? data.privateKey : undefined };
}
