import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import {
	buildGenericScheme,
	checkKeySet,
	describeHeaderProblem,
	describeSecretProblem,
	describeUnsendableHeaderName,
	findPublicKeyScheme,
	findScheme,
	isPublicKeyScheme,
	PUBLIC_KEY_SCHEMES,
	type AnySchemeDefinition,
	type DigestEncoding,
	type HashAlgorithm,
	type PublicKeyAlgorithm,
	type SecretEncoding,
	type SecretSet,
	type TimestampFormat,
} from '../../core';

export const SIGNING_SECRET_CREDENTIAL = 'webhookSigningSecretApi';
export const SIGNING_KEY_CREDENTIAL = 'webhookSigningKeyApi';
export const HEADER_AUTH_CREDENTIAL = 'webhookHeaderAuthApi';

/** The credential types that hold what a scheme signs or verifies with. */
export type SchemeCredential = typeof SIGNING_SECRET_CREDENTIAL | typeof SIGNING_KEY_CREDENTIAL;

/** Which credential a scheme takes: an HMAC secret, or a key pair. */
export function credentialFor(scheme: AnySchemeDefinition): SchemeCredential {
	return isPublicKeyScheme(scheme) ? SIGNING_KEY_CREDENTIAL : SIGNING_SECRET_CREDENTIAL;
}

export interface ResolvedScheme {
	readonly scheme: AnySchemeDefinition;
	/** The header name in use when the scheme lets the user choose it. */
	readonly signatureHeader?: string;
}

/**
 * Reads one node parameter. Execute and webhook contexts read parameters
 * differently (per item, or per request), so each node passes its own.
 */
export type ParameterReader = (name: string, fallback?: string) => unknown;

export type SchemeChoice =
	| { readonly ok: true; readonly resolved: ResolvedScheme | undefined }
	| { readonly ok: false; readonly message: string; readonly description?: string };

/**
 * The scheme the node is set to, with Generic HMAC built from its settings;
 * `resolved` is undefined for "none". A setting that cannot work says what to
 * change; each node turns that into its own kind of error.
 */
export function chooseScheme(read: ParameterReader): SchemeChoice {
	const text = (name: string): string => String(read(name, '') ?? '').trim();
	const schemeId = text('signatureScheme');
	if (schemeId === 'none') return { ok: true, resolved: undefined };

	if (schemeId === 'generic') {
		const built = buildGenericScheme({
			signatureHeader: text('signatureHeader'),
			algorithm: text('genericAlgorithm') as HashAlgorithm,
			digestEncoding: text('genericEncoding') as DigestEncoding,
			prefix: String(read('genericPrefix', '') ?? ''),
			signedContent: String(read('genericSignedContent', '') ?? ''),
			timestampHeader: text('genericTimestampHeader'),
			timestampFormat: text('genericTimestampFormat') as TimestampFormat,
			idHeader: text('genericIdHeader'),
			secretEncoding: 'text',
		});
		return built.ok
			? { ok: true, resolved: { scheme: built.scheme } }
			: { ok: false, message: `Generic HMAC: ${built.error}` };
	}

	const scheme = findScheme(schemeId) ?? findPublicKeyScheme(schemeId);
	if (!scheme) {
		return {
			ok: false,
			message: `Unknown signing scheme "${schemeId}"`,
			description:
				'Pick a scheme from the list; this workflow may come from a newer version of the package.',
		};
	}
	if (schemeId !== 'smarterLaunch') return { ok: true, resolved: { scheme } };
	const signatureHeader = text('signatureHeader');
	const problem = describeHeaderProblem(signatureHeader, '');
	return problem
		? { ok: false, message: problem }
		: { ok: true, resolved: { scheme, signatureHeader } };
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

/** The credential's data as the SecretSet a scheme of its type uses to verify. */
export function toVerifyingSet(
	type: SchemeCredential,
	data: ICredentialDataDecryptedObject | undefined,
): SecretSet {
	return type === SIGNING_KEY_CREDENTIAL ? toPublicKeySet(data) : toSecretSet(data);
}

const ALGORITHM_NAMES: Record<PublicKeyAlgorithm, string> = {
	ed25519: 'Ed25519',
	'ecdsa-p256-sha256': 'ECDSA P-256',
};

/**
 * Local check of a Webhook Signing Key: each key reads, and a private key
 * signs a probe its public key verifies. The messages are the core's fixed
 * sentences: a private key never appears in one.
 */
export async function testSigningKey(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = credential.data;
	const text = (name: string) => (typeof data?.[name] === 'string' ? data[name] : undefined);
	const result = checkKeySet({
		publicKey: text('publicKey'),
		secondaryPublicKey: text('secondaryPublicKey'),
		privateKey: text('privateKey'),
	});
	if (!result.ok) return { status: 'Error', message: result.problem };
	const schemes = PUBLIC_KEY_SCHEMES.filter((scheme) => scheme.algorithm === result.algorithm)
		.map((scheme) => scheme.name.replace(/ \(.*\)$/, ''))
		.join(', ');
	const pair = result.privateKeyMatches
		? ` The private key belongs to the ${result.privateKeyMatches} public key.`
		: '';
	return {
		status: 'OK',
		message: `The keys are well-formed ${ALGORITHM_NAMES[result.algorithm]} keys (for ${schemes}).${pair}`,
	};
}

/**
 * Local check of a Webhook Signing Secret: there is no remote service that
 * could confirm it, so this says what can be known — present, no stray
 * whitespace, decodes in its format.
 */
export async function testSigningSecret(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const secrets = toSecretSet(credential.data);
	// "As the scheme expects" can only be decoded once a scheme is chosen: text never fails.
	const encoding = secrets.encoding ?? 'text';
	const problem =
		describeSecretProblem(secrets.primary, encoding, 'primary') ??
		describeSecretProblem(secrets.secondary, encoding, 'secondary');
	if (problem) return { status: 'Error', message: problem };
	return {
		status: 'OK',
		message:
			'The secret is well-formed. Whether it matches the other side shows on the first signed call.',
	};
}

/** Local check of a Webhook Header Auth credential: a sendable header. */
export async function testHeaderAuth(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const name = typeof credential.data?.name === 'string' ? credential.data.name.trim() : '';
	const value = typeof credential.data?.secretValue === 'string' ? credential.data.secretValue : '';
	if (name === '') return { status: 'Error', message: 'The header name is empty' };
	if (value === '') return { status: 'Error', message: 'The header value is empty' };
	const problem = describeHeaderProblem(name, value) ?? describeUnsendableHeaderName(name);
	if (problem) return { status: 'Error', message: problem };
	return { status: 'OK', message: `The header ${name} is well-formed` };
}
