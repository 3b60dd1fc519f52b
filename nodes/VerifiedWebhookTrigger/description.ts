import type { INodeProperties } from 'n8n-workflow';

import {
	DEFAULT_TOLERANCE_SECONDS,
	SCHEMES,
	effectiveTolerance,
	signsEventId,
	signsTimestamp,
	type CallName,
} from '../../core';
import {
	DEFAULT_SCHEME,
	rejectionStatusProperty,
	SCHEME_OPTIONS,
	SCHEME_SETTINGS,
} from '../shared/schemeParameters';

/** How long a processed call is remembered by default: the quick retries of every sender we know. */
export const DEFAULT_REMEMBER_SECONDS = 3600;
/**
 * How long copies of a call wait for its run to answer: as long as the
 * Redis claim of docs/production.md, and before Standard Webhooks' second
 * retry (5 minutes after the first), so that retry runs a call n8n lost.
 */
export const DEFAULT_RUNNING_CALL_LEASE_SECONDS = 300;

/** The answers to a copy of a call that was processed (the values of Answer to a Duplicate). */
export type DuplicateAnswer = 'acknowledge' | 'reject';

/** What Recognize Copies By offers; the default is what the signature covers. */
export const DEFAULT_CALL_NAME: CallName = 'signedContent';

/**
 * Recognize Copies By, and the notice that a scheme without a signed event
 * id falls back to what its signature covers (Generic HMAC has none either).
 */
function copiesByProperties(): INodeProperties[] {
	const withEventId = SCHEMES.filter((scheme) => signsEventId(scheme));
	const without = SCHEMES.filter((scheme) => !signsEventId(scheme)).map((scheme) => scheme.id);
	const names = withEventId.map((scheme) => scheme.name).join(', ');
	return [
		{
			displayName: 'Recognize Copies By',
			name: 'nameCallsBy',
			type: 'options',
			options: [
				{
					name: 'What the Signature Covers',
					value: 'signedContent',
					description:
						'A copy is the same signed call. A retry its provider re-signs with a new timestamp (Stripe, Slack, Paddle) runs again.',
				},
				{
					name: "The Provider's Event ID",
					value: 'eventId',
					description:
						"A retry of an event that was processed starts nothing, even re-signed: the event ID inside what the signature covers (Stripe's ID, Slack's event_id…)",
				},
			],
			default: DEFAULT_CALL_NAME,
			displayOptions: { show: { replayProtection: [true] } },
			description: `How a copy is recognized. Schemes that sign an event ID: ${names}. Remember calls as long as the provider retries (Stripe: 3 days).`,
		},
		{
			displayName:
				'This scheme signs no event ID, so copies are recognized by what the signature covers',
			name: 'noEventIdNotice',
			type: 'notice',
			default: '',
			displayOptions: {
				show: {
					replayProtection: [true],
					nameCallsBy: ['eventId'],
					signatureScheme: [...without, 'generic'],
				},
			},
		},
	];
}

/**
 * Timestamp Tolerance, once per window the schemes document, each shown only
 * for its schemes, so its default is the sender's own window (Linear 60 s,
 * Calendly 180 s, none for ConnectGain) and schemes without a signed
 * timestamp do not show it. Generic HMAC gets the common 300 s.
 */
export function toleranceProperties(): INodeProperties[] {
	const byWindow = new Map<number, { ids: string[]; names: string[] }>();
	const add = (window: number, id: string, name: string) => {
		const group = byWindow.get(window) ?? { ids: [], names: [] };
		group.ids.push(id);
		group.names.push(name);
		byWindow.set(window, group);
	};
	// A scheme that requires its window (Mailgun) has a Tolerance of its own, never 0.
	for (const scheme of SCHEMES.filter((each) => each.replay !== 'required')) {
		if (signsTimestamp(scheme)) add(effectiveTolerance(scheme, undefined), scheme.id, scheme.name);
	}
	add(DEFAULT_TOLERANCE_SECONDS, 'generic', 'Generic HMAC');
	return [...byWindow].map(([window, { ids, names }]) => ({
		displayName: 'Timestamp Tolerance (Seconds)',
		name: 'toleranceSeconds',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: window,
		displayOptions: { show: { signatureScheme: ids } },
		description:
			window > 0
				? `How far the signed timestamp may be from now, in either direction; older or newer calls are refused. 0 turns the check off (then a captured call can be replayed at any time). Default: the window ${names.join(', ')} use${names.length === 1 ? 's' : ''}.`
				: `How far the signed timestamp may be from now, in either direction. ${names.join(', ')} document${names.length === 1 ? 's' : ''} no window, and a retried delivery may carry its original timestamp, so 0 (no check) is the default; set seconds to enforce one.`,
	}));
}

