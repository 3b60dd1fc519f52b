import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { BUILT_IN_SCHEMES } from '../../core';

/** Standard Webhooks: the open specification, and what a new receiver should expect. */
export const DEFAULT_SCHEME = 'standardWebhooks';

/** The scheme options both nodes offer, alphabetical as n8n's editor lists them. */
export const SCHEME_OPTIONS: INodePropertyOptions[] = [
	...BUILT_IN_SCHEMES.map((scheme) => ({
		name: scheme.name,
		value: scheme.id,
		description: scheme.description,
	})),
	{
		name: 'Generic HMAC',
		value: 'generic',
		description:
			'Any other HMAC format: choose header, algorithm, encoding, prefix and what is signed',
	},
].sort((a, b) => a.name.localeCompare(b.name));

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
		...showFor('smarterLaunch', 'generic'),
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
