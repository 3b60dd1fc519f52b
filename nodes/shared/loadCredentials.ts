/**
 * Every credential a node reads, read here: the secret or key set a scheme
 * signs or verifies with, and Send Webhook's Header Auth header. One that
 * cannot serve comes back as a problem in the words the user sees, and each
 * node turns it into its own kind of error: Send Webhook fails before its
 * first call, the trigger's start-up check shows it in the editor. A message
 * names the credential, the field and what is wrong, never what it holds.
 */
import type { FunctionsBase, ICredentialDataDecryptedObject } from 'n8n-workflow';

import {
	describeHeaderProblem,
	describeUnsendableHeaderName,
	findHeaderValueFault,
	resolveKeyObjects,
	resolveKeys,
	type Failure,
	type HmacScheme,
	type PublicKeyScheme,
	type Scheme,
	type SecretSet,
} from '../../core';
import {
	credentialFor,
	HEADER_AUTH_CREDENTIAL,
	SIGNING_KEY_CREDENTIAL,
	SIGNING_SECRET_CREDENTIAL,
	toPrivateKeySet,
	toPublicKeySet,
	toSecretSet,
} from './credentialData';

/** Who reads the credential: a sender signs with the private key, a receiver verifies with the public ones. */
export type CredentialUse = 'send' | 'receive';

/** A credential that cannot serve: `detail` is the message, `description` what to do. */
export type CredentialProblem = Failure<'no_credential' | 'unusable_credential'> & {
	readonly description?: string;
};

type Loaded<Value extends object> = ({ readonly ok: true } & Value) | CredentialProblem;

/** The context's credential reader: execute, hook and webhook contexts all have it. */
type CredentialReader = Pick<FunctionsBase, 'getCredentials'>;

const problem = (
	reason: CredentialProblem['reason'],
	detail: string,
	description?: string,
): CredentialProblem => ({
	ok: false,
	reason,
	detail,
	...(description === undefined ? {} : { description }),
});

const SIGNING = { on: 'Signing', off: 'Signing Scheme to None to send unsigned calls' };

/** How each credential is named to the user, and the setting that makes Send Webhook need it. */
const NEEDED_BY = {
	[SIGNING_SECRET_CREDENTIAL]: { name: 'Webhook Signing Secret', ...SIGNING },
	[SIGNING_KEY_CREDENTIAL]: { name: 'Webhook Signing Key', ...SIGNING },
	[HEADER_AUTH_CREDENTIAL]: {
		name: 'Webhook Header Auth',
		on: 'Header Auth',
		off: 'Authentication to None',
	},
};

/**
 * No credential to read: none chosen, or n8n refused it. A sender is told
 * how to do without it; a receiver cannot do without, so it is told to choose one.
 */
function missing(
	type: keyof typeof NEEDED_BY,
	use: CredentialUse,
	error: unknown,
): CredentialProblem {
	const { name, on, off } = NEEDED_BY[type];
	if (use === 'receive') {
		return problem(
			'no_credential',
			`No ${name} credential is selected`,
			'Choose or create one under "Credential to connect with".',
		);
	}
	return problem(
		'no_credential',
		`${on} is on, but the ${name} credential could not be read`,
		`Choose a ${name} credential, or set ${off}. (${(error as Error).message})`,
	);
}

/**
 * The set `scheme` signs or verifies with, as its credential holds it,
 * unchecked: the trigger verifies each call with it as it is, and verify()
 * answers a set it cannot use with its own reason (no_secret and the like).
 */
export async function readSchemeSecrets(
	context: CredentialReader,
	scheme: Scheme,
	use: CredentialUse,
): Promise<Loaded<{ readonly secrets: SecretSet }>> {
	const type = credentialFor(scheme);
	let data: ICredentialDataDecryptedObject;
	try {
		data = await context.getCredentials<ICredentialDataDecryptedObject>(type);
	} catch (error) {
		return missing(type, use, error);
	}
	if (type !== SIGNING_KEY_CREDENTIAL) return { ok: true, secrets: toSecretSet(data) };
	return {
		ok: true,
		secrets: use === 'send' ? toPrivateKeySet(data) : toPublicKeySet(data),
	};
}

