/**
 * Calls Verified Webhook Trigger's webhook() inside n8n-core's
 * WebhookContext with a request shaped as n8n 2.41 hands it over, and reads
 * back what the caller got and whether an execution would start.
 */
import type {
	IDataObject,
	INodeExecutionData,
	INodeParameters,
	NodeExecutionHint,
} from 'n8n-workflow';

import { VerifiedWebhookTrigger } from '../../nodes/VerifiedWebhookTrigger/VerifiedWebhookTrigger.node';
import { runExecute, runWebhook, type ResponseControl, type WebhookOptions } from '../helpers/n8n';
import {
	signingKeyData,
	signingSecretData,
	type KeyOption,
	type SecretOption,
} from '../helpers/credentials';

export interface IncomingOptions {
	/** The trigger's credential; omit for "no credential chosen". */
	readonly secret?: SecretOption;
	/** The trigger's Webhook Signing Key credential (public-key schemes); omit for none. */
	readonly keys?: KeyOption;
	/** The credential's id; default one per distinct secret. The same id with another secret is a credential edited in place. */
	readonly credentialId?: string;
	readonly headers?: Record<string, string | string[]>;
	/** The exact bytes sent. */
	readonly body?: Buffer | string;
	/** Path and query as sent; default /webhook/verified. */
	readonly path?: string;
	readonly method?: 'POST' | 'PUT' | 'PATCH' | 'GET' | 'DELETE';
	/**
	 * What n8n answers once webhook() has started a run and not answered
	 * itself: 200 by default (an immediate answer, or a run that succeeded),
	 * 500 for a run that failed, or 'later' to leave the call open (then use
	 * `control`).
	 */
	readonly n8nAnswers?: number | 'later';
	/** Default 'webhook' (production); 'manual' is a test run. */
	readonly mode?: WebhookOptions['mode'];
	readonly webhookBaseUrl?: string;
	readonly webhookTestBaseUrl?: string;
	readonly workflowId?: string;
}

export interface Outcome {
	/** What the caller got from the node itself; 200 and no body when n8n answers after the execution. */
	readonly status: number;
	readonly responseBody: unknown;
	/** The answer's body exactly as the node wrote it, when it wrote text. */
	readonly responseText?: string;
	readonly responseHeaders: Record<string, unknown>;
	/** Whether n8n would start an execution, and with what: the trigger's outputs once its execute() sorted them. */
	readonly started: boolean;
	readonly verified: INodeExecutionData[];
	readonly rejected: INodeExecutionData[];
	/** What the trigger's execute() threw: how a test run shows a refused call in the editor. */
	readonly executionError?: Error;
	/** Hints execute() added for the output pane. */
	readonly hints: readonly NodeExecutionHint[];
	/** The webhookResponse webhook() returned (the text of an immediate answer). */
	readonly webhookResponse: unknown;
	/** Ends a call left open (n8nAnswers: 'later'). */
	readonly control: ResponseControl;
}

/** n8n reads and parses these content types before webhook() runs; others wait for readRawBody(). */
const PRE_READ = /json|x-www-form-urlencoded|text\/plain|xml/i;

export async function deliverTo(
	parameters: INodeParameters,
	options: IncomingOptions = {},
): Promise<Outcome> {
	const body = options.body === undefined ? Buffer.alloc(0) : Buffer.from(options.body);
	const headers = { ...(options.headers ?? {}) };
	const contentTypeKey = Object.keys(headers).find((name) => name.toLowerCase() === 'content-type');
	const contentType = contentTypeKey ? String(headers[contentTypeKey]) : '';
	const preRead = PRE_READ.test(contentType);

	const credentials: Record<string, IDataObject> = {};
	if (options.secret !== undefined)
		credentials.webhookSigningSecretApi = signingSecretData(options.secret);
	if (options.keys !== undefined) credentials.webhookSigningKeyApi = signingKeyData(options.keys);
	const { webhookResponse, response, control } = await runWebhook(new VerifiedWebhookTrigger(), {
		parameters,
		credentials,
		credentialIds:
			options.credentialId === undefined
				? undefined
				: {
						webhookSigningSecretApi: options.credentialId,
						webhookSigningKeyApi: options.credentialId,
					},
		mode: options.mode,
		webhookBaseUrl: options.webhookBaseUrl,
		webhookTestBaseUrl: options.webhookTestBaseUrl,
		workflowId: options.workflowId,
		request: {
			method: options.method ?? 'POST',
			path: options.path ?? '/webhook/verified',
			headers,
			rawBody: preRead ? body : undefined,
			pendingRawBody: preRead ? undefined : body,
			body:
				preRead && /json/i.test(contentType) && body.length > 0 ? JSON.parse(body.toString()) : {},
			query: Object.fromEntries(
				new URL(`http://h${options.path ?? '/webhook/verified'}`).searchParams,
			),
		},
	});
	const started = webhookResponse.workflowData !== undefined;
	// As n8n goes on: the execution's first step is the trigger's execute(),
	// with what webhook() returned as its input.
	let outputs: INodeExecutionData[][] = [];
	let hints: readonly NodeExecutionHint[] = [];
	let executionError: Error | undefined;
	if (started) {
		try {
			({ outputs, hints } = await runExecute(new VerifiedWebhookTrigger(), {
				parameters,
				credentials,
				items: webhookResponse.workflowData?.[0] ?? [],
				mode: options.mode ?? 'webhook',
			}));
		} catch (error) {
			executionError = error as Error;
		}
	}
	const recordedBeforeN8n = { ended: response.ended, status: response.statusCode };
	const n8nAnswers = options.n8nAnswers ?? 200;
	if (started && n8nAnswers !== 'later') control.answer(n8nAnswers);
	const responseText = typeof response.body === 'string' ? response.body : undefined;
	let responseBody: unknown = response.body;
	if (typeof responseBody === 'string') {
		try {
			responseBody = JSON.parse(responseBody);
		} catch {
			// not JSON: keep the text
		}
	}
	return {
		status: recordedBeforeN8n.ended ? recordedBeforeN8n.status : 200,
		responseBody,
		responseText,
		responseHeaders: response.headers,
		started,
		verified: outputs[0] ?? [],
		rejected: outputs[1] ?? [],
		executionError,
		hints,
		webhookResponse: webhookResponse.webhookResponse,
		control,
	};
}
