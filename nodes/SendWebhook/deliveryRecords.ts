/**
 * The delivery record every output item carries: what became of its call.
 * Items keep their JSON and binary data; the record goes under one field.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { DeliveryResult, Endpoint } from '../../core';

/** The delivery record added to each output item, under this key. */
export const DELIVERY_FIELD = 'webhookDelivery';

/**
 * What is the same for every item of a call, built once and shared: 200
 * items do not need 200 copies of one call's attempts and answer.
 */
interface SharedRecordParts {
	readonly attempts: IDataObject[];
	readonly response: IDataObject | null;
}

export function sharedRecordParts(result: DeliveryResult): SharedRecordParts {
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

export function deliveryRecord(
	request: {
		readonly method: string;
		readonly url: string;
		readonly target?: { readonly endpoint: Endpoint };
	},
	result: DeliveryResult,
	shared: SharedRecordParts,
	batch: { index: number; size: number; position: number },
): IDataObject {
	const endpoint = request.target?.endpoint;
	const { delivered, id, outcome } = result;
	const { method, url } = request;
	const statusCode = result.lastResponse?.status ?? null;
	const { attempts, response } = shared;
	// Whole literals, one per shape: every output item holds one of these, and
	// a spread in the middle made each record larger than its members need.
	if (!endpoint) {
		return { delivered, id, method, url, statusCode, outcome, attempts, batch, response };
	}
	const named = { id: endpoint.id, name: endpoint.name };
	return {
		delivered,
		id,
		endpoint: named,
		method,
		url,
		statusCode,
		outcome,
		attempts,
		batch,
		response,
	};
}

/** The record of an item refused before any call was made. */
export function notSent(message: string): IDataObject {
	return { delivered: false, outcome: `not sent: ${message}`, attempts: [] };
}

function parseIfJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text; // not JSON, or cut at the size limit: kept as text
	}
}

/** The input item `index` as it leaves the node: its data, its record, paired to it. */
export function withDeliveryRecord(
	item: INodeExecutionData,
	index: number,
	record: IDataObject,
): INodeExecutionData {
	const json = shallowCopy(item.json);
	json[DELIVERY_FIELD] = record;
	const pairedItem = { item: index };
	return item.binary ? { json, binary: item.binary, pairedItem } : { json, pairedItem };
}

/**
 * The item's own members in a new object, as a spread copies them. Node 20's
 * V8 gives a spread copy of parsed JSON that then gains a member a layout of
 * its own, several times the size of Object.assign's copy; n8n 1.x runs there.
 * Object.assign sets each member, and setting "__proto__" (JSON.parse makes it
 * an own member) would change the copy's prototype: such an item is spread.
 */
function shallowCopy(json: IDataObject): IDataObject {
	return Object.hasOwn(json, '__proto__') ? { ...json } : Object.assign({}, json);
}

/** Sorts output items back into the order of the input: calls end in any order. */
export function byInputOrder(a: INodeExecutionData, b: INodeExecutionData): number {
	return pairedIndex(a) - pairedIndex(b);
}

function pairedIndex(item: INodeExecutionData): number {
	const paired = item.pairedItem;
	return typeof paired === 'object' && paired !== null && !Array.isArray(paired) ? paired.item : 0;
}
