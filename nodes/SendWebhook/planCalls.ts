/**
 * The calls a run makes: item requests grouped by destination, cut into
 * batches, each with its body's writer and its delivery id.
 */
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import {
	assembleBody,
	batchDeliveryId,
	bodyWriter,
	contentDeliveryId,
	newDeliveryId,
	splitIntoBatches,
	type Batch,
	type BodyWriter,
} from '../../core';
import type { ItemRequest } from './itemRequest';
import type { RefuseItems } from './nodeErrors';
import type { RunSettings } from './runSettings';

/**
 * One webhook call to make, to one destination: a batch of item requests
 * (one item without batching) and the writer of its body. Each attempt at it
 * writes and signs the body afresh.
 */
export interface WebhookCall {
	readonly batch: Batch<ItemRequest>;
	readonly batchIndex: number;
	readonly writeBody: BodyWriter;
}

/** The calls to make; a batch whose body cannot be written is refused, its items with it. */
export function planCalls(
	context: IExecuteFunctions,
	requests: readonly ItemRequest[],
	settings: RunSettings,
	refuse: RefuseItems,
): WebhookCall[] {
	const calls: WebhookCall[] = [];
	splitIntoBatches(requests, settings.batchSize, destinationKey).forEach((batch, batchIndex) => {
		const writer = bodyWriter(batchValue(batch, settings), settings.signing?.resolved.scheme, {
			known: recordLengths(batch),
		});
		if (writer.ok) {
			calls.push({ batch, batchIndex, writeBody: writer.write });
		} else {
			const indexes = batch.entries.map((entry) => entry.item.itemIndex);
			refuse(
				new NodeOperationError(context.getNode(), writer.detail, { itemIndex: indexes[0] }),
				indexes,
			);
		}
	});
	return calls;
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
		request.target?.endpoint.id ?? null,
		// A resend is a call of its own: its body is the logged call's.
		request.resent?.deliveryId ?? null,
	]);
}

/** The JSON value a call sends: one record, or a batch of them, wrapped as set. */
function batchValue(batch: Batch<ItemRequest>, settings: RunSettings): unknown {
	// A logged body already has its batch's shape.
	const batched = settings.batched && !batch.entries[0].item.resent;
	return assembleBody(
		batch.entries.map((entry) => entry.item.record),
		{
			batched,
			wrapperKey: batched ? settings.wrapperKey : undefined,
			envelope: settings.envelope ? { event: batch.entries[0].item.event } : undefined,
		},
		new Date(),
	);
}

/** The lengths of the batch's records, measured when each was checked: the body's is their sum and the brackets. */
function recordLengths(batch: Batch<ItemRequest>): Map<object, number> {
	const lengths = new Map<object, number>();
	for (const { item } of batch.entries) {
		const { record, recordLength } = item;
		if (typeof record === 'object' && record !== null) lengths.set(record, recordLength);
	}
	return lengths;
}

/**
 * The call's delivery id, the same on every attempt: the one it was first
 * sent with when it comes back from the Wait node; otherwise random, or
 * stable across re-runs (from the call's content, or from its items' own ids).
 */
export function callDeliveryId({ batch }: WebhookCall, settings: RunSettings): string {
	const requests = batch.entries.map((entry) => entry.item);
	if (requests[0].carried) return requests[0].carried.id;
	if (requests[0].resent) return requests[0].resent.deliveryId;
	// To endpoints: the event's id, or one derived from the batch's event ids.
	if (requests.every((request) => request.messageId !== undefined))
		return batchDeliveryId(requests.map((request) => request.messageId ?? ''));
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
