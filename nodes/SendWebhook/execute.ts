import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type JsonObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import {
	assembleBody,
	batchDeliveryId,
	bodySignatureOf,
	bodyWriter,
	callBounds,
	contentDeliveryId,
	Deadline,
	deliver,
	DestinationBreaker,
	mapWithConcurrency,
	newDeliveryId,
	outgoingHeaders,
	sign,
	signBody,
	splitIntoBatches,
	withBodyHash,
	type Batch,
	type BodyWriter,
	type DeliveryResult,
} from '../../core';
import { itemParameterReader } from './itemParameters';
import { readItemRequest, type ItemRequest } from './itemRequest';
import { readRunSettings, type RunSettings } from './runSettings';
import { DELIVERY_FIELD, retryDue } from './retryLater';
import { retryWaits, sendAttempt, type OutgoingRequest, type RetryWaits } from './transport';

type Sendable = { readonly index: number; readonly request: ItemRequest };

/** One call to make: a batch (of one item, without batching) and its body. */
interface Call {
	readonly batch: Batch<Sendable>;
	readonly batchIndex: number;
	readonly writeBody: BodyWriter;
}

/** What bounds every call of one run: the cancel signal, the deadline, the breaker, the waits. */
interface RunBounds {
	readonly signal?: AbortSignal;
	readonly deadline?: Deadline;
	readonly breaker: DestinationBreaker;
	readonly waits: RetryWaits;
}

interface CallReport {
	readonly call: Call;
	/** Undefined when the call was never made because the node stopped at an earlier failure. */
	readonly result?: DeliveryResult;
}

/**
 * Send Webhook's execute(): every input item ends in exactly one output,
 * Delivered or Failed, with a delivery record; or, when the node is set to
 * stop on failure, the node fails naming the item.
 *
 * Everything that can be wrong with the input is found before the first call
 * is made, so a bad item never leaves a workflow half-sent.
 */