/**
 * The set `scheme` signs or verifies with, checked once here: a sender then
 * never sends a call unsigned or signed with garbage, and a trigger that
 * would refuse every call says so when it starts listening.
 */
export async function loadSchemeSecrets(
	context: CredentialReader,
	scheme: Scheme,
	use: CredentialUse,
): Promise<Loaded<{ readonly secrets: SecretSet }>> {
	const read = await readSchemeSecrets(context, scheme, use);
	if (!read.ok) return read;
	const unusable =
		scheme.kind === 'public-key'
			? keyProblem(scheme, read.secrets, use)
			: secretProblem(scheme, read.secrets, use);
	return unusable ?? read;
}

function secretProblem(
	scheme: HmacScheme,
	secrets: SecretSet,
	use: CredentialUse,
): CredentialProblem | undefined {
	const keys = resolveKeys(secrets, scheme.secretEncoding);
	if (keys.ok) return undefined;
	if (use === 'send') {
		return problem(
			'unusable_credential',
			`Webhook Signing Secret: ${keys.detail}`,
			'Fix the secret or its format in the credential.',
		);
	}
	return problem(
		'unusable_credential',
		`${keys.detail}, which the ${scheme.name} scheme needs`,
		scheme.secretEncoding === 'whsec'
			? `${scheme.name} secrets look like whsec_ followed by base64, as the sender shows them. If your sender gave you a plain-text secret, set the credential's Secret Format to "Text (UTF-8)".`
			: "Check the credential's Secret and Secret Format.",
	);
}

function keyProblem(
	scheme: PublicKeyScheme,
	secrets: SecretSet,
	use: CredentialUse,
): CredentialProblem | undefined {
	if (use === 'send' && (secrets.primary === undefined || secrets.primary.trim() === '')) {
		return problem(
			'unusable_credential',
			`${scheme.name} signs with a private key, and the Webhook Signing Key credential has none`,
			"Add the sender's private key to the credential's Private Key field (whsk_…, PEM PKCS#8, or the hex or base64 seed). Receivers verify with its public key.",
		);
	}
	const keys = resolveKeyObjects(secrets, scheme.algorithm, use === 'send' ? 'private' : 'public');
	if (keys.ok) return undefined;
	return problem(
		'unusable_credential',
		`Webhook Signing Key: ${keys.detail}`,
		use === 'send'
			? "Fix the credential's Private Key; its credential test says what is wrong."
			: `${scheme.name} checks each call with the sender's public key. Paste it into the credential's Public Key exactly as the sender shows it (hex, base64, whpk_… or PEM).`,
	);
}

/**
 * The Header Auth credential's header name, once its name and value are known
 * to be sendable: checked before the first call, because n8n adds the header
 * itself when each call is made.
 */
export async function loadHeaderAuth(
	context: CredentialReader,
): Promise<Loaded<{ readonly header: string }>> {
	let data: ICredentialDataDecryptedObject;
	try {
		data = await context.getCredentials<ICredentialDataDecryptedObject>(HEADER_AUTH_CREDENTIAL);
	} catch (error) {
		return missing(HEADER_AUTH_CREDENTIAL, 'send', error);
	}
	const { name, secretValue } = data;
	if (typeof name !== 'string' || name.trim() === '')
		return problem('unusable_credential', 'The Webhook Header Auth credential has no header name');
	const header = name.trim();
	const nameProblem = describeHeaderProblem(header, '') ?? describeUnsendableHeaderName(header);
	if (nameProblem)
		return problem('unusable_credential', `Webhook Header Auth credential: ${nameProblem}`);
	const fault = typeof secretValue === 'string' ? findHeaderValueFault(secretValue) : undefined;
	if (fault) {
		return problem(
			'unusable_credential',
			`Webhook Header Auth credential: the value of ${header} has ${fault.kind === 'control' ? 'a line break or control character' : 'a character outside visible ASCII'}, which cannot be sent in a header`,
			'Only visible ASCII, space and tab travel intact in a header value. Fix the value in the credential.',
		);
	}
	return { ok: true, header };
}
