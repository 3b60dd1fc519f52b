import type { INodeProperties, NodeHint } from 'n8n-workflow';

import { DEFAULT_RETRY_POLICY, MAX_BATCH_SIZE } from '../../core';
import { DEFAULT_SCHEME, SCHEME_SETTINGS, SEND_SCHEME_OPTIONS } from '../shared/schemeParameters';
import { WAIT_NODE_MIN_SECONDS } from './retryLater';
import {
	destinationProperty,
	endpointSecretsProperty,
	operationProperty,
	systemOptions,
} from './systemDescription';

/*
 * The defaults of Options: their fields show them, and settings.ts reads them
 * for an option that is not added (a collection holds only the options added).
 * n8n's lint takes a number field's default from a plain name, but a boolean
 * field's only as a literal: test/nodes/send-webhook.visibility.test.ts holds
 * those two literals to the names below.
 */
/** Retry Delays as the field shows the default schedule. */
export const DEFAULT_RETRY_DELAYS = DEFAULT_RETRY_POLICY.delaysSeconds.join(', ');
const DEFAULT_RETRY_AFTER_CAP = DEFAULT_RETRY_POLICY.retryAfterCapSeconds;
export const DEFAULT_DEADLINE_SECONDS = 0;
export const DEFAULT_GIVE_UP_AFTER = 3;
export const DEFAULT_HTTPS_ONLY = false;
export const DEFAULT_CONCURRENCY = 1;
export const MAX_CONCURRENCY = 50;
export const DEFAULT_RESPONSE_BODY_LIMIT = 1000;
export const DEFAULT_TIMEOUT_MS = 10000;

/**
 * Shown before a run while the default schedule is in place: a test run
 * against a URL that does not answer spins without a word otherwise.
 */
export const sendWebhookHints: NodeHint[] = [
	{
		message: `A call that fails is retried after ${DEFAULT_RETRY_POLICY.delaysSeconds
			.map((seconds) => `${seconds} s`)
			.join(
				', then ',
			)}: against a URL that does not answer, this node runs for about ${DEFAULT_RETRY_POLICY.delaysSeconds.reduce(
			(sum, seconds) => sum + seconds,
			0,
		)} s before it reports the items as failed. For a quick test, empty Options → Retry Delays.`,
		type: 'info',
		location: 'outputPane',
		whenToDisplay: 'beforeExecution',
		// Shown for the Default schedule, and for Custom left at its default
		// delays (a workflow with Retry Delays and no Retry Schedule is Custom).
		displayCondition: `={{ (function (o) { const schedule = o.retrySchedule ?? (o.retryDelays === undefined ? "default" : "custom"); return schedule === "default" || (schedule === "custom" && String(o.retryDelays ?? "${DEFAULT_RETRY_DELAYS}").replace(/\\s/g, "") === "${DEFAULT_RETRY_DELAYS.replace(/\s/g, '')}"); })($parameter["options"] || {}) }}`,
	},
	{
		// Said before the run, not only by the error the run would end in.
		message:
			'The Standard Webhooks schedule waits up to 10 hours between attempts: set Options → Retries to "Through a Wait Node" and wire the Retry output through a Wait node back into this node.',
		type: 'warning',
		location: 'outputPane',
		whenToDisplay: 'beforeExecution',
		displayCondition:
			'={{ ($parameter["options"] || {})["retrySchedule"] === "standardWebhooks" && ($parameter["options"] || {})["retryMode"] !== "waitNode" }}',
	},
];

