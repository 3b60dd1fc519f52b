import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import {
	assembleBody,
	bodyWriter,
	deliver,
	mapWithConcurrency,
	newDeliveryId,
	sign,
	splitIntoBatches,
	type Batch,
	type DeliveryResult,
} from '../../core';
import { DELIVERY_ID_HEADER, readItemRequest, readSettings, type ItemRequest, type SendSettings } from './settings';
import { cancellableSleep, sendAttempt, type OutgoingRequest } from './transport';

/** The delivery record added to each output item, under this key. */
export const DELIVERY_FIELD = 'webhookDelivery';

type Prepared = { ok: true; request: ItemRequest } | { ok: false; error: NodeOperationError };

interface BatchReport {
	readonly batch: Batch<{ index: number; request: ItemRequest }>;
	readonly batchIndex: number;
	/** Undefined when the batch was never sent because the node stopped at an earlier failure. */
	readonly result?: DeliveryResult;
}

/**
 * Send Webhook's execute(): every input item ends in exactly one output,
 * Delivered or Failed, with a delivery record; or, when the node is set to
 * stop on failure, the node fails naming the item.
 */
export async function sendWebhooks(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const settings = await readSettings(this);
	const continueOnFail = this.continueOnFail();

	const delivered: INodeExecutionData[] = [];
	const failed: INodeExecutionData[] = [];
	const sendable: { index: number; request: ItemRequest }[] = [];

	items.forEach((item, index) => {
		const prepared = prepare(this, item, index, settings);
		if (prepared.ok) {
			sendable.push({ index, request: prepared.request });
		} else if (continueOnFail) {
			failed.push(output(item, index, notSent(prepared.error.message)));
		} else {
			throw prepared.error;
		}
	});

	const batches = splitIntoBatches(sendable, settings.batchSize, ({ request }) => destinationKey(request));
	const sleep = cancellableSleep(this);
	const signal = this.getExecutionCancelSignal();
	let stopped = false;

	const reports = await mapWithConcurrency(batches, settings.concurrency, async (batch, batchIndex): Promise<BatchReport> => {
		if (stopped) return { batch, batchIndex };
		if (signal?.aborted) throw new NodeOperationError(this.getNode(), 'The execution was cancelled');
		const result = await deliverBatch(this, batch, settings, sleep);
		if (!result.delivered && settings.stopOnFailure && !continueOnFail) stopped = true;
		return { batch, batchIndex, result };
	});

	for (const { batch, batchIndex, result } of reports) {
		batch.entries.forEach(({ item: { index, request } }, position) => {
			if (!result) return;
			const record = deliveryRecord(request, result, { index: batchIndex, size: batch.entries.length, position });
			(result.delivered ? delivered : failed).push(output(items[index], index, record));
		});
	}

	if (settings.stopOnFailure && !continueOnFail) {
		const first = reports.find((report) => report.result && !report.result.delivered);
		if (first?.result) throw stopError(this, first, delivered.length);
	}

	const byInputOrder = (a: INodeExecutionData, b: INodeExecutionData) => pairedIndex(a) - pairedIndex(b);
	return [delivered.sort(byInputOrder), failed.sort(byInputOrder)];
}

function prepare(context: IExecuteFunctions, item: INodeExecutionData, index: number, settings: SendSettings): Prepared {
	try {
		return { ok: true, request: readItemRequest(context, item, index, settings) };
	} catch (error) {
		const nodeError =
			error instanceof NodeOperationError
				? error
				: new NodeOperationError(context.getNode(), error as Error, { itemIndex: index });
		return { ok: false, error: nodeError };
	}
}

/** Items share a call only when everything that makes the call is the same. */
function destinationKey(request: ItemRequest): string {
	return JSON.stringify([request.method, request.url, request.headers, request.event]);
}

async function deliverBatch(
	context: IExecuteFunctions,
	batch: Batch<{ index: number; request: ItemRequest }>,
	settings: SendSettings,
	sleep: (ms: number) => Promise<void>,
): Promise<DeliveryResult> {
	const first = batch.entries[0].item.request;
	const { signing } = settings;
	const scheme = signing?.resolved.scheme;
	const value = assembleBody(
		batch.entries.map((entry) => entry.item.request.record),
		{
			batched: settings.batched,
			wrapperKey: settings.wrapperKey,
			envelope: settings.envelope ? { event: first.event } : undefined,
		},
		new Date(),
	);
	const writeBody = bodyWriter(value, scheme);
	if (typeof writeBody !== 'function') {
		throw new NodeOperationError(context.getNode(), writeBody.error, { itemIndex: batch.entries[0].item.index });
	}

	return await deliver<OutgoingRequest>(
		{
			prepare: ({ timestamp, id }) => {
				const body = writeBody(timestamp);
				const headers: Record<string, string> = { 'content-type': 'application/json', ...withoutContentType(first.headers) };
				if (!scheme?.idHeader) headers[DELIVERY_ID_HEADER] = id;
				if (signing) {
					Object.assign(
						headers,
						sign(signing.resolved.scheme, signing.secrets, body, {
							timestamp,
							id,
							event: first.event || undefined,
							method: first.method,
							url: first.url,
							signatureHeader: signing.resolved.signatureHeader,
						}),
					);
				}
				return { url: first.url, method: first.method, headers, body: Buffer.from(body, 'utf8') };
			},
			send: async (request) => await sendAttempt(context, request, settings.transport),
			sleep,
			now: () => new Date(),
		},
		settings.policy,
		newDeliveryId(),
	);
}

/** A user's Content-Type replaces ours whatever its case, instead of being sent twice. */
function withoutContentType(headers: Readonly<Record<string, string>>): Record<string, string> {
	const user = { ...headers };
	const contentType = Object.keys(user).find((name) => name.toLowerCase() === 'content-type');
	if (contentType) {
		const value = user[contentType];
		delete user[contentType];
		user['content-type'] = value;
	}
	return user;
}

function deliveryRecord(
	request: ItemRequest,
	result: DeliveryResult,
	batch: { index: number; size: number; position: number },
): IDataObject {
	return {
		delivered: result.delivered,
		id: result.id,
		method: request.method,
		url: request.url,
		statusCode: result.lastResponse?.status ?? null,
		outcome: result.outcome,
		attempts: result.attempts.map((attempt) => ({
			attempt: attempt.attempt,
			startedAt: attempt.startedAt,
			durationMs: attempt.durationMs,
			...(attempt.status === undefined ? {} : { statusCode: attempt.status }),
			...(attempt.error === undefined ? {} : { error: attempt.error }),
			...(attempt.retryInMs === undefined ? {} : { retryInMs: attempt.retryInMs }),
		})),
		batch,
		response: result.lastResponse
			? { statusCode: result.lastResponse.status, body: parseIfJson(result.lastResponse.body ?? '') }
			: null,
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

function stopError(context: IExecuteFunctions, report: BatchReport, deliveredCount: number): NodeOperationError {
	const firstEntry = report.batch.entries[0];
	const result = report.result!;
	return new NodeOperationError(
		context.getNode(),
		`Item ${firstEntry.item.index} could not be delivered to ${firstEntry.item.request.url}: ${result.outcome}`,
		{
			itemIndex: firstEntry.item.index,
			description: `${deliveredCount} item(s) were delivered before the node stopped. Set On Final Failure to "Route to the Failed Output" to keep going and see every item's outcome.`,
		},
	);
}
