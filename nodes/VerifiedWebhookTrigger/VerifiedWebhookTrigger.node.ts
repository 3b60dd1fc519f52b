import type {
	IExecuteFunctions,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { schemeNameExpression, VERIFYING_CREDENTIALS } from '../shared/schemeParameters';
import { testSigningKey, testSigningSecret } from '../shared/credentialTests';
import { verifiedWebhookTriggerProperties } from './description';
import { checkConfiguration } from './checkConfiguration';
import { routeReceivedCalls } from './routeCalls';
import { DEFAULT_WEBHOOK } from './webhookDescription';
import { receiveVerifiedWebhook } from './webhook';

export class VerifiedWebhookTrigger implements INodeType {
	description: INodeTypeDescription = {
		// n8n's verification scanner wants "Trigger" last; "Webhook Trigger
		// (Verified)", its earlier name, is an alias in the codex file.
		displayName: 'Verified Webhook Trigger',
		name: 'verifiedWebhookTrigger',
		icon: {
			light: 'file:../../icons/verified-webhook-trigger.svg',
			dark: 'file:../../icons/verified-webhook-trigger.dark.svg',
		},
		group: ['trigger'],
		// 1.1 behaves as 1. n8n evaluates an expression on every call for a
		// version 1 trigger (its Webhook node v1's binaryData option); from 1.1 on it
		// does not, so a call can go without a sandbox (docs/n8n-webhook-sandbox.md).
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: `={{$parameter["httpMethod"] + " · " + ${schemeNameExpression('signatureScheme')}}}`,
		description: 'Starts the workflow on a webhook call whose signature checks out',
		eventTriggerDescription: 'Waiting for a signed call to the Test URL',
		activationMessage: 'Signed calls to the production URL now start this workflow.',
		defaults: { name: 'Verified Webhook Trigger' },
		// n8n's editor shows its "Make a request to" panel for its own Webhook
		// node only; this is the text the panel takes from a trigger.
		triggerPanel: {
			header: 'Listen for a signed test call',
			executionsHelp: {
				inactive:
					"This trigger has two URLs, test and production (under Webhook URLs above). <br /> <br /> <b>While you build the workflow</b>, click 'Execute step', then send a signed call to the test URL. A verified call shows up here; a refused one too, with the reason, while its sender gets the 401. <br /> <br /> <b>To run the workflow automatically</b>, publish it and have the sender call the production URL. Those executions are in the executions list, not in the editor.",
				active:
					'This trigger has two URLs, test and production (under Webhook URLs above). <br /> <br /> <b>While you build the workflow</b>, click \'Execute step\', then send a signed call to the test URL. A verified call shows up here; a refused one too, with the reason, while its sender gets the 401. <br /> <br /> <b>The workflow is published</b>: calls to the production URL run it. Those executions are in the <a data-key="executions">executions list</a>, not in the editor.',
			},
			activationHint:
				'Once the workflow is built, publish it and point the sender at the production URL: it then runs without this button.',
		},
		inputs: [],
		// The "Rejected" output exists only when the user asks for it.
		outputs: `={{ $parameter["rejectedOutput"] ? [{ "type": "main", "displayName": "Verified" }, { "type": "main", "displayName": "Rejected" }] : [{ "type": "main" }] }}`,
		credentials: VERIFYING_CREDENTIALS,
		webhooks: [DEFAULT_WEBHOOK],
		properties: verifiedWebhookTriggerProperties,
	};

	methods = {
		credentialTest: {
			webhookSigningSecretTest: testSigningSecret,
			webhookSigningKeyTest: testSigningKey,
		},
	};

	/**
	 * A webhook path needs nothing registered with a third party (n8n itself
	 * serves it), so the lifecycle is used to check the configuration when
	 * listening starts or the workflow is published.
	 */
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				await checkConfiguration.call(this);
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveVerifiedWebhook.call(this);
	}

	/** Runs first in the execution webhook() started: routes its calls to the outputs. */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await routeReceivedCalls.call(this);
	}
}
