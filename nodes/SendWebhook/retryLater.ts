import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { describeDeliveryIdProblem, type AttemptRecord } from '../../core';
import { DELIVERY_FIELD } from './deliveryRecords';

/**
 * Retries: "Wait Inside the Node" waits between attempts inside the
 * execution; "Through a Wait Node" hands each retry to a third output, Retry,
 * for the user to wire through n8n's Wait node back into this node.
 */
export type RetryMode = 'inNode' | 'waitNode';

/**
 * n8n's Wait node keeps a wait of 65 s or more in its database (the execution
 * waits there and any process resumes it); a shorter wait it holds in the
 * process's memory, which a worker restart loses. It measures the wait a few
 * milliseconds after computing its end, so exactly 65 s falls just short:
 * retries handed to it are never asked to wait less than 70 s.
 */
export const WAIT_NODE_MIN_SECONDS = 70;

/** What an item coming back from the Wait node carries of its call: the id and the attempts made. */
export interface CarriedRetry {
	readonly id: string;
	readonly attempts: readonly AttemptRecord[];
	/** Sending to endpoints: the endpoint's row as the call was first made to it. */
	readonly endpoint?: IDataObject;
}

/**
 * The retry an item carries in its delivery record, when it comes back from
 * the Retry output; undefined for a new item. A record that does not look
 * like ours (edited on the way) is not trusted: the item is sent afresh.
 */
export function carriedRetry(item: INodeExecutionData): CarriedRetry | undefined {
	const record = item.json[DELIVERY_FIELD] as IDataObject | undefined;
	if (typeof record !== 'object' || record === null || Array.isArray(record)) return undefined;
	const { retry, id, attempts } = record;
	if (typeof retry !== 'object' || retry === null || typeof id !== 'string') return undefined;
	if (describeDeliveryIdProblem(id) !== undefined || !Array.isArray(attempts)) return undefined;
	const parsed: AttemptRecord[] = [];
	for (const [index, attempt] of (attempts as unknown[]).entries()) {
		const fields = attempt as IDataObject;
		if (typeof fields !== 'object' || fields === null || fields.attempt !== index + 1) {
			return undefined;
		}
		parsed.push({
			attempt: index + 1,
			startedAt: String(fields.startedAt ?? ''),
			durationMs: Number(fields.durationMs ?? 0),
			...(typeof fields.statusCode === 'number' ? { status: fields.statusCode } : {}),
			...(typeof fields.error === 'string' ? { error: fields.error } : {}),
			...(typeof fields.retryInMs === 'number' ? { retryInMs: fields.retryInMs } : {}),
		});
	}
	if (parsed.length === 0) return undefined;
	const { endpoint } = retry as IDataObject;
	const isRow = typeof endpoint === 'object' && endpoint !== null && !Array.isArray(endpoint);
	return { id, attempts: parsed, ...(isRow ? { endpoint: endpoint as IDataObject } : {}) };
}

/** The item's JSON as it was sent the first time: without the delivery record it came back with. */
export function withoutDeliveryRecord(json: IDataObject): IDataObject {
	const { [DELIVERY_FIELD]: record, ...rest } = json;
	void record;
	return rest;
}

/** The record's `retry` part: which attempt comes next, and when (never sooner than the Wait node can keep). */
export function retryDue(
	nextAttempt: number,
	retryInMs: number,
	now: Date,
): { attempt: number; inSeconds: number; at: string } {
	const inSeconds = Math.max(Math.ceil(retryInMs / 1000), WAIT_NODE_MIN_SECONDS);
	return {
		attempt: nextAttempt,
		inSeconds,
		at: new Date(now.getTime() + inSeconds * 1000).toISOString(),
	};
}