/**
 * Timestamp Tolerance for the schemes that sign no payload (Mailgun): never
 * 0, since the window is how long each token is remembered.
 */
export function oneTimeTokenToleranceProperties(): INodeProperties[] {
	return SCHEMES.filter((scheme) => scheme.replay === 'required').map((scheme) => ({
		displayName: 'Timestamp Tolerance (Seconds)',
		name: 'toleranceSeconds',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: effectiveTolerance(scheme, undefined),
		displayOptions: { show: { signatureScheme: [scheme.id] } },
		description: `How far the signed timestamp may be from now, in either direction; each token is remembered this long and refused if it comes again. ${scheme.name} may retry a failed call hours later with its original timestamp: widen this to accept such retries, knowing that the memory is lost when n8n restarts. See the docs.`,
	}));
}

/** A word in the editor: with this scheme each call is accepted once, whatever the settings below. */
function oneTimeTokenNotices(): INodeProperties[] {
	return SCHEMES.filter((scheme) => scheme.replay === 'required').map((scheme) => ({
		displayName: `${scheme.name} signs only a timestamp and a one-time token, not the event data: each token is accepted once and a copy starts nothing, even with duplicate detection off (remembered in this n8n process). If the data matters, fetch the event from ${scheme.name}'s API.`,
		name: `${scheme.id}Notice`,
		type: 'notice',
		default: '',
		displayOptions: { show: { signatureScheme: [scheme.id] } },
	}));
}

