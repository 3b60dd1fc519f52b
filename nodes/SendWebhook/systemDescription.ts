/**
 * The parameters of Send Webhook's webhook system: endpoints from a second
 * input, a secret per endpoint, the delivery log and endpoint health outputs,
 * and the Reveal Endpoint Secret operation. See docs/webhook-system.md.
 */
import type { INodeProperties } from 'n8n-workflow';

import { RETRY_SCHEDULES } from '../../core';

export const DEFAULT_ROTATION_OVERLAP_HOURS = 24;
/** Failed deliveries in a row after which an endpoint is reported disabled (docs/webhook-system.md says why 5). */
export const DEFAULT_DISABLE_AFTER_FAILURES = 5;

const seconds = (delays: readonly number[]) =>
	delays
		.map((delay) =>
			delay < 60 ? `${delay} s` : delay < 3600 ? `${delay / 60} min` : `${delay / 3600} h`,
		)
		.join(', ');

export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Reveal Endpoint Secret',
			value: 'revealSecret',
			action: 'Reveal an endpoint secret',
			description:
				"Add each endpoint's derived signing secret to it, to hand to its subscriber; nothing is sent",
		},
		{
			name: 'Send',
			value: 'send',
			action: 'Send signed webhooks',
			description: 'Send items as signed JSON webhooks',
		},
	],
	default: 'send',
};

export const destinationProperty: INodeProperties = {
	displayName: 'Send To',
	name: 'destination',
	type: 'options',
	noDataExpression: true,
	options: [
		{ name: 'One URL', value: 'url', description: 'Every item goes to the URL below' },
		{
			name: 'Endpoints (Second Input)',
			value: 'endpoints',
			description:
				'Each event goes to every active endpoint, from the second input, whose events match it',
		},
	],
	default: 'url',
};

export const endpointSecretsProperty: INodeProperties = {
	displayName: 'Endpoint Secrets',
	name: 'endpointSecrets',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Derived per Endpoint',
			value: 'derived',
			description:
				"Each endpoint's secret is derived from the credential's secret, its ID and its secret_version: no secret sits in the endpoints table",
		},
		{
			name: "From the Endpoint's Secret Field",
			value: 'record',
			description:
				'Each endpoint row holds its own secret (as ConnectGain keeps it): whoever can read the table can sign as you',
		},
	],
	default: 'derived',
	displayOptions: { show: { destination: ['endpoints'] } },
};

/** Options of the webhook system and of the schedules, added to the Options collection. */
export const systemOptions: INodeProperties[] = [
	{
		displayName: 'Delivery Log Output',
		name: 'logOutput',
		type: 'boolean',
		default: false,
		description:
			'Whether to add a Log output with one row per attempt, ready for a Data Table (always there when sending to endpoints)',
	},
	{
		displayName: 'Disable an Endpoint After (Failed Deliveries)',
		name: 'disableAfterFailures',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: DEFAULT_DISABLE_AFTER_FAILURES,
		description:
			"Endpoints only: after this many deliveries in a row failed every attempt (counted with the endpoint's consecutive_failures), an endpoint.disabled item goes to Endpoint Events. 0 never.",
	},
	{
		displayName: 'Log Bodies',
		name: 'logBodies',
		type: 'boolean',
		default: false,
		description:
			'Whether each log row carries the body sent (needed to resend from the log); bodies can hold personal data and make the log large',
	},
	{
		displayName: 'Retry Schedule',
		name: 'retrySchedule',
		type: 'options',
		options: [
			{
				name: 'Default',
				description: `${seconds(RETRY_SCHEDULES.default)}`,
				value: 'default',
			},
			{
				name: 'Standard Webhooks / Svix (Over a Day)',
				value: 'standardWebhooks',
				description: `${seconds(RETRY_SCHEDULES.standardWebhooks)}, each ±20 %. Needs Retries: Through a Wait Node.`,
			},
			{ name: 'Custom (Retry Delays)', value: 'custom' },
		],
		default: 'default',
		description: 'The waits between attempts',
	},
	{
		displayName: 'Rotation Overlap (Hours)',
		name: 'rotationOverlapHours',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: DEFAULT_ROTATION_OVERLAP_HOURS,
		description:
			"Derived secrets: for this long after an endpoint's secret_rotated_at, calls also carry a signature with the previous secret_version, where the scheme has room for several",
	},
];

/** The parameters that decide the node's inputs and outputs. */
interface IoParameters {
	operation?: string;
	destination?: string;
	options?: { retryMode?: string; logOutput?: boolean };
}

/**
 * The node's outputs for its parameters. Written as one plain function so
 * n8n can run it as the outputs expression (as its Merge node does).
 */
export function outputsFor(parameters: IoParameters): Array<{ type: 'main'; displayName: string }> {
	const named = (displayName: string) => ({ type: 'main' as const, displayName });
	if (parameters.operation === 'revealSecret') return [named('Endpoints')];
	const options = parameters.options || {};
	const endpoints = parameters.destination === 'endpoints';
	const outputs = [named('Delivered'), named('Failed')];
	if (options.retryMode === 'waitNode') outputs.push(named('Retry'));
	if (endpoints || options.logOutput === true) outputs.push(named('Log'));
	if (endpoints) outputs.push(named('Endpoint Events'));
	return outputs;
}

/** The node's inputs: Events and Endpoints when sending to endpoints. */
export function inputsFor(
	parameters: IoParameters,
): Array<'main' | { type: 'main'; displayName: string }> {
	if (parameters.operation === 'revealSecret' || parameters.destination !== 'endpoints') {
		return ['main'];
	}
	return [
		{ type: 'main', displayName: 'Events' },
		{ type: 'main', displayName: 'Endpoints' },
	];
}
