import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { endpointRecord } from '../../core';

import { deliverCalls, type CallResult } from './deliverCalls';
import { logRows, notSentRow } from './deliveryLog';
import {
	byInputOrder,
	deliveryRecord,
	notSent,
	sharedRecordParts,
	withDeliveryRecord,
} from './deliveryRecords';
import {
	endpointEventItem,
	exhaustedEvents,
	healthEvents,
	invalidEndpointEvent,
	type EndpointEvent,
} from './endpointEvents';
import { readEndpointsInput } from './endpointsInput';
import { fanOut, withMessageId } from './fanOut';
import { itemParameterReader } from './itemParameters';
import { readItemRequest, type ItemRequest } from './itemRequest';
import { asNodeError, type RefuseItems } from './nodeErrors';
import { planCalls } from './planCalls';
import { retryDue } from './retryLater';
import { hintAboutWorkerRestarts, reportFailures, stopError, waitedToRetry } from './runNotices';
import { readRunSettings, type RunSettings } from './runSettings';

/** The node's outputs as they fill; which of them the node has depends on its settings. */
interface Outputs {
	readonly delivered: INodeExecutionData[];
	readonly failed: INodeExecutionData[];
	readonly retry: INodeExecutionData[];
	readonly log: INodeExecutionData[];
	readonly endpointEvents: EndpointEvent[];
}

/**
 * Send Webhook's execute(): every input item ends in exactly one output,
 * Delivered or Failed, with a delivery record (sending to endpoints: once per
 * endpoint it goes to); or, when the node is set to stop on failure, the node
 * fails naming the item.
 *
 * Everything that can be wrong with the input is found before the first call
 * is made, so a bad item never leaves a workflow half-sent.
 */
export async function sendWebhooks(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	// The deadline counts from here: the node cannot see when the execution started.
	const startedAt = Date.now();
	const items = inputItems(this, 0);
	const settings = await readRunSettings(this);
	const continueOnFail = this.continueOnFail();
	const outputs: Outputs = { delivered: [], failed: [], retry: [], log: [], endpointEvents: [] };
	const refuse: RefuseItems = (error, indexes) => {
		if (!continueOnFail) throw error;
		for (const index of indexes)
			outputs.failed.push(withDeliveryRecord(items[index], index, notSent(error.message)));
	};

	// 1. Each item's request, as its parameters evaluate; to endpoints, one per endpoint.
	const requests = route(
		this,
		readRequests(this, items, settings, refuse),
		settings,
		outputs,
		items,
	);
	// 2. Cut into calls and write each body once.
	const calls = planCalls(this, requests, settings, refuse);
	// 3. Deliver, within the run's bounds; each item then goes to its output.
	const { results, firstFailure } = await deliverCalls(this, calls, settings, startedAt);
	for (const result of results) sortOntoOutputs(result, items, outputs);
	if (firstFailure) throw stopError(this, firstFailure, outputs.delivered.length);
	if (settings.system.logOutput) outputs.log.push(...logRows(results, settings));
	if (settings.system.toEndpoints) {
		outputs.endpointEvents.push(
			...exhaustedEvents(results),
			...healthEvents(results, settings.system.disableAfterFailures),
		);
	}

	if (settings.retryMode === 'inNode' && results.some(({ result }) => waitedToRetry(result))) {
		hintAboutWorkerRestarts(this, settings);
	}
	const { delivered, failed, retry } = outputs;
	reportFailures(
		this,
		delivered.length + failed.length + retry.length,
		delivered.length,
		failed.sort(byInputOrder),
		settings.system.toEndpoints ? 'deliveries' : 'items',
	);
	return assembleOutputs(outputs, settings);
}

/** An input's items; an input that is not connected, or did not run, has none. */
function inputItems(context: IExecuteFunctions, input: number): INodeExecutionData[] {
	try {
		return context.getInputData(input);
	} catch {
		return [];
	}
}

function readRequests(
	context: IExecuteFunctions,
	items: readonly INodeExecutionData[],
	settings: RunSettings,
	refuse: RefuseItems,
): ItemRequest[] {
	const requests: ItemRequest[] = [];
	const read = itemParameterReader(context);
	items.forEach((item, index) => {
		try {
			requests.push(readItemRequest(context, item, index, settings, read));
		} catch (error) {
			refuse(asNodeError(context, error, index), [index]);
		}
	});
	return requests;
}

/**
 * To one URL, the requests as they are. To endpoints: one per (event,
 * endpoint); an event no endpoint wants is done, with nothing sent; one whose
 * own endpoint is gone fails; an endpoint row that cannot be used is reported.
 */
function route(
	context: IExecuteFunctions,
	requests: ItemRequest[],
	settings: RunSettings,
	outputs: Outputs,
	items: readonly INodeExecutionData[],
): ItemRequest[] {
	if (!settings.system.toEndpoints) return requests;
	const endpoints = readEndpointsInput(settings, inputItems(context, 1));
	outputs.endpointEvents.push(...endpoints.refused.map(invalidEndpointEvent));
	const events = requests.map((request) => withMessageId(request, settings));
	const fanned = fanOut(events, endpoints, settings);
	for (const unsent of fanned.notSent) {
		const { itemIndex } = unsent.request;
		outputs.failed.push(withDeliveryRecord(items[itemIndex], itemIndex, notSent(unsent.reason)));
		outputs.log.push(notSentRow(unsent));
	}
	for (const { itemIndex, messageId, event } of fanned.unrouted) {
		const record = {
			delivered: true,
			id: messageId ?? null,
			outcome: `no active endpoint subscribes to "${event}": nothing to send`,
			endpoint: null,
			attempts: [],
		};
		outputs.delivered.push(withDeliveryRecord(items[itemIndex], itemIndex, record));
	}
	return fanned.requests;
}

/** Each item of a call that was made goes to one output, with its delivery record. */
function sortOntoOutputs(
	{ call, result }: CallResult,
	items: readonly INodeExecutionData[],
	outputs: Outputs,
): void {
	if (!result) return;
	const { batch, batchIndex } = call;
	const shared = sharedRecordParts(result);
	const target = batch.entries[0].item.target;
	const due =
		result.retryInMs === undefined
			? undefined
			: retryDue(result.attempts.length + 1, result.retryInMs, new Date());
	batch.entries.forEach(({ item: request }, position) => {
		const record = deliveryRecord(request, result, shared, {
			index: batchIndex,
			size: batch.entries.length,
			position,
		});
		if (due) record.retry = target ? { ...due, endpoint: endpointRecord(target.endpoint) } : due;
		const output = result.delivered ? outputs.delivered : due ? outputs.retry : outputs.failed;
		output.push(withDeliveryRecord(items[request.itemIndex], request.itemIndex, record));
	});
}

/** The outputs in the order the node declares them (systemDescription.ts, outputsFor). */
function assembleOutputs(outputs: Outputs, settings: RunSettings): INodeExecutionData[][] {
	const assembled = [outputs.delivered.sort(byInputOrder), outputs.failed];
	if (settings.retryMode === 'waitNode') assembled.push(outputs.retry.sort(byInputOrder));
	if (settings.system.logOutput) assembled.push(outputs.log);
	if (settings.system.toEndpoints) {
		const now = new Date();
		assembled.push(outputs.endpointEvents.map((event) => endpointEventItem(event, now)));
	}
	return assembled;
}
