/**
 * What the user is told about a run beyond its items: the hints n8n shows
 * on the output pane, and the error that stops the node.
 */
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

import type { DeliveryResult } from '../../core';
import type { CallResult } from './deliverCalls';
import { DELIVERY_FIELD } from './deliveryRecords';
import type { RunSettings } from './runSettings';

/** n8n's default N8N_GRACEFUL_SHUTDOWN_TIMEOUT: how long a stopping worker lets executions finish. */
const DEFAULT_GRACEFUL_SHUTDOWN_SECONDS = 30;

/**
 * n8n says "Node executed successfully" whenever a node returns, and opens
 * the first output: a run where items failed says so on the output pane,
 * with the first reason.
 */
export function reportFailures(
	context: IExecuteFunctions,
	total: number,
	deliveredCount: number,
	failed: readonly INodeExecutionData[],
	/** What is counted: input items, or (sending to endpoints) deliveries, one per event and endpoint. */
	noun: 'items' | 'deliveries' = 'items',
): void {
	if (failed.length === 0 || typeof context.addExecutionHints !== 'function') return;
	const record = failed[0].json[DELIVERY_FIELD] as IDataObject;
	const where = typeof record.url === 'string' ? ` (${String(record.method)} ${record.url})` : '';
	const first = `First failure${where}: ${String(record.outcome)}.`;
	context.addExecutionHints({
		message:
			deliveredCount === 0
				? `No ${noun === 'items' ? 'item was' : 'delivery was'} delivered: all ${failed.length} failed. ${first} They are on the Failed output.`
				: `${failed.length} of ${total} ${noun} were not delivered. ${first} They are on the Failed output.`,
		type: deliveredCount === 0 ? 'danger' : 'warning',
		location: 'outputPane',
	});
}

export function waitedToRetry(result: DeliveryResult | undefined): boolean {
	return result?.attempts.some((attempt) => attempt.retryInMs !== undefined) === true;
}

/**
 * The node waited inside the execution to retry: in queue mode a worker that
 * stops meanwhile ends the execution with the calls still waiting. Say how
 * long the schedule can take, and the two ways to make that safe.
 */
export function hintAboutWorkerRestarts(context: IExecuteFunctions, settings: RunSettings): void {
	const { delaysSeconds, retryAfterCapSeconds } = settings.policy;
	const answerSeconds = ((delaysSeconds.length + 1) * settings.transport.timeoutMs) / 1000;
	const scheduled = Math.ceil(delaysSeconds.reduce((sum, delay) => sum + delay, 0) + answerSeconds);
	if (scheduled <= DEFAULT_GRACEFUL_SHUTDOWN_SECONDS) return;
	const withRetryAfter = Math.ceil(
		delaysSeconds.reduce((sum, delay) => sum + Math.max(delay, retryAfterCapSeconds), 0) +
			answerSeconds,
	);
	if (typeof context.addExecutionHints !== 'function') return; // older n8n
	context.addExecutionHints({
		message: `Retries waited inside this execution; with these settings a call can take up to ${scheduled} s (${withRetryAfter} s if receivers ask for longer waits with Retry-After). In queue mode, a worker that stops meanwhile ends the execution and the calls still waiting are lost: set N8N_GRACEFUL_SHUTDOWN_TIMEOUT above that on the workers (n8n's default is ${DEFAULT_GRACEFUL_SHUTDOWN_SECONDS} s), or set Retries to "Through a Wait Node".`,
		location: 'outputPane',
	});
}

/**
 * The error that stops the node: a NodeApiError carrying the receiver's
 * status and answer when the last attempt got one, as n8n's HTTP Request
 * node reports it; otherwise (no answer: refused, timed out, given up) a
 * NodeOperationError.
 */
export function stopError(
	context: IExecuteFunctions,
	{ call, result }: CallResult,
	deliveredCount: number,
): NodeApiError | NodeOperationError {
	const first = call.batch.entries[0].item;
	const outcome = result?.outcome ?? 'not sent';
	const message = `Item ${first.itemIndex} could not be delivered to ${first.url}: ${outcome}`;
	const description = `${deliveredCount} item(s) were delivered before the node stopped. Set On Final Failure to "Route to the Failed Output" to keep going and see every item's outcome.`;
	const answer = result?.lastResponse;
	if (answer) {
		return new NodeApiError(
			context.getNode(),
			{ statusCode: answer.status, body: answer.body ?? '' } as JsonObject,
			{ message, description, httpCode: String(answer.status), itemIndex: first.itemIndex },
		);
	}
	const error = new NodeOperationError(context.getNode(), message, {
		itemIndex: first.itemIndex,
		description,
	});
	// n8n swaps a message that mentions ECONNREFUSED and the like for a
	// generic sentence; the item, the URL and the attempts are what matter here.
	error.message = message;
	return error;
}
