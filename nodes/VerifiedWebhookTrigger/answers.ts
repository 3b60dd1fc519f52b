/**
 * What the trigger answers a call itself, without n8n: a refusal, a
 * handshake; and, for a call that runs, the answer n8n gives it, watched to
 * settle the call's claim.
 */
import type { IWebhookFunctions } from 'n8n-workflow';

import {
	IN_PROGRESS_STATUS,
	type HandshakeReply,
	type ReceiveRefusal,
	type RunOutcome,
} from '../../core';

/** Seconds an honest sender is asked to wait before retrying a copy of a call still running. */
const IN_PROGRESS_RETRY_AFTER_SECONDS = 10;

/** The parts of express's Response this node reads (express's types are not a dependency). */
export interface OutgoingResponse {
	statusCode: number;
	readonly writableEnded?: boolean;
	once?: (event: 'finish', listener: () => void) => unknown;
	writeHead(status: number, headers: Record<string, string>): unknown;
	end(body: string): unknown;
}

/**
 * A refused call's answer: its status and the reason code the README
 * documents for it. The detail is for the workflow's owner: logged when the
 * trigger's own configuration is at fault (500), and on the refused call's
 * item.
 */
export function answerRefusal(
	context: IWebhookFunctions,
	response: OutgoingResponse,
	refusal: ReceiveRefusal,
): void {
	if (refusal.status === 500) {
		context.logger.warn(
			`${context.getNode().name}: refused a call because of its own configuration: ${refusal.detail}`,
		);
	}
	response.writeHead(refusal.status, {
		'content-type': 'application/json; charset=utf-8',
		...(refusal.status === 401 ? { 'www-authenticate': 'Signature realm="n8n webhook"' } : {}),
		...(refusal.status === IN_PROGRESS_STATUS
			? { 'retry-after': String(IN_PROGRESS_RETRY_AFTER_SECONDS) }
			: {}),
	});
	response.end(
		JSON.stringify(
			refusal.status === 200
				? { status: 'duplicate', reason: refusal.reason }
				: { error: errorText(refusal.status), reason: refusal.reason },
		),
	);
}

function errorText(status: number): string {
	if (status === 413) return 'Payload Too Large';
	if (status === 415) return 'Unsupported Media Type';
	if (status === 500) return 'Webhook receiver is not configured';
	if (status === 503) return 'Service Unavailable';
	return status === 403 ? 'Forbidden' : 'Unauthorized';
}

/**
 * A verified handshake (Discord's PING, Slack's url_verification, Zoom's
 * endpoint.url_validation) gets the answer receive() made, before and
 * outside replay protection, and runs nothing, in a test run too: n8n's
 * test webhook takes a call that starts no execution for setup or a ping
 * and keeps listening for the real call. So a user who points Slack or
 * Zoom at the test URL sees the provider mark the URL verified, and the
 * next real event in the editor; an item for the handshake would end the
 * test run on it and feed the workflow a call that is no event.
 */
export function answerHandshake(
	context: IWebhookFunctions,
	response: OutgoingResponse,
	handshake: HandshakeReply,
	schemeName: string,
): void {
	response.writeHead(handshake.status, { 'content-type': handshake.contentType });
	response.end(handshake.body);
	context.logger.info(
		`${context.getNode().name}: answered a verified ${schemeName} handshake; no execution started`,
	);
}

/**
 * How the call's run ended, read from the answer n8n gave (or is giving) its
 * sender: a 2xx means the sender will not retry, so the call is processed;
 * anything else (n8n's 500 for a failed run, a Respond to Webhook node's
 * 4xx/5xx) means it will, so its retry must run. n8n ends the response even
 * when the sender hung up first, so the answer is still read then.
 */
export function answerOutcome(response: OutgoingResponse): RunOutcome {
	if (response.writableEnded !== true) return 'running';
	return response.statusCode >= 200 && response.statusCode <= 299 ? 'succeeded' : 'failed';
}

/** Settles the call's claim with the answer n8n gives its sender, once given. */
export function watchAnswer(
	response: OutgoingResponse,
	settle: (outcome: Exclude<RunOutcome, 'running'>) => void,
): void {
	if (typeof response.once !== 'function') {
		// Not a Node response: nothing will report the answer, and a claim
		// left open would refuse the sender's retries. Count the call as
		// processed, as its acceptance says.
		settle('succeeded');
		return;
	}
	response.once('finish', () => {
		const outcome = answerOutcome(response);
		if (outcome !== 'running') settle(outcome);
	});
}