/** Parameters of the Send operation. Names follow n8n's HTTP Request node where it has one. */
const sendProperties: INodeProperties[] = [
	{
		displayName: 'Method',
		name: 'method',
		type: 'options',
		options: [
			{ name: 'PATCH', value: 'PATCH' },
			{ name: 'POST', value: 'POST' },
			{ name: 'PUT', value: 'PUT' },
		],
		default: 'POST',
	},
	destinationProperty,
	{
		displayName: 'URL',
		name: 'url',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { destination: ['url'] } },
		placeholder: 'https://example.com/webhooks/n8n',
		description:
			'Where to send each item; an expression can send items to different URLs (they are batched separately)',
	},
	// Before Signing Scheme: n8n draws a node's credential selectors just
	// above the last parameter named in their displayOptions.show, so this
	// order puts them below the Authentication choice.
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'None', value: 'none' },
			{
				name: 'Header Auth',
				value: 'headerAuth',
				description: 'Add an API key or bearer token header from a Webhook Header Auth credential',
			},
		],
		default: 'none',
	},
	{
		displayName: 'Signing Scheme',
		name: 'signatureScheme',
		type: 'options',
		noDataExpression: true,
		options: [{ name: 'None (Unsigned)', value: 'none' }, ...SEND_SCHEME_OPTIONS],
		default: DEFAULT_SCHEME,
		description: 'The signature format the receiver checks',
	},
	...SCHEME_SETTINGS,
	endpointSecretsProperty,
	{
		displayName: 'Payload',
		name: 'payload',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: "The Item's JSON", value: 'item' },
			{
				name: 'Custom JSON',
				value: 'custom',
				description: 'A JSON value written or computed per item',
			},
			{
				name: 'A Logged Delivery (Resend)',
				value: 'resend',
				description:
					'Each item is a row of the Log output (with Log Bodies on): sent again to its endpoint with its delivery ID and a fresh signature',
			},
		],
		default: 'item',
	},
	{
		displayName: 'Custom JSON',
		name: 'customPayload',
		type: 'json',
		default: '={{ $json }}',
		displayOptions: { show: { payload: ['custom'] } },
		description: 'The JSON sent for each item (a record of a batch)',
	},
	{
		displayName: 'Event Name',
		name: 'eventName',
		type: 'string',
		default: '',
		placeholder: 'contact.created',
		description:
			"Sent in the scheme's event header (X-Webhook-Event for ConnectGain, X-GitHub-Event, …) and in the envelope if it is on",
	},
	{
		displayName: 'Wrap in Event Envelope',
		name: 'envelope',
		type: 'boolean',
		default: false,
		description:
			'Whether to send {"event", "timestamp", "data"} as ConnectGain does, with the payload (or batch) in data. Always on with the ConnectGain scheme.',
	},
	{
		displayName: 'Batching',
		name: 'batching',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'One Request per Item', value: 'perItem' },
			{
				name: 'Batches',
				value: 'batch',
				description: `Up to ${MAX_BATCH_SIZE} records per call, as a JSON array; items for different URLs are never mixed`,
			},
		],
		default: 'perItem',
	},
	{
		displayName: 'Batch Size',
		name: 'batchSize',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_BATCH_SIZE },
		default: 100,
		displayOptions: { show: { batching: ['batch'] } },
		description: `Records per call, 1 to ${MAX_BATCH_SIZE}`,
	},
	{
		displayName: 'Batch Wrapper Key',
		name: 'batchWrapperKey',
		type: 'string',
		default: '',
		placeholder: 'records',
		displayOptions: { show: { batching: ['batch'] } },
		description:
			'Send {"records": [...]} (with this key) instead of a bare array; leave empty for the array itself',
	},
	{
		displayName: 'Delivery ID',
		name: 'deliveryId',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Random per Call',
				value: 'random',
				description: 'A new ID for every call: a re-run sends new IDs',
			},
			{
				name: 'From the Content',
				value: 'content',
				description:
					'Derived from what the call sends (records, URL, method, event, wrapper key), never from a time: the same call made again carries the same ID',
			},
			{
				name: 'From an Expression',
				value: 'expression',
				description:
					"Each item's own ID (by default its ID field); a batch's ID is derived from its items' IDs",
			},
		],
		default: 'random',
		description:
			"The ID sent in the scheme's ID header (or in Standard Webhooks' when it has none), the same on every attempt. A receiver that de-duplicates on it can recognise a re-run only with a stable ID.",
	},
	{
		displayName: "Item's Delivery ID",
		name: 'deliveryIdValue',
		type: 'string',
		default: '={{ $json.id }}',
		displayOptions: { show: { deliveryId: ['expression'] } },
		description: 'A stable ID per item: at most 200 letters, digits, "_", ":" or "-" (no ".")',
	},
	{
		displayName: 'Send Headers',
		name: 'sendHeaders',
		type: 'boolean',
		default: false,
	},
	{
		displayName: 'Header Parameters',
		name: 'headerParameters',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		displayOptions: { show: { sendHeaders: [true] } },
		placeholder: 'Add Header',
		default: { parameters: [{ name: '', value: '' }] },
		options: [
			{
				name: 'parameters',
				displayName: 'Header',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
	{
		displayName: 'On Final Failure',
		name: 'onFailure',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Route to the Failed Output',
				value: 'output',
				description:
					'Items that could not be delivered go to the second output, with what happened',
			},
			{
				name: 'Stop the Workflow',
				value: 'error',
				description:
					'Fail the node at the first item that could not be delivered (unless Continue On Fail is set)',
			},
		],
		default: 'output',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: (
			[
				{
					displayName: 'Deadline (Seconds)',
					name: 'deadlineSeconds',
					type: 'number',
					typeOptions: { minValue: 0 },
					default: DEFAULT_DEADLINE_SECONDS,
					description:
						"Seconds after the node starts by which it ends, every item in an output: calls not made by then, and calls waiting to retry, go to Failed. 0: the workflow's execution timeout less a margin, or no deadline without one.",
				},
				{
					displayName: 'Give Up on a Destination After (Failed Calls)',
					name: 'giveUpAfterFailedCalls',
					type: 'number',
					typeOptions: { minValue: 0 },
					default: DEFAULT_GIVE_UP_AFTER,
					description:
						'After this many calls in a row to one URL and method have failed with every retry spent, the rest of its calls fail at once instead of each waiting out its retries. 0 never gives up.',
				},
				{
					displayName: 'Only HTTPS URLs',
					name: 'httpsOnly',
					type: 'boolean',
					default: false,
					description: 'Whether to refuse http:// URLs, so signed data never travels unencrypted',
				},
				{
					displayName: 'Requests in Flight',
					name: 'concurrency',
					type: 'number',
					typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY },
					default: DEFAULT_CONCURRENCY,
					description:
						'How many calls run at once (to each endpoint, when sending to endpoints); 1 delivers strictly in order',
				},
				{
					displayName: 'Response Body Limit',
					name: 'responseBodyLimit',
					type: 'number',
					typeOptions: { minValue: 0 },
					default: DEFAULT_RESPONSE_BODY_LIMIT,
					description:
						"Characters of the receiver's answer kept in the delivery record; 0 keeps none",
				},
				{
					displayName: 'Retries',
					name: 'retryMode',
					type: 'options',
					options: [
						{
							name: 'Wait Inside the Node',
							value: 'inNode',
							description:
								'The node waits between attempts; in queue mode a worker that stops meanwhile loses the calls still waiting, unless N8N_GRACEFUL_SHUTDOWN_TIMEOUT outlasts the schedule',
						},
						{
							name: 'Through a Wait Node (Survives Restarts)',
							value: 'waitNode',
							description: `A failed call goes to a third output, Retry, with when to try again: wire it through n8n's Wait node back into this node. Waits are at least ${WAIT_NODE_MIN_SECONDS} s: n8n keeps waits from 65 s on in its database.`,
						},
					],
					default: 'inNode',
					description: 'Where the waits between attempts happen',
				},
				{
					displayName: 'Retry 3xx and 4xx Answers',
					name: 'retryClientErrors',
					type: 'boolean',
					default: true,
					description:
						'Whether to retry answers such as 400 or 404 like any other failure (408 and 429 are always retried; 410 never is)',
				},
				{
					displayName: 'Retry Delays (Seconds)',
					name: 'retryDelays',
					type: 'string',
					default: DEFAULT_RETRY_DELAYS,
					placeholder: 'No retries',
					description: `Waits before each retry, comma-separated; empty for no retries. Default: ${DEFAULT_RETRY_POLICY.delaysSeconds.length + 1} attempts.`,
				},
				{
					displayName: 'Retry-After Cap (Seconds)',
					name: 'retryAfterCap',
					type: 'number',
					typeOptions: { minValue: 0 },
					default: DEFAULT_RETRY_AFTER_CAP,
					description: "Longest wait a receiver's Retry-After header can ask for",
				},
				{
					displayName: 'Timeout',
					name: 'timeout',
					type: 'number',
					typeOptions: { minValue: 1 },
					default: DEFAULT_TIMEOUT_MS,
					description: "Milliseconds to wait for each attempt's answer before it counts as failed",
				},
				...systemOptions,
			] as INodeProperties[]
		).sort((a, b) => a.displayName.localeCompare(b.displayName)),
	},
];

/** Parameters the Reveal Endpoint Secret operation shares with Send: the scheme decides the secret's form. */
const SHARED_WITH_REVEAL = new Set(['signatureScheme', ...SCHEME_SETTINGS.map(({ name }) => name)]);

/** Every parameter of the node: the Send operation's shown only for it. */
export const sendWebhookProperties: INodeProperties[] = [
	operationProperty,
	...sendProperties.map((property) =>
		SHARED_WITH_REVEAL.has(property.name)
			? property
			: {
					...property,
					displayOptions: {
						...property.displayOptions,
						show: { ...property.displayOptions?.show, operation: ['send'] },
					},
				},
	),
];
