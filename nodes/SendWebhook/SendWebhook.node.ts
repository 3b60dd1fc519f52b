import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { testHeaderAuth, testSigningSecret } from '../shared/signing';
import { sendWebhookProperties } from './description';
import { sendWebhooks } from './execute';

export class SendWebhook implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Send Webhook',
		name: 'sendWebhook',
		icon: {
			light: 'file:../../icons/send-webhook.svg',
			dark: 'file:../../icons/send-webhook.dark.svg',
		},
		group: ['output'],
		version: 1,
		subtitle:
			'={{$parameter["method"] + " · " + ($parameter["signatureScheme"] === "none" ? "unsigned" : $parameter["signatureScheme"])}}',
		description:
			'Send items as JSON to a URL: signed, batched, retried, and every item reported as delivered or failed',
		defaults: { name: 'Send Webhook' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		// A third output, Retry, exists only when retries go through a Wait node.
		outputs: `={{ ($parameter["options"] || {})["retryMode"] === "waitNode" ? [{ "type": "main", "displayName": "Delivered" }, { "type": "main", "displayName": "Failed" }, { "type": "main", "displayName": "Retry" }] : [{ "type": "main", "displayName": "Delivered" }, { "type": "main", "displayName": "Failed" }] }}`,
		credentials: [
			{
				name: 'webhookSigningSecretApi',
				required: true,
				testedBy: 'webhookSigningSecretTest',
				displayOptions: { hide: { signatureScheme: ['none'] } },
			},
			{
				name: 'webhookHeaderAuthApi',
				required: true,
				testedBy: 'webhookHeaderAuthTest',
				displayOptions: { show: { authentication: ['headerAuth'] } },
			},
		],
		properties: sendWebhookProperties,
	};

	methods = {
		credentialTest: {
			webhookSigningSecretTest: testSigningSecret,
			webhookHeaderAuthTest: testHeaderAuth,
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await sendWebhooks.call(this);
	}
}
