/**
 * The credential tests n8n runs from a node (Test button): local checks, as
 * no remote service could confirm a secret or a key.
 */
import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import {
	checkKeySet,
	describeHeaderProblem,
	describeSecretProblem,
	describeUnsendableHeaderName,
	SCHEMES,
	type PublicKeyAlgorithm,
} from '../../core';
import { toSecretSet } from './credentialData';

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
	if (!result.ok) return { status: 'Error', message: result.detail };
	const schemes = SCHEMES.filter(
		(scheme) => scheme.kind === 'public-key' && scheme.algorithm === result.algorithm,
	)
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
