import {
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import {
	SECRET_SCHEME_IDS,
	SENDABLE_KEY_SCHEME_IDS,
	schemeNameExpression,
} from '../shared/schemeParameters';
import { testHeaderAuth, testSigningKey, testSigningSecret } from '../shared/credentialTests';
import { sendWebhookHints, sendWebhookProperties } from './description';
import { sendWebhooks } from './execute';
import { revealEndpointSecrets } from './revealSecrets';
import { inputsFor, outputsFor } from './systemDescription';

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
		subtitle: `={{$parameter["operation"] === "revealSecret" ? "Reveal endpoint secret · " + ${schemeNameExpression('signatureScheme')} : $parameter["method"] + " · " + ${schemeNameExpression('signatureScheme')}}}`,
		description: 'Send items as signed JSON webhooks, retried until delivered',
		defaults: { name: 'Send Webhook' },
		// Deliberately not an AI tool: a call can wait minutes for its retries
		// and posts to whatever URL it is given, which a model should not pick.
		// n8n's lint wants the property declared; its type has no `false`.
		usableAsTool: undefined,
		// Events and Endpoints when sending to endpoints; Delivered and Failed,
		// then Retry (retries through a Wait node), Log and Endpoint Events
		// as the settings ask. Functions n8n runs, as its Merge node's are.
		inputs: `={{(${inputsFor.toString()})($parameter)}}`,
		outputs: `={{(${outputsFor.toString()})($parameter)}}`,
		credentials: [
			{
				name: 'webhookSigningSecretApi',
				required: true,
				testedBy: 'webhookSigningSecretTest',
				// "show" with its schemes rather than "hide: none": n8n's editor
				// places credential selectors by the parameters their "show"
				// names, and this puts them below Authentication.
				displayOptions: { show: { signatureScheme: SECRET_SCHEME_IDS } },
			},
			{
				name: 'webhookSigningKeyApi',
				required: true,
				testedBy: 'webhookSigningKeyTest',
				displayOptions: { show: { signatureScheme: SENDABLE_KEY_SCHEME_IDS } },
			},
			{
				name: 'webhookHeaderAuthApi',
				required: true,
				testedBy: 'webhookHeaderAuthTest',
				displayOptions: { show: { authentication: ['headerAuth'] } },
			},
		],
		properties: sendWebhookProperties,
		hints: sendWebhookHints,
	};

	methods = {
		credentialTest: {
			webhookSigningSecretTest: testSigningSecret,
			webhookSigningKeyTest: testSigningKey,
			webhookHeaderAuthTest: testHeaderAuth,
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		if (this.getNodeParameter('operation', 0, 'send') === 'revealSecret') {
			return await revealEndpointSecrets.call(this);
		}
		return await sendWebhooks.call(this);
	}
}