export async function sendWebhooks(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	// The deadline counts from here: the node cannot see when the execution started.
	const startedAt = Date.now();
	const items = this.getInputData();
	const settings = await readRunSettings(this);
	const continueOnFail = this.continueOnFail();
	const delivered: INodeExecutionData[] = [];
	const failed: INodeExecutionData[] = [];
	// Retries handed to a Wait node (Retries: Through a Wait Node).
	const retry: INodeExecutionData[] = [];
	const refuse = (error: NodeOperationError, indexes: readonly number[]) => {
		if (!continueOnFail) throw error;
		for (const index of indexes) failed.push(output(items[index], index, notSent(error.message)));
	};

	// 1. Each item's call, as its parameters evaluate.
	const sendable: Sendable[] = [];
	const read = itemParameterReader(this);
	items.forEach((item, index) => {
		try {
			sendable.push({ index, request: readItemRequest(this, item, index, settings, read) });
		} catch (error) {
			refuse(asNodeError(this, error, index), [index]);
		}
	});

	// 2. Cut into calls and write each body once.
	const calls: Call[] = [];
	splitIntoBatches(sendable, settings.batchSize, ({ request }) => destinationKey(request)).forEach(
		(batch, batchIndex) => {
			const writer = bodyWriter(batchValue(batch, settings), settings.signing?.resolved.scheme, {
				known: recordLengths(batch),
			});
			if (writer.ok) {
				calls.push({ batch, batchIndex, writeBody: writer.write });
			} else {
				const indexes = batch.entries.map((entry) => entry.item.index);
				refuse(
					new NodeOperationError(this.getNode(), writer.detail, { itemIndex: indexes[0] }),
					indexes,
				);
			}
		},
	);

	// 3. Deliver, retrying as the policy says, within the run's bounds: a cancel
	// or the deadline ends every call still going, a destination given up on
	// ends its own; each such call goes to Failed saying why.
	const bounds: RunBounds = {
		signal: this.getExecutionCancelSignal(),
		deadline: Deadline.start(
			{
				optionSeconds: settings.deadlineSeconds,
				executionTimeoutSeconds: executionTimeoutSeconds(this),
			},
			Date.now,
			startedAt,
		),
		breaker: new DestinationBreaker(settings.giveUpAfter),
		waits: retryWaits(this),
	};
	// With "Stop the Workflow", the first call that fails stops the others from
	// starting; a cancel does not count as such a failure: the run is ending
	// anyway, and the node returns what was delivered rather than an error.
	const failureStops = (result: DeliveryResult) =>
		!result.delivered &&
		result.stoppedBy !== 'cancelled' &&
		settings.stopOnFailure &&
		!continueOnFail;
	let stopped = false;
	const reports = await mapWithConcurrency(
		calls,
		settings.concurrency,
		async (call): Promise<CallReport> => {
			if (stopped) return { call };
			const result = await deliverCall(this, call, settings, bounds);
			if (failureStops(result)) stopped = true;
			return { call, result };
		},
	);

	for (const { call, result } of reports) {
		if (!result) continue;
		const { batch, batchIndex } = call;
		// What is the same for every item of a batch is built once and shared:
		// 200 items do not need 200 copies of one call's attempts and answer.
		const shared = sharedRecordParts(result);
		const due =
			result.retryInMs === undefined
				? undefined
				: retryDue(result.attempts.length + 1, result.retryInMs, new Date());
		batch.entries.forEach(({ item: { index, request } }, position) => {
			const record = deliveryRecord(request, result, shared, {
				index: batchIndex,
				size: batch.entries.length,
				position,
			});
			if (due) record.retry = due;
			(result.delivered ? delivered : due ? retry : failed).push(
				output(items[index], index, record),
			);
		});
	}

	const firstFailure = reports.find((report) => report.result && failureStops(report.result));
	if (firstFailure) throw stopError(this, firstFailure, delivered.length);

	const byInputOrder = (a: INodeExecutionData, b: INodeExecutionData) =>
		pairedIndex(a) - pairedIndex(b);
	if (settings.retryMode === 'inNode' && reports.some(({ result }) => waitedToRetry(result))) {
		hintAboutWorkerRestarts(this, settings);
	}
	reportFailures(this, items.length, delivered.length, failed.sort(byInputOrder));
	const outputs = [delivered.sort(byInputOrder), failed];
	return settings.retryMode === 'waitNode' ? [...outputs, retry.sort(byInputOrder)] : outputs;
}

/**
 * n8n says "Node executed successfully" whenever a node returns, and opens
 * the first output: a run where items failed says so on the output pane,
 * with the first reason.
 */
function reportFailures(
	context: IExecuteFunctions,
	total: number,
	deliveredCount: number,
	failed: readonly INodeExecutionData[],
): void {
	if (failed.length === 0 || typeof context.addExecutionHints !== 'function') return;
	const record = failed[0].json[DELIVERY_FIELD] as IDataObject;
	const where = typeof record.url === 'string' ? ` (${String(record.method)} ${record.url})` : '';
	const first = `First failure${where}: ${String(record.outcome)}.`;
	context.addExecutionHints({
		message:
			deliveredCount === 0
				? `No item was delivered: all ${failed.length} failed. ${first} They are on the Failed output.`
				: `${failed.length} of ${total} items were not delivered. ${first} They are on the Failed output.`,
		type: deliveredCount === 0 ? 'danger' : 'warning',
		location: 'outputPane',
	});
}

function waitedToRetry(result: DeliveryResult | undefined): boolean {
	return result?.attempts.some((attempt) => attempt.retryInMs !== undefined) === true;
}

/** n8n's default N8N_GRACEFUL_SHUTDOWN_TIMEOUT: how long a stopping worker lets executions finish. */
const DEFAULT_GRACEFUL_SHUTDOWN_SECONDS = 30;

/**
 * The node waited inside the execution to retry: in queue mode a worker that
 * stops meanwhile ends the execution with the calls still waiting. Say how
 * long the schedule can take, and the two ways to make that safe.
 */
