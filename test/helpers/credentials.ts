import type { IDataObject } from 'n8n-workflow';

/** A Webhook Signing Secret as tests write it: the secret alone, or the credential's fields. */
export type SecretOption = string | { secret: string; secondarySecret?: string; format?: string };

/** The decrypted data of a Webhook Signing Secret credential, with its defaults. */
export function signingSecretData(secret: SecretOption): IDataObject {
	return typeof secret === 'string'
		? { secret, secondarySecret: '', format: 'auto' }
		: { secondarySecret: '', format: 'auto', ...secret };
}

/** A Webhook Signing Key as tests write it: the public key alone, or the credential's fields. */
export type KeyOption =
	| string
	| { publicKey: string; secondaryPublicKey?: string; privateKey?: string };

/** The decrypted data of a Webhook Signing Key credential, with its defaults. */
export function signingKeyData(keys: KeyOption): IDataObject {
	return typeof keys === 'string'
		? { publicKey: keys, secondaryPublicKey: '', privateKey: '' }
		: { secondaryPublicKey: '', privateKey: '', ...keys };
}
