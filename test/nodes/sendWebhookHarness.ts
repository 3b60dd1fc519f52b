/**
 * Runs Send Webhook inside n8n-core's execution context with the parameters a
 * workflow would hold, against real receivers on 127.0.0.1.
 */
import type {
	IDataObject,
	INodeExecutionData,
	INodeParameters,
	IWorkflowSettings,
	NodeExecutionHint,
} from 'n8n-workflow';

import { SendWebhook } from '../../nodes/SendWebhook/SendWebhook.node';
import { runExecute } from '../helpers/n8n';
import {
	signingKeyData,
	signingSecretData,
	type KeyOption,
	type SecretOption,
} from '../helpers/credentials';

export interface SendOptions {
	readonly items?: INodeExecutionData[];
	/** The second input, Endpoints (Send To: Endpoints). */
	readonly endpoints?: INodeExecutionData[];
	readonly secret?: SecretOption;
	/** A Webhook Signing Key credential (Standard Webhooks v1a). */
	readonly keys?: KeyOption;
	readonly headerAuth?: { name: string; secretValue: string };
	readonly continueOnFail?: boolean;
	readonly abortSignal?: AbortSignal;
	/** The workflow's settings, e.g. an executionTimeout in seconds. */
	readonly workflowSettings?: IWorkflowSettings;
}

export interface SendResult {
	readonly delivered: INodeExecutionData[];
	readonly failed: INodeExecutionData[];
	/** The Retry output (Retries: Through a Wait Node); empty otherwise. */
	readonly retry: INodeExecutionData[];
	/** How many outputs the node returned. */
	readonly outputCount: number;
	/** Every output, as execute() returned them. */
	readonly outputs: INodeExecutionData[][];
	/** The hints the node added for the editor's output pane. */
	readonly hints: NodeExecutionHint[];
}

/** Retries in tests wait tens of milliseconds, not 10 s and 100 s, unless a test says otherwise. */
export const FAST_RETRIES = { retryDelays: '0.05, 0.1' };

export function items(
	count: number,
	make: (i: number) => IDataObject = (i) => ({ id: i, name: `record ${i}` }),
): INodeExecutionData[] {
	return Array.from({ length: count }, (_, i) => ({ json: make(i) }));
}

export async function send(
	parameters: INodeParameters,
	options: SendOptions = {},
): Promise<SendResult> {
	const credentials: Record<string, IDataObject> = {};
	if (options.secret !== undefined)
		credentials.webhookSigningSecretApi = signingSecretData(options.secret);
	if (options.keys !== undefined) credentials.webhookSigningKeyApi = signingKeyData(options.keys);
	if (options.headerAuth) credentials.webhookHeaderAuthApi = { ...options.headerAuth };
	const { outputs, hints } = await runExecute(new SendWebhook(), {
		parameters,
		credentials,
		items: options.items ?? items(1),
		moreInputs: options.endpoints ? [options.endpoints] : undefined,
		continueOnFail: options.continueOnFail,
		abortSignal: options.abortSignal,
		workflowSettings: options.workflowSettings,
	});
	return {
		delivered: outputs[0] ?? [],
		failed: outputs[1] ?? [],
		retry: outputs[2] ?? [],
		outputCount: outputs.length,
		outputs,
		hints,
	};
}

/** The delivery record the node adds to an output item. */
export function record(item: INodeExecutionData): IDataObject & {
	delivered: boolean;
	id: string;
	statusCode: number | null;
	outcome: string;
	attempts: Array<{
		attempt: number;
		statusCode?: number;
		error?: string;
		retryInMs?: number;
		durationMs: number;
		startedAt: string;
	}>;
	batch: { index: number; size: number; position: number };
	response: { statusCode: number; body: unknown } | null;
} {
	return item.json.webhookDelivery as never;
}
