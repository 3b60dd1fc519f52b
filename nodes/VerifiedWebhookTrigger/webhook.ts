import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { answerHandshake, answerRefusal, watchAnswer, type OutgoingResponse } from './answers';
import { decideCall } from './decideCall';
import { readRawBody, type IncomingRequest } from './incomingRequest';
import { describeCall, rejectedItem, toItems } from './workflowItems';

interface TriggerOptions {
	includeHeaders?: boolean;
	rawBody?: boolean;
	responseText?: string;
	splitArray?: boolean;
}

/**
 * Verified Webhook Trigger's webhook(): checks the call on its exact bytes
 * and either starts the workflow with it, or answers the rejection itself
 * and starts nothing (unless the Rejected output is on, or this is a test
 * run, where the editor shows the refusal).
 */
export async function receiveVerifiedWebhook(
	this: IWebhookFunctions,
): Promise<IWebhookResponseData> {
	const request = this.getRequestObject() as unknown as IncomingRequest;
	const response = this.getResponseObject() as unknown as OutgoingResponse;
	const options = this.getNodeParameter('options', {}) as TriggerOptions;
	const rejectedOutput = this.getNodeParameter('rejectedOutput', false) === true;
	const rawBody = await readRawBody(request);
	const { result, resolved } = await decideCall(this, request, response, rawBody);
	// Built only when something will output it: a forged call with no
	// Rejected output costs no JSON parsing.
	const describe = () =>
		describeCall(request, rawBody.body, resolved, options.includeHeaders !== false);

	if (!result.ok) {
		answerRefusal(this, response, result);
		// A refused call starts an execution only to be shown: on the Rejected
		// output, or in a test run, where execute() fails with its reason.
		if (!rejectedOutput && this.getMode() !== 'manual') return { noWebhookResponse: true };
		return { noWebhookResponse: true, workflowData: [[rejectedItem(describe(), result)]] };
	}
	if (result.handshake) {
		answerHandshake(this, response, result.handshake, result.verification.scheme);
		return { noWebhookResponse: true };
	}

	// From here the call runs: its claim is settled by the answer n8n gives.
	if (result.settle) watchAnswer(response, result.settle);
	const items = toItems(describe(), { ...result.verification }, options.splitArray === true);
	if (options.rawBody && rawBody.body) {
		const contentType =
			typeof request.headers['content-type'] === 'string'
				? request.headers['content-type']
				: undefined;
		items[0].binary = {
			data: await this.helpers.prepareBinaryData(rawBody.body, undefined, contentType),
		};
	}
	const responseText =
		this.getNodeParameter('responseMode', 'onReceived') === 'onReceived'
			? options.responseText
			: undefined;
	return {
		...(responseText ? { webhookResponse: responseText } : {}),
		// One list: execute() sorts verified and refused calls onto their outputs.
		workflowData: [items],
	};
}
