import {
	NodeOperationError,
	type ICredentialDataDecryptedObject,
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type IExecuteFunctions,
	type INodeCredentialTestResult,
	type IWebhookFunctions,
} from 'n8n-workflow';

import {
	buildGenericScheme,
	describeHeaderProblem,
	describeSecretProblem,
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

type NodeContext = IExecuteFunctions | IWebhookFunctions;

export interface ResolvedScheme {
	readonly scheme: SchemeDefinition;
	/** The header name in use when the scheme lets the user choose it. */
	readonly signatureHeader?: string;
}

/**
 * The scheme the node is set to, with Generic HMAC built from its settings.
 * Undefined for "none". A bad Generic setting is a NodeOperationError that
 * says what to change.
 */
export function readScheme(context: NodeContext, itemIndex = 0): ResolvedScheme | undefined {
	const schemeId = context.getNodeParameter('signatureScheme', itemIndex) as string;
	if (schemeId === 'none') return undefined;
	const headerParameter = (): string =>
		(context.getNodeParameter('signatureHeader', itemIndex, '') as string).trim();

	if (schemeId === 'generic') {
		const built = buildGenericScheme({
			signatureHeader: headerParameter(),
			algorithm: context.getNodeParameter('genericAlgorithm', itemIndex) as HashAlgorithm,
			digestEncoding: context.getNodeParameter('genericEncoding', itemIndex) as DigestEncoding,
			prefix: context.getNodeParameter('genericPrefix', itemIndex, '') as string,
			signedContent: context.getNodeParameter('genericSignedContent', itemIndex) as string,
			timestampHeader: context.getNodeParameter('genericTimestampHeader', itemIndex, '') as string,
			timestampFormat: context.getNodeParameter(
				'genericTimestampFormat',
				itemIndex,
			) as TimestampFormat,
			idHeader: context.getNodeParameter('genericIdHeader', itemIndex, '') as string,
			secretEncoding: 'text',
		});
		if (!built.ok)
			throw new NodeOperationError(context.getNode(), `Generic HMAC: ${built.error}`, {
				itemIndex,
			});
		return { scheme: built.scheme };
	}

	const scheme = findScheme(schemeId);
	if (!scheme) {
		throw new NodeOperationError(context.getNode(), `Unknown signing scheme "${schemeId}"`, {
			itemIndex,
			description:
				'Pick a scheme from the list; this workflow may come from a newer version of the package.',
		});
	}
	if (schemeId !== 'smarterLaunch') return { scheme };
	const signatureHeader = headerParameter();
	const problem = describeHeaderProblem(signatureHeader, '');
	if (problem) throw new NodeOperationError(context.getNode(), problem, { itemIndex });
	return { scheme, signatureHeader };
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
	const problem = describeHeaderProblem(name, value);
	if (problem) return { status: 'Error', message: problem };
	return { status: 'OK', message: `The header ${name} is well-formed` };
}
