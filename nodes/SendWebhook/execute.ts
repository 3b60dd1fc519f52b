import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { deliverCalls, type CallResult } from './deliverCalls';
import {
	byInputOrder,
	deliveryRecord,
	notSent,
	sharedRecordParts,
	withDeliveryRecord,
} from './deliveryRecords';
import { itemParameterReader } from './itemParameters';
import { readItemRequest, type ItemRequest } from './itemRequest';
import { asNodeError, type RefuseItems } from './nodeErrors';
import { planCalls } from './planCalls';
import { retryDue } from './retryLater';
import { hintAboutWorkerRestarts, reportFailures, stopError, waitedToRetry } from './runNotices';
import { readRunSettings } from './runSettings';

/** The node's outputs as they fill: Retry only when retries go through a Wait node. */
interface Outputs {
	readonly delivered: INodeExecutionData[];
	readonly failed: INodeExecutionData[];
	readonly retry: INodeExecutionData[];
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
	const outputs: Outputs = { delivered: [], failed: [], retry: [] };
	const refuse: RefuseItems = (error, indexes) => {
		if (!continueOnFail) throw error;
		for (const index of indexes)
			outputs.failed.push(withDeliveryRecord(items[index], index, notSent(error.message)));
	};

	// 1. Each item's request, as its parameters evaluate.
	const requests: ItemRequest[] = [];
	const read = itemParameterReader(this);
	items.forEach((item, index) => {
		try {
			requests.push(readItemRequest(this, item, index, settings, read));
		} catch (error) {
			refuse(asNodeError(this, error, index), [index]);
		}
	});

	// 2. Cut into calls and write each body once.
	const calls = planCalls(this, requests, settings, refuse);
	// 3. Deliver, within the run's bounds; each item then goes to its output.
	const { results, firstFailure } = await deliverCalls(this, calls, settings, startedAt);
	for (const result of results) sortOntoOutputs(result, items, outputs);
	const { delivered, failed, retry } = outputs;
	if (firstFailure) throw stopError(this, firstFailure, delivered.length);

	if (settings.retryMode === 'inNode' && results.some(({ result }) => waitedToRetry(result))) {
		hintAboutWorkerRestarts(this, settings);
	}
	reportFailures(this, items.length, delivered.length, failed.sort(byInputOrder));
	const sorted = [delivered.sort(byInputOrder), failed];
	return settings.retryMode === 'waitNode' ? [...sorted, retry.sort(byInputOrder)] : sorted;
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
		if (due) record.retry = due;
		const output = result.delivered ? outputs.delivered : due ? outputs.retry : outputs.failed;
		output.push(withDeliveryRecord(items[request.itemIndex], request.itemIndex, record));
	});
}
