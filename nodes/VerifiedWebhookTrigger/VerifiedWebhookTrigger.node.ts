import type {
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { testSigningSecret } from '../shared/signing';
import { verifiedWebhookTriggerProperties } from './description';
import { receiveVerifiedWebhook } from './webhook';

export class VerifiedWebhookTrigger implements INodeType {
	description: INodeTypeDescription = {
		// The product's name for it; n8n's own rule wants "Trigger" last.
		// eslint-disable-next-line n8n-nodes-base/node-class-description-display-name-unsuffixed-trigger-node
		displayName: 'Webhook Trigger (Verified)',
		name: 'verifiedWebhookTrigger',
		icon: {
			light: 'file:../../icons/verified-webhook-trigger.svg',
			dark: 'file:../../icons/verified-webhook-trigger.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["httpMethod"] + " · " + $parameter["signatureScheme"]}}',
		description:
			'Starts the workflow when a webhook call with a valid signature arrives; refuses forged, tampered, stale and replayed calls with 401 before any execution',
		eventTriggerDescription: 'Waiting for a signed call to the Test URL',
		activationMessage: 'Signed calls to the production URL now start this workflow.',
		defaults: { name: 'Webhook Trigger (Verified)' },
		inputs: [],
		// The "Rejected" output exists only when the user asks for it.
		outputs: `={{ $parameter["rejectedOutput"] ? [{ "type": "main", "displayName": "Verified" }, { "type": "main", "displayName": "Rejected" }] : [{ "type": "main" }] }}`,
		credentials: [
			{ name: 'webhookSigningSecretApi', required: true, testedBy: 'webhookSigningSecretTest' },
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: '={{$parameter["httpMethod"] || "POST"}}',
				isFullPath: true,
				path: '={{$parameter["path"]}}',
				responseMode: '={{$parameter["responseMode"]}}',
				responseCode: '={{$parameter["responseCode"]}}',
				// Only "When Last Node Finishes" has a response data choice; an
				// immediate answer's text comes from webhook() itself.
				responseData:
					'={{$parameter["responseMode"] === "lastNode" ? $parameter["responseData"] : undefined}}',
				responseBinaryPropertyName: '={{$parameter["responseBinaryPropertyName"]}}',
			},
		],
		properties: verifiedWebhookTriggerProperties,
	};

	methods = {
		credentialTest: { webhookSigningSecretTest: testSigningSecret },
	};

	/** A webhook path needs nothing registered with a third party: n8n itself serves it. */
	webhookMethods = {
		default: {
			async checkExists(this: unknown): Promise<boolean> {
				return true;
			},
			async create(this: unknown): Promise<boolean> {
				return true;
			},
			async delete(this: unknown): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveVerifiedWebhook.call(this);
	}
}
