/**
 * Webhook Signature's parameters: the operation, then the scheme (the same
 * lists and settings as the trigger and Send Webhook), then what each
 * operation reads from the item.
 */
import type { INodeProperties } from 'n8n-workflow';

import { SCHEMES } from '../../core';
import {
	DEFAULT_SCHEME,
	rejectionStatusProperty,
	SCHEME_OPTIONS,
	SCHEME_SETTINGS,
	SEND_SCHEME_OPTIONS,
} from '../shared/schemeParameters';
import {
	oneTimeTokenToleranceProperties,
	toleranceProperties,
} from '../VerifiedWebhookTrigger/description';

export type Operation = 'verify' | 'sign';

/** The schemes whose signature covers the URL or the method, Generic HMAC among them (its template may). */
const signingPart = (kind: 'url' | 'method') => [
	...SCHEMES.filter((scheme) => scheme.signedContent.some((part) => part.kind === kind)).map(
		(scheme) => scheme.id,
	),
	'generic',
];
export const URL_SCHEME_IDS = signingPart('url');
export const METHOD_SCHEME_IDS = signingPart('method');

/** A property shown for one operation only, keeping whatever else its displayOptions say. */
function onlyFor(operation: Operation, property: INodeProperties): INodeProperties {
	const show = { ...property.displayOptions?.show, operation: [operation] };
	return { ...property, displayOptions: { ...property.displayOptions, show } };
}

const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Verify',
			value: 'verify',
			action: 'Verify a webhook signature',
			description:
				'Check the signature of a call received by a Webhook node, on its exact raw bytes: Valid or Invalid output',
		},
		{
			name: 'Sign',
			value: 'sign',
			action: 'Sign a webhook body',
			description:
				'Sign the exact text to send: the body and the headers for an HTTP Request node to send as they are',
		},
	],
	default: 'verify',
};

const schemeProperties: INodeProperties[] = [
	onlyFor('verify', {
		displayName: 'Signing Scheme',
		name: 'signatureScheme',
		type: 'options',
		noDataExpression: true,
		options: SCHEME_OPTIONS,
		default: DEFAULT_SCHEME,
		description: 'The signature format the sender uses',
	}),
	onlyFor('sign', {
		displayName: 'Signing Scheme',
		name: 'signatureScheme',
		type: 'options',
		noDataExpression: true,
		options: SEND_SCHEME_OPTIONS,
		default: DEFAULT_SCHEME,
		description: 'The signature format the receiver expects',
	}),
	...SCHEME_SETTINGS,
];

const verifyOnly: INodeProperties[] = [
	{
		displayName: 'Body From',
		name: 'bodySource',
		type: 'options',
		options: [
			{
				name: 'Binary Property (Raw Body)',
				value: 'binary',
				description:
					'The exact bytes received: turn on the Webhook node\'s Raw Body option, which puts them in the binary property "data"',
			},
			{
				name: 'Text (Field or Expression)',
				value: 'text',
				description:
					'A string, verified as its UTF-8 bytes: right only if it holds the body exactly as sent',
			},
		],
		default: 'binary',
		description:
			"Where the exact body the sender signed is. Only the Webhook node's Raw Body keeps every byte; the parsed body ($JSON.body) is not what was signed.",
	},
	{
		displayName: 'Binary Property',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show: { bodySource: ['binary'] } },
		description:
			'The binary property holding the raw body. The Webhook node\'s Raw Body option writes it to "data"; any binary property holding the bytes as received works.',
	},
	{
		displayName: 'Body Text',
		name: 'bodyText',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { bodySource: ['text'] } },
		description:
			'The body exactly as sent, as text; its UTF-8 bytes are verified. A signature breaks on JSON parsed and written again (JSON.stringify($JSON.body) changes spaces, escapes and numbers), and on a body that was not UTF-8 (its invalid bytes became U+FFFD).',
	},
	{
		displayName: 'Headers',
		name: 'headers',
		type: 'json',
		default: '={{ $json.headers }}',
		description:
			"The call's headers, as the Webhook node outputs them (an object of name: value), or a JSON object",
	},
	{
		displayName: 'URL',
		name: 'url',
		type: 'string',
		default: '',
		placeholder: 'https://n8n.example.com/webhook/twilio',
		displayOptions: { show: { signatureScheme: URL_SCHEME_IDS } },
		description:
			"The URL the sender called, exactly as it signed it: the Webhook node's production URL, with the query string as sent (Twilio's ?bodySHA256=…). n8n's items do not carry it.",
	},
	{
		displayName: 'HTTP Method',
		name: 'method',
		type: 'string',
		default: 'POST',
		displayOptions: { show: { signatureScheme: METHOD_SCHEME_IDS } },
		description: 'The method of the call, for schemes that sign it (Square, HubSpot v3)',
	},
	...toleranceProperties(),
	...oneTimeTokenToleranceProperties(),
	rejectionStatusProperty(
		'The status an Invalid item carries (rejection.status), for a Respond to Webhook node to answer with',
	),
];
const verifyProperties = verifyOnly.map((property) => onlyFor('verify', property));

const signOnly: INodeProperties[] = [
	{
		displayName: 'Body',
		name: 'body',
		type: 'string',
		default: '={{ JSON.stringify($json) }}',
		required: true,
		description:
			'The exact text to send: it is signed as its UTF-8 bytes and output as "body". Send it as it is (HTTP Request: Body Content Type "Raw"). For Mailgun, the event data as JSON; the signature is added around it. Linear and ConnectGain sign a timestamp inside the body (webhookTimestamp, timestamp): the body must carry it.',
	},
	{
		displayName: 'URL',
		name: 'url',
		type: 'string',
		default: '',
		placeholder: 'https://example.com/hooks/in',
		displayOptions: { show: { signatureScheme: URL_SCHEME_IDS } },
		description:
			'The URL the call goes to, for schemes that sign it. Send to the URL the output gives: for Twilio it carries the bodySHA256 parameter.',
	},
	{
		displayName: 'HTTP Method',
		name: 'method',
		type: 'string',
		default: 'POST',
		displayOptions: { show: { signatureScheme: METHOD_SCHEME_IDS } },
		description: 'The method the call will use, for schemes that sign it',
	},
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '',
		placeholder: 'msg_…',
		description:
			'The delivery ID, for schemes that send or sign one; empty: a new random one. Give the same ID to a retry of the same message.',
	},
	{
		displayName: 'Timestamp',
		name: 'timestamp',
		type: 'string',
		default: '',
		placeholder: '2026-01-01T00:00:00Z',
		description:
			'The signed moment (ISO 8601, or Unix seconds), for schemes that sign one; empty: now. Sign just before sending: receivers refuse old timestamps.',
	},
];
const signProperties = signOnly.map((property) => onlyFor('sign', property));

export const webhookSignatureProperties: INodeProperties[] = [
	operationProperty,
	...schemeProperties,
	...verifyProperties,
	...signProperties,
];
