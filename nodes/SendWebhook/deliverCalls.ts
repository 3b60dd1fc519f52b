/**
 * Delivering a run's calls: the attempts of each, retried as the policy
 * says, within the run's bounds. A cancel or the deadline ends every call
 * still going, a destination given up on ends its own; each such call ends
 * undelivered, saying why.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import {
	callBounds,
	Deadline,
	deliver,
	DestinationBreaker,
	mapWithConcurrency,
	type DeliveryResult,
} from '../../core';
import { callDeliveryId, type WebhookCall } from './planCalls';
import type { RunSettings } from './runSettings';
import { prepareAttempt } from './signedAttempt';
import { retryWaits, sendAttempt, type AttemptRequest, type RetryWaits } from './transport';

/** What bounds every call of one run: the cancel signal, the deadline, the breaker, the waits. */
interface RunBounds {
	readonly signal?: AbortSignal;
	readonly deadline?: Deadline;
	readonly breaker: DestinationBreaker;
	readonly waits: RetryWaits;
}

/** A call and how its delivery ended. */
export interface CallResult {
	readonly call: WebhookCall;
	/** Undefined when the call was never made because the node stopped at an earlier failure. */
	readonly result?: DeliveryResult;
	/** What each attempt of this run sent and got, for the Log output (empty without it). */
	readonly traces?: readonly AttemptTrace[];
}

/** One attempt as the log shows it. */
export interface AttemptTrace {
	readonly headers: Readonly<Record<string, string>>;
	/** With Log Bodies only. */
	readonly payloadText?: string;
	readonly responseBody?: string;
}

/**
 * Every call's result, in the order of the calls, and the first that stops
 * the node (On Final Failure: "Stop the Workflow"), if one did.
 */
export async function deliverCalls(
	context: IExecuteFunctions,
	calls: readonly WebhookCall[],
	settings: RunSettings,
	startedAt: number,
): Promise<{ results: CallResult[]; firstFailure?: CallResult }> {
	const bounds = runBounds(context, settings, startedAt);
	// With "Stop the Workflow", the first call that fails stops the others from
	// starting; a cancel does not count as such a failure: the run is ending
	// anyway, and the node returns what was delivered rather than an error.
	const stopOnFailure = settings.stopOnFailure && !context.continueOnFail();
	const failureStops = (result: DeliveryResult) =>
		!result.delivered && result.stoppedBy !== 'cancelled' && stopOnFailure;
	let stopped = false;
	const results = await inLanes(calls, settings.concurrency, async (call): Promise<CallResult> => {
		if (stopped) return { call };
		const traces: AttemptTrace[] = [];
		const result = await deliverCall(context, call, settings, bounds, traces);
		if (failureStops(result)) stopped = true;
		return { call, result, traces };
	});
	const firstFailure = results.find(({ result }) => result && failureStops(result));
	return { results, firstFailure };
}

/**
 * Calls to one endpoint form a lane with its own Requests in Flight; lanes
 * run side by side, so a slow or dead endpoint never holds up the others.
 * Sending to one URL is one lane. Results come back in the order of `calls`.
 */
async function inLanes(
	calls: readonly WebhookCall[],
	concurrency: number,
	task: (call: WebhookCall) => Promise<CallResult>,
): Promise<CallResult[]> {
	const lanes = new Map<string, WebhookCall[]>();
	for (const call of calls) {
		const lane = call.batch.entries[0].item.target?.endpoint.id ?? '';
		const queue = lanes.get(lane) ?? [];
		queue.push(call);
		lanes.set(lane, queue);
	}
	const done = new Map<WebhookCall, CallResult>();
	await Promise.all(
		[...lanes.values()].map(async (lane) => {
			for (const result of await mapWithConcurrency(lane, concurrency, task))
				done.set(result.call, result);
		}),
	);
	return calls.map((call) => done.get(call) ?? { call });
}

function runBounds(
	context: IExecuteFunctions,
	settings: RunSettings,
	startedAt: number,
): RunBounds {
	return {
		signal: context.getExecutionCancelSignal(),
		deadline: Deadline.start(
			{
				optionSeconds: settings.deadlineSeconds,
				executionTimeoutSeconds: executionTimeoutSeconds(context),
			},
			Date.now,
			startedAt,
		),
		breaker: new DestinationBreaker(settings.giveUpAfter),
		waits: retryWaits(context),
	};
}

/** The workflow's execution timeout in seconds, as its settings hold it (-1 or absent: none). */
function executionTimeoutSeconds(context: IExecuteFunctions): number | undefined {
	const timeout = context.getWorkflowSettings().executionTimeout;
	return typeof timeout === 'number' ? timeout : undefined;
}

async function deliverCall(
	context: IExecuteFunctions,
	call: WebhookCall,
	settings: RunSettings,
	{ signal, deadline, breaker, waits }: RunBounds,
	traces: AttemptTrace[],
): Promise<DeliveryResult> {
	const first = call.batch.entries[0].item;
	// The breaker's destination: an endpoint, or calls to one URL with one method.
	const destination = first.target
		? `endpoint ${first.target.endpoint.id}`
		: `${first.method} ${first.url}`;
	const { logOutput, logBodies } = settings.system;
	const result = await deliver<AttemptRequest>(
		{
			prepare: (attempt) => prepareAttempt(call, settings, attempt),
			send: async (request) => {
				const outcome = await sendAttempt(context, request, {
					...settings.transport,
					// No answer is awaited past the deadline.
					timeoutMs:
						deadline?.capTimeout(settings.transport.timeoutMs) ?? settings.transport.timeoutMs,
				});
				if (logOutput) {
					traces.push({
						headers: request.headers,
						payloadText: logBodies ? request.payloadText : undefined,
						responseBody: outcome.kind === 'response' ? outcome.body : undefined,
					});
				}
				return outcome;
			},
			sleep: async (ms) => await waits.wait(ms, destination),
			now: () => new Date(),
		},
		settings.policy,
		callDeliveryId(call, settings),
		callBounds({ cancelled: () => signal?.aborted === true, deadline, breaker, destination }),
		{
			earlierAttempts: first.carried?.attempts,
			handBackRetries: settings.retryMode === 'waitNode',
		},
	);
	// Given up on now: calls to it that wait for a retry end at once.
	if (breaker.record(destination, result)) waits.interrupt(destination);
	return result;
}