function hintAboutWorkerRestarts(context: IExecuteFunctions, settings: RunSettings): void {
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

function asNodeError(
	context: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeOperationError {
	return error instanceof NodeOperationError
		? error
		: new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}

/**
 * Items share a call only when everything that makes the call is the same;
 * items back from the Wait node make up the call they came from, again.
 */
function destinationKey(request: ItemRequest): string {
	return JSON.stringify([
		request.method,
		request.url,
		request.headers,
		request.event,
		request.carried?.id ?? null,
	]);
}

/** The JSON value a call sends: one record, or a batch of them, wrapped as set. */
function batchValue(batch: Batch<Sendable>, settings: RunSettings): unknown {
	return assembleBody(
		batch.entries.map((entry) => entry.item.request.record),
		{
			batched: settings.batched,
			wrapperKey: settings.wrapperKey,
			envelope: settings.envelope ? { event: batch.entries[0].item.request.event } : undefined,
		},
		new Date(),
	);
}

/** The lengths of the batch's records, measured when each was checked: the body's is their sum and the brackets. */
function recordLengths(batch: Batch<Sendable>): Map<object, number> {
	const lengths = new Map<object, number>();
	for (const { item } of batch.entries) {
		const { record, recordLength } = item.request;
		if (typeof record === 'object' && record !== null) lengths.set(record, recordLength);
	}
	return lengths;
}

/** The workflow's execution timeout in seconds, as its settings hold it (-1 or absent: none). */
function executionTimeoutSeconds(context: IExecuteFunctions): number | undefined {
	const timeout = context.getWorkflowSettings().executionTimeout;
	return typeof timeout === 'number' ? timeout : undefined;
}

async function deliverCall(
	context: IExecuteFunctions,
	{ batch, writeBody }: Call,
	settings: RunSettings,
	{ signal, deadline, breaker, waits }: RunBounds,
): Promise<DeliveryResult> {
	const first = batch.entries[0].item.request;
	const { signing } = settings;
	// The breaker's destination: calls to one URL with one method.
	const destination = `${first.method} ${first.url}`;
	const result = await deliver<OutgoingRequest>(
		{
			prepare: ({ timestamp, id }) => {
				// The bytes signed are the bytes sent: serialised once per attempt,
				// encoded once (signing the string would encode it a second time).
				// Mailgun's signature goes in the body, around the payload, with a
				// fresh token each attempt.
				const scheme = signing?.resolved.scheme;
				const text = writeBody(timestamp);
				const body = Buffer.from(
					signing && scheme && bodySignatureOf(scheme)
						? signBody(scheme, signing.secrets, text, { timestamp })
						: text,
					'utf8',
				);
				// Twilio's format carries a JSON body's hash in the URL (bodySHA256),
				// so each body is sent to, and signed with, its own URL.
				const url = signing ? withBodyHash(signing.resolved.scheme, first.url, body) : first.url;
				// Built name by name: a header that cannot be sent throws here, it never
				// vanishes (Object.assign would drop a signature header named __proto__).
				const headers = outgoingHeaders(
					{ 'content-type': 'application/json' },
					first.headers,
					settings.deliveryIdHeader ? { [settings.deliveryIdHeader]: id } : {},
					signing && !bodySignatureOf(signing.resolved.scheme)
						? sign(signing.resolved.scheme, signing.secrets, body, {
								timestamp,
								id,
								event: first.event || undefined,
								method: first.method,
								url,
								signatureHeader: signing.resolved.signatureHeader,
							})
						: {},
				);
				return { url, method: first.method, headers, body };
			},
			send: async (request) =>
				await sendAttempt(context, request, {
					...settings.transport,
					// No answer is awaited past the deadline.
					timeoutMs:
						deadline?.capTimeout(settings.transport.timeoutMs) ?? settings.transport.timeoutMs,
				}),
			sleep: async (ms) => await waits.wait(ms, destination),
			now: () => new Date(),
		},
		settings.policy,
		first.carried?.id ?? deliveryId(batch, settings),
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

/**
 * The call's delivery id, the same on every attempt: random, or stable
 * across re-runs (from the call's content, or from its items' own ids).
 */
function deliveryId(batch: Batch<Sendable>, settings: RunSettings): string {
	const requests = batch.entries.map((entry) => entry.item.request);
	switch (settings.deliveryId) {
		case 'expression':
			return batchDeliveryId(requests.map((request) => request.deliveryId ?? ''));
		case 'content':
			return contentDeliveryId({
				method: requests[0].method,
				url: requests[0].url,
				event: requests[0].event,
				batched: settings.batched,
				wrapperKey: settings.wrapperKey,
				envelope: settings.envelope,
				records: requests.map((request) => request.record),
			});
		default:
			return newDeliveryId();
	}
}

interface SharedRecordParts {
	readonly attempts: IDataObject[];
	readonly response: IDataObject | null;
}

function sharedRecordParts(result: DeliveryResult): SharedRecordParts {
	return {
		attempts: result.attempts.map((attempt) => ({
			attempt: attempt.attempt,
			startedAt: attempt.startedAt,
			durationMs: attempt.durationMs,
			...(attempt.status === undefined ? {} : { statusCode: attempt.status }),
			...(attempt.error === undefined ? {} : { error: attempt.error }),
			...(attempt.retryInMs === undefined ? {} : { retryInMs: attempt.retryInMs }),
		})),
		response: result.lastResponse
			? {
					statusCode: result.lastResponse.status,
					body: parseIfJson(result.lastResponse.body ?? '') as IDataObject,
				}
			: null,
	};
}

function deliveryRecord(
	request: ItemRequest,
	result: DeliveryResult,
	shared: SharedRecordParts,
	batch: { index: number; size: number; position: number },
): IDataObject {
	return {
		delivered: result.delivered,
		id: result.id,
		method: request.method,
		url: request.url,
		statusCode: result.lastResponse?.status ?? null,
		outcome: result.outcome,
		attempts: shared.attempts,
		batch,
		response: shared.response,
	};
}

function notSent(message: string): IDataObject {
	return { delivered: false, outcome: `not sent: ${message}`, attempts: [] };
}

function parseIfJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text; // not JSON, or cut at the size limit: kept as text
	}
}

function output(item: INodeExecutionData, index: number, record: IDataObject): INodeExecutionData {
	return {
		json: { ...item.json, [DELIVERY_FIELD]: record },
		...(item.binary ? { binary: item.binary } : {}),
		pairedItem: { item: index },
	};
}

function pairedIndex(item: INodeExecutionData): number {
	const paired = item.pairedItem;
	return typeof paired === 'object' && paired !== null && !Array.isArray(paired) ? paired.item : 0;
}

/**
 * The error that stops the node: a NodeApiError carrying the receiver's
 * status and answer when the last attempt got one, as n8n's HTTP Request
 * node reports it; otherwise (no answer: refused, timed out, given up) a
 * NodeOperationError.
 */
function stopError(
	context: IExecuteFunctions,
	report: CallReport,
	deliveredCount: number,
): NodeApiError | NodeOperationError {
	const firstEntry = report.call.batch.entries[0];
	const outcome = report.result?.outcome ?? 'not sent';
	const message = `Item ${firstEntry.item.index} could not be delivered to ${firstEntry.item.request.url}: ${outcome}`;
	const description = `${deliveredCount} item(s) were delivered before the node stopped. Set On Final Failure to "Route to the Failed Output" to keep going and see every item's outcome.`;
	const answer = report.result?.lastResponse;
	if (answer) {
		return new NodeApiError(
			context.getNode(),
			{ statusCode: answer.status, body: answer.body ?? '' } as JsonObject,
			{ message, description, httpCode: String(answer.status), itemIndex: firstEntry.item.index },
		);
	}
	const error = new NodeOperationError(context.getNode(), message, {
		itemIndex: firstEntry.item.index,
		description,
	});
	// n8n swaps a message that mentions ECONNREFUSED and the like for a
	// generic sentence; the item, the URL and the attempts are what matter here.
	error.message = message;
	return error;
}
