import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import {
	buildGenericScheme,
	describeHeaderProblem,
	describeSecretProblem,
	describeUnsendableHeaderName,
	findScheme,
	type DigestEncoding,
	type HashAlgorithm,
	type SchemeDefinition,
	type SecretEncoding,
	type SecretSet,
	type TimestampFormat,
} from '../../core';

export const SIGNING_SECRET_CREDENTIAL = 'webhookSigningSecretApi';
export const HEADER_AUTH_CREDENTIAL = 'webhookHeaderAuthApi';

export interface ResolvedScheme {
	readonly scheme: SchemeDefinition;
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

	const scheme = findScheme(schemeId);
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
