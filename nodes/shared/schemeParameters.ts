import type {
	INodeCredentialDescription,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

import { SCHEMES, STANDARD_WEBHOOKS_V1A, type SchemeBase } from '../../core';

/** Standard Webhooks: the open specification, and what a new receiver should expect. */
export const DEFAULT_SCHEME = 'standardWebhooks';

const optionOf = (scheme: SchemeBase): INodePropertyOptions => ({
	name: scheme.name,
	value: scheme.id,
	description: scheme.description,
});

const GENERIC_OPTION: INodePropertyOptions = {
	name: 'Generic HMAC',
	value: 'generic',
	description:
		'Any other HMAC format: choose header, algorithm, encoding, prefix and what is signed',
};

const byName = (a: INodePropertyOptions, b: INodePropertyOptions) => a.name.localeCompare(b.name);

/** Schemes that take a Webhook Signing Secret (HMAC), Generic HMAC included. */
export const SECRET_SCHEME_IDS: string[] = [
	...SCHEMES.filter((scheme) => scheme.kind === 'hmac').map((scheme) => scheme.id),
	'generic',
];

/** Public-key schemes the trigger verifies: they take a Webhook Signing Key. */
export const KEY_SCHEME_IDS: string[] = SCHEMES.filter(
	(scheme) => scheme.kind === 'public-key',
).map((scheme) => scheme.id);

/**
 * The credentials of a node that verifies (the trigger, Webhook Signature):
 * one per kind of scheme, each hidden for the other kind's schemes. "hide",
 * not "show": when the "show" lists of a node's credentials cover every
 * option of a parameter, n8n's editor takes that parameter for the node's
 * authentication choice and removes it from the panel (Signing Scheme
 * vanished; seen in the browser suite).
 */
export const VERIFYING_CREDENTIALS: INodeCredentialDescription[] = [
	{
		name: 'webhookSigningSecretApi',
		required: true,
		testedBy: 'webhookSigningSecretTest',
		displayOptions: { hide: { signatureScheme: KEY_SCHEME_IDS } },
	},
	{
		name: 'webhookSigningKeyApi',
		required: true,
		testedBy: 'webhookSigningKeyTest',
		displayOptions: { hide: { signatureScheme: SECRET_SCHEME_IDS } },
	},
];

/** Schemes whose provider fixes the rejection status (Discord: 401). */
const FIXED_REJECTION_STATUS_IDS = SCHEMES.filter(
	(scheme) => scheme.rejectionStatus !== undefined,
).map((scheme) => scheme.id);

/**
 * Rejection Status, 401 or 403, for a node that refuses calls; `description`
 * says what it answers. Discord removes an endpoint that answers its forged
 * test calls with anything but 401, so with Discord it is not shown: 401.
 */
export function rejectionStatusProperty(description: string): INodeProperties {
	return {
		displayName: 'Rejection Status',
		name: 'rejectionStatus',
		type: 'options',
		options: [
			{ name: '401 Unauthorized', value: 401 },
			{ name: '403 Forbidden', value: 403 },
		],
		default: 401,
		displayOptions: { hide: { signatureScheme: FIXED_REJECTION_STATUS_IDS } },
		description,
	};
}

/**
 * Public-key schemes Send Webhook signs: Standard Webhooks v1a only.
 * SendGrid and Discord sign their own calls with keys only they hold, so a
 * workflow sending in their format would be posing as them (and SendGrid's
 * random ECDSA signatures leave no known answer to test a sender against).
 */
export const SENDABLE_KEY_SCHEME_IDS: string[] = [STANDARD_WEBHOOKS_V1A.id];

/**
 * Every scheme the trigger verifies, HMAC and public-key in one list,
 * alphabetical as n8n's editor lists them; the public-key ones name their
 * algorithm.
 */
export const SCHEME_OPTIONS: INodePropertyOptions[] = [
	...SCHEMES.map(optionOf),
	GENERIC_OPTION,
].sort(byName);

/** The schemes Send Webhook can sign with: every HMAC one and Standard Webhooks v1a. */
export const SEND_SCHEME_OPTIONS: INodePropertyOptions[] = SCHEME_OPTIONS.filter(
	(option) =>
		SECRET_SCHEME_IDS.includes(String(option.value)) ||
		SENDABLE_KEY_SCHEME_IDS.includes(String(option.value)),
);

/**
 * The name of the scheme a node is set to, as an n8n expression, for the
 * canvas subtitle: "POST · Standard Webhooks" rather than the stored id.
 */
export function schemeNameExpression(parameter: string): string {
	const names = Object.fromEntries([
		...SCHEME_OPTIONS.map((option) => [option.value, option.name]),
		['none', 'unsigned'],
	]);
	return `(${JSON.stringify(names)})[$parameter["${parameter}"]] || $parameter["${parameter}"]`;
}

/** Schemes whose signature header the user names (Smarter Launch documents none). */
const HEADER_NAMED_BY_USER = SCHEMES.filter((scheme) => scheme.signatureHeaderNamedByUser).map(
	(scheme) => scheme.id,
);

const showFor = (...schemes: string[]) => ({
	displayOptions: { show: { signatureScheme: schemes } },
});

/** Settings of the schemes that need some: Smarter Launch's header name, and Generic HMAC. */
export const SCHEME_SETTINGS: INodeProperties[] = [
	{
		displayName: 'Signature Header Name',
		name: 'signatureHeader',
		type: 'string',
		default: 'X-Signature',
		required: true,
		description:
			"The header that carries the signature. Smarter Launch does not document its name: check a real delivery's headers.",
		...showFor(...HEADER_NAMED_BY_USER, 'generic'),
	},
	{
		displayName: 'Algorithm',
		name: 'genericAlgorithm',
		type: 'options',
		options: [
			{ name: 'HMAC-SHA1 (Legacy)', value: 'sha1' },
			{ name: 'HMAC-SHA256', value: 'sha256' },
			{ name: 'HMAC-SHA512', value: 'sha512' },
		],
		default: 'sha256',
		...showFor('generic'),
	},
	{
		displayName: 'Signature Encoding',
		name: 'genericEncoding',
		type: 'options',
		options: [
			{ name: 'Hex', value: 'hex' },
			{ name: 'Base64', value: 'base64' },
		],
		default: 'hex',
		...showFor('generic'),
	},
	{
		displayName: 'Signature Prefix',
		name: 'genericPrefix',
		type: 'string',
		default: '',
		placeholder: 'sha256=',
		description: 'Text written before the signature in the header, if any',
		...showFor('generic'),
	},
	{
		displayName: 'Signed Content',
		name: 'genericSignedContent',
		type: 'string',
		default: '{body}',
		placeholder: '{timestamp}.{body}',
		description:
			'What is signed, as a template; any text outside the placeholders is signed as written',
		hint: 'Placeholders: {body} = the exact bytes sent, {timestamp}, {id} = the delivery ID, {method}, {url} = the request URL',
		...showFor('generic'),
	},
	{
		displayName: 'Timestamp Header Name',
		name: 'genericTimestampHeader',
		type: 'string',
		default: '',
		placeholder: 'X-Webhook-Timestamp',
		description: 'Header carrying the timestamp; needed when the signed content uses {timestamp}',
		...showFor('generic'),
	},
	{
		displayName: 'Timestamp Format',
		name: 'genericTimestampFormat',
		type: 'options',
		options: [
			{ name: 'Unix Seconds', value: 'unix-seconds' },
			{ name: 'Unix Milliseconds', value: 'unix-ms' },
			{ name: 'ISO 8601', value: 'iso8601' },
		],
		default: 'unix-seconds',
		...showFor('generic'),
	},
	{
		displayName: 'ID Header Name',
		name: 'genericIdHeader',
		type: 'string',
		default: '',
		placeholder: 'X-Webhook-ID',
		description:
			'Header carrying the delivery ID; needed when the signed content uses the ID placeholder',
		...showFor('generic'),
	},
];
