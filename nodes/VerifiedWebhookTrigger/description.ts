import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_TOLERANCE_SECONDS } from '../../core';
import { DEFAULT_SCHEME, SCHEME_OPTIONS, SCHEME_SETTINGS } from '../shared/schemeParameters';

/** Parameters of Webhook Trigger (Verified). Names follow n8n's Webhook node where it has one. */
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
	{
		displayName: 'Timestamp Tolerance (Seconds)',
		name: 'toleranceSeconds',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: DEFAULT_TOLERANCE_SECONDS,
		description:
			'For schemes that sign a timestamp: how far it may be from now, in either direction. 0 turns the check off (then a captured call can be replayed at any time).',
	},
	{
		displayName: 'Reject Replayed Calls',
		name: 'replayProtection',
		type: 'boolean',
		default: false,
		description:
			'Whether to refuse a call whose ID (or, for schemes without one, whose signature) was already accepted within the tolerance window. Remembered in this n8n process only; see the docs for queue mode.',
	},
	{
		displayName: 'Rejection Status',
		name: 'rejectionStatus',
		type: 'options',
		options: [
			{ name: '401 Unauthorized', value: 401 },
			{ name: '403 Forbidden', value: 403 },
		],
		default: 401,
		description:
			'The answer to a call whose signature is missing, wrong, stale or replayed. No execution starts.',
	},
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
			{
				name: "Using 'Respond to Webhook' Node",
				value: 'responseNode',
				description: 'Response defined in that node',
			},
		],
		default: 'onReceived',
		description: 'When and how to respond to a verified call',
	},
	{
		displayName:
			"n8n's Respond to Webhook node answers only behind n8n's own Webhook node from its version 1.1 on. Behind this trigger use Respond to Webhook version 1 (e.g. from examples/respond-with-node.json), or choose 'When Last Node Finishes'.",
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
