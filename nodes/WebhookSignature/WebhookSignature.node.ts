import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { testSigningKey, testSigningSecret } from '../shared/credentialTests';
import { schemeNameExpression, VERIFYING_CREDENTIALS } from '../shared/schemeParameters';
import { webhookSignatureProperties } from './description';
import { signItems } from './sign';
import { verifyItems } from './verify';

/**
 * Verify or sign as a workflow step, one file per operation (verify.ts,
 * sign.ts), on the same core path as Verified Webhook Trigger and Send
 * Webhook.
 */
export class WebhookSignature implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Webhook Signature',
		name: 'webhookSignature',
		icon: {
			light: 'file:../../icons/webhook-signature.svg',
			dark: 'file:../../icons/webhook-signature.dark.svg',
		},
		group: ['transform'],
		version: 1,
		subtitle: `={{($parameter["operation"] === "sign" ? "Sign · " : "Verify · ") + ${schemeNameExpression('signatureScheme')}}}`,
		description: 'Verify a received webhook signature on its raw bytes, or sign a body to send',
		defaults: { name: 'Webhook Signature' },
		usableAsTool: undefined,
		inputs: [NodeConnectionTypes.Main],
		// Verify sorts calls onto Valid and Invalid; Sign has one output.
		outputs: `={{ $parameter["operation"] === "sign" ? [{ "type": "main" }] : [{ "type": "main", "displayName": "Valid" }, { "type": "main", "displayName": "Invalid" }] }}`,
		credentials: VERIFYING_CREDENTIALS,
		properties: webhookSignatureProperties,
	};

	methods = {
		credentialTest: {
			webhookSigningSecretTest: testSigningSecret,
			webhookSigningKeyTest: testSigningKey,
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0, 'verify');
		return operation === 'sign' ? await signItems.call(this) : await verifyItems.call(this);
	}
}
