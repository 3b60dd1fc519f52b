import type { IExecuteFunctions, IHttpRequestMethods, INodeExecutionData } from 'n8n-workflow';

import { measureJson } from '../../core';
import { itemParameterReader, type ItemParameterReader } from './itemParameters';
import { fail } from './nodeErrors';
import {
	checkEventName,
	readDeliveryId,
	readHeaders,
	readUrl,
	refuseBodyHashParameter,
} from './requestChecks';
import type { EndpointTarget } from './endpointsInput';
import { readResendRow, type Resent } from './resend';
import { carriedRetry, withoutDeliveryRecord, type CarriedRetry } from './retryLater';
import type { RunSettings } from './runSettings';

/**
 * What one input item asks to send, as its parameters evaluate: its record
 * and where and how it goes. Items whose requests match share a call when
 * batching is on.
 */
export interface ItemRequest {
	/** The item's place in the node's input. */
	readonly itemIndex: number;
	readonly url: string;
	readonly method: IHttpRequestMethods;
	readonly headers: Readonly<Record<string, string>>;
	readonly event: string;
	readonly record: unknown;
	/** The length of the record's JSON, measured when it was checked. */
	readonly recordLength: number;
	/** The item's own delivery id, when Delivery ID is "From an Expression". */
	readonly deliveryId?: string;
	/** The call an item back from the Wait node belongs to (Retries: Through a Wait Node). */
	readonly carried?: CarriedRetry;
	/** The logged delivery an item makes again (Payload: A Logged Delivery). */
	readonly resent?: Resent;
	/** Sending to endpoints: the endpoint this request goes to. */
	readonly target?: EndpointTarget;
	/** Sending to endpoints: the event's id, the same at every endpoint. */
	readonly messageId?: string;
}

/** Reads and checks one item's request; a NodeOperationError names the item and what to fix. */
export function readItemRequest(
	context: IExecuteFunctions,
	item: INodeExecutionData,
	itemIndex: number,
	settings: RunSettings,
	read: ItemParameterReader = itemParameterReader(context),
): ItemRequest {
	// Sending to endpoints, each endpoint's URL is checked when its row is read.
	const url = settings.system.toEndpoints
		? ''
		: readUrl(context, read, itemIndex, settings.httpsOnly);
	if (url !== '')
		refuseBodyHashParameter(context, url, itemIndex, settings.signing?.resolved.scheme);
	const method = read('method', itemIndex) as IHttpRequestMethods;
	const resent = settings.system.resend
		? readResendRow(context, item.json, itemIndex, settings)
		: undefined;
	const event = resent?.event ?? String(read('eventName', itemIndex, '') ?? '');
	checkEventName(context, event, itemIndex, settings.eventHeader);
	const headers = readHeaders(context, read, itemIndex, settings.reservedHeaders);
	// Back from the Wait node: the same call again, with the record it came back with taken off.
	const carried = settings.retryMode === 'waitNode' ? carriedRetry(item) : undefined;
	const record = resent
		? resent.record
		: readRecord(context, read, itemIndex, carried ? withoutDeliveryRecord(item.json) : item.json);
	// Checked without writing it: a walk, not a string per item.
	const measured = measureJson(record);
	if (!measured.ok) {
		fail(context, `The payload cannot be sent as JSON: ${measured.detail}`, itemIndex);
	}
	const deliveryId =
		settings.deliveryId === 'expression' && !resent
			? readDeliveryId(context, read, itemIndex)
			: undefined;
	// One literal, every member in place: a run holds one of these per item
	// until it ends, and spreading in the optional ones made each larger.
	return {
		itemIndex,
		url,
		method,
		headers,
		event,
		record,
		recordLength: measured.length,
		deliveryId,
		carried,
		resent,
	};
}

/** The record the item sends: its JSON, or the Custom JSON parameter. */
function readRecord(
	context: IExecuteFunctions,
	read: ItemParameterReader,
	itemIndex: number,
	json: unknown,
): unknown {
	if (read('payload', itemIndex) !== 'custom') return json;
	const custom = read('customPayload', itemIndex);
	if (typeof custom !== 'string') return custom;
	try {
		return JSON.parse(custom) as unknown;
	} catch (error) {
		return fail(context, `Custom JSON is not valid JSON: ${(error as Error).message}`, itemIndex);
	}
}