/** Parameters of Verified Webhook Trigger. Names follow n8n's Webhook node where it has one. */
export const verifiedWebhookTriggerProperties: INodeProperties[] = [
	{
		displayName: 'HTTP Method',
		name: 'httpMethod',
		type: 'options',
		options: [
			{ name: 'DELETE', value: 'DELETE' },
			{ name: 'GET', value: 'GET' },
			{ name: 'PATCH', value: 'PATCH' },
			{ name: 'POST', value: 'POST' },
			{ name: 'PUT', value: 'PUT' },
		],
		default: 'POST',
		description: 'The HTTP method to listen to',
	},
	{
		displayName: 'Path',
		name: 'path',
		type: 'string',
		default: '',
		placeholder: 'webhook',
		description: 'The path to listen to; empty uses a unique ID',
	},
	{
		displayName: 'Signing Scheme',
		name: 'signatureScheme',
		type: 'options',
		noDataExpression: true,
		options: SCHEME_OPTIONS,
		default: DEFAULT_SCHEME,
		description: 'The signature format the sender uses',
	},
	...SCHEME_SETTINGS,
	...oneTimeTokenNotices(),
	...toleranceProperties(),
	...oneTimeTokenToleranceProperties(),
	{
		displayName: 'Detect Replayed and Duplicate Calls',
		name: 'replayProtection',
		type: 'boolean',
		default: false,
		description:
			'Whether to remember each call whose run succeeded and start nothing for a copy of it (a replay, or the sender retrying a call whose answer it lost). A retry of a call whose run failed is processed. Remembered in this n8n process only; see the docs for queue mode.',
	},
	...copiesByProperties(),
	{
		displayName: 'Answer to a Duplicate',
		name: 'duplicateAnswer',
		type: 'options',
		options: [
			{
				name: '200 OK (Recommended)',
				value: 'acknowledge',
				description: 'The sender stops retrying; nothing runs',
			},
			{
				name: 'Rejection Status',
				value: 'reject',
				description:
					'Answer 401 (or 403) with reason replayed_id; nothing runs, honest senders retry',
			},
		],
		default: 'acknowledge',
		displayOptions: { show: { replayProtection: [true] } },
		description:
			'What a copy of a call that was already processed gets. A copy of a call still running always gets 503 with Retry-After, so it is retried if that run fails.',
	},
	{
		displayName: 'Remember Calls For (Seconds)',
		name: 'replayMemorySeconds',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_REMEMBER_SECONDS,
		displayOptions: { show: { replayProtection: [true] } },
		description:
			'How long a processed call is remembered; never shorter than its signed timestamp stays inside the tolerance window. For schemes without a signed timestamp, a copy sent after this time runs again.',
	},
	{
		displayName: 'Running Call Lease (Seconds)',
		name: 'runningCallLeaseSeconds',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_RUNNING_CALL_LEASE_SECONDS,
		displayOptions: { show: { replayProtection: [true] } },
		description:
			"How long copies of a call whose run has not answered yet get 503. If n8n has not answered by then (a run lost to a database or process failure), the next copy runs. Set it above your workflow's longest run. Mailgun tokens stay refused while fresh, whatever this says.",
	},
	rejectionStatusProperty(
		'The answer to a call whose signature is missing, wrong, stale or replayed. No execution starts.',
	),
	{
		displayName: 'Output Rejected Calls',
		name: 'rejectedOutput',
		type: 'boolean',
		default: false,
		description:
			'Whether to also send each rejected call to a second output, "Rejected", for auditing. The caller still gets the rejection status; each rejected call then starts an execution.',
	},
	{
		displayName: 'Respond',
		name: 'responseMode',
		type: 'options',
		options: [
			{ name: 'Immediately', value: 'onReceived', description: 'As soon as the call is verified' },
			{
				name: 'When Last Node Finishes',
				value: 'lastNode',
				description: 'Returns data of the last-executed node',
			},
			// "Using 'Respond to Webhook' Node" is not offered: the Respond to
			// Webhook node n8n inserts (1.1 and later) answers only behind n8n's
			// own webhook nodes. Workflows saved with it keep working with a
			// version 1 Respond to Webhook node (see the README's Limits).
		],
		default: 'onReceived',
		description: 'When and how to respond to a verified call',
	},
	{
		displayName:
			"This workflow answers through a Respond to Webhook node, which this trigger no longer offers: only that node's version 1 works behind it (n8n's newer versions answer only behind n8n's own Webhook node). Choose 'When Last Node Finishes' and let the last node's output be the answer.",
		name: 'respondToWebhookNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { responseMode: ['responseNode'] } },
	},
	{
		displayName: 'Response Code',
		name: 'responseCode',
		type: 'number',
		typeOptions: { minValue: 100, maxValue: 599 },
		default: 200,
		displayOptions: { hide: { responseMode: ['responseNode'] } },
		description: 'The HTTP response code to return to a verified call',
	},
	{
		displayName: 'Response Data',
		name: 'responseData',
		type: 'options',
		displayOptions: { show: { responseMode: ['lastNode'] } },
		options: [
			{
				name: 'All Entries',
				value: 'allEntries',
				description: 'Returns all the entries of the last node. Always returns an array.',
			},
			{
				name: 'First Entry JSON',
				value: 'firstEntryJson',
				description: 'Returns the JSON data of the first entry of the last node',
			},
			{
				name: 'First Entry Binary',
				value: 'firstEntryBinary',
				description: 'Returns the binary data of the first entry of the last node',
			},
			{ name: 'No Response Body', value: 'noData', description: 'Returns without a body' },
		],
		default: 'firstEntryJson',
		description: 'What data should be returned',
	},
	{
		displayName: 'Property Name',
		name: 'responseBinaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		displayOptions: { show: { responseData: ['firstEntryBinary'] } },
		description: 'Name of the binary property to return',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Include Headers',
				name: 'includeHeaders',
				type: 'boolean',
				default: true,
				description:
					'Whether to output the request headers (the signature header is always left out)',
			},
			{
				displayName: 'Raw Body',
				name: 'rawBody',
				type: 'boolean',
				default: false,
				description:
					'Whether to also output the exact bytes received as binary data (property "data")',
			},
			{
				displayName: 'Response Data',
				name: 'responseText',
				type: 'string',
				default: '',
				placeholder: 'success',
				displayOptions: { show: { '/responseMode': ['onReceived'] } },
				description: 'Custom response data to send to a verified call',
			},
			{
				displayName: 'Split Array Body Into Items',
				name: 'splitArray',
				type: 'boolean',
				default: false,
				description:
					'Whether a JSON array body (a GoodFit batch of up to 200 records, say) becomes one item per record',
			},
		],
	},
];
