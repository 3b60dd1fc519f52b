/**
 * Runs Webhook Signature inside n8n-core's ExecuteContext, as a workflow step
 * behind n8n's Webhook node: its input item is what that node outputs with
 * Raw Body on (headers, params, query, body, and the exact bytes as the
 * binary property "data", inline as the Webhook node writes it).
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { WebhookSignature } from '../../nodes/WebhookSignature/WebhookSignature.node';
import { runExecute } from '../helpers/n8n';
import {
	signingKeyData,
	signingSecretData,
	type KeyOption,
	type SecretOption,
} from '../helpers/credentials';

export interface Credentials {
	readonly secret?: SecretOption;
	readonly keys?: KeyOption;
}

function credentialsOf({ secret, keys }: Credentials): Record<string, IDataObject> {
	const credentials: Record<string, IDataObject> = {};
	if (secret !== undefined) credentials.webhookSigningSecretApi = signingSecretData(secret);
	if (keys !== undefined) credentials.webhookSigningKeyApi = signingKeyData(keys);
	return credentials;
}

/** The item n8n's Webhook node (v2, Raw Body on) outputs for a call. */
export function webhookItem(
	body: Buffer | string,
	headers: Record<string, string | string[]>,
	extra: { query?: IDataObject } = {},
): INodeExecutionData {
	const bytes = Buffer.from(body);
	const lower = Object.fromEntries(
		Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
	);
	let parsed: unknown = {};
	try {
		parsed = JSON.parse(bytes.toString('utf8'));
	} catch {
		parsed = {};
	}
	return {
		json: {
			headers: lower,
			params: {},
			query: extra.query ?? {},
			body: parsed as IDataObject,
		},
		binary: {
			data: {
				data: bytes.toString('base64'),
				mimeType: String(lower['content-type'] ?? 'application/json'),
			},
		},
	};
}

export interface VerifyOutcome {
	readonly valid: INodeExecutionData[];
	readonly invalid: INodeExecutionData[];
}

export async function verifyItems(
	parameters: INodeParameters,
	items: INodeExecutionData[],
	credentials: Credentials,
	options: { continueOnFail?: boolean } = {},
): Promise<VerifyOutcome> {
	const { outputs } = await runExecute(new WebhookSignature(), {
		parameters: { operation: 'verify', ...parameters },
		credentials: credentialsOf(credentials),
		items,
		continueOnFail: options.continueOnFail,
	});
	expect(outputs).toHaveLength(2);
	return { valid: outputs[0], invalid: outputs[1] };
}

/** One call through a Verify step: the Webhook node's item for it, verified. */
export async function verifyCall(
	parameters: INodeParameters,
	call: { body: Buffer | string; headers: Record<string, string | string[]>; query?: IDataObject },
	credentials: Credentials,
): Promise<VerifyOutcome> {
	return await verifyItems(
		parameters,
		[webhookItem(call.body, call.headers, { query: call.query })],
		credentials,
	);
}

export interface SignedOutput {
	readonly body: string;
	readonly headers: Record<string, string>;
	readonly url?: string;
}

export async function signItems(
	parameters: INodeParameters,
	items: INodeExecutionData[],
	credentials: Credentials,
	options: { continueOnFail?: boolean } = {},
): Promise<INodeExecutionData[]> {
	const { outputs } = await runExecute(new WebhookSignature(), {
		parameters: { operation: 'sign', ...parameters },
		credentials: credentialsOf(credentials),
		items,
		continueOnFail: options.continueOnFail,
	});
	expect(outputs).toHaveLength(1);
	return outputs[0];
}

/** Signs one item's JSON (the default Body, JSON.stringify($json)) and gives what the node output. */
export async function signOne(
	parameters: INodeParameters,
	json: IDataObject,
	credentials: Credentials,
): Promise<SignedOutput> {
	const [item] = await signItems(parameters, [{ json }], credentials);
	return item.json as unknown as SignedOutput;
}
