/**
 * Endpoint Events: what a webhook system's operator must hear of, as items,
 * named as Svix names its operational webhooks. A delivery that failed every
 * attempt (message.attempt.exhausted); an endpoint that answered 410 Gone or
 * failed too many deliveries in a row (endpoint.disabled); an endpoint whose
 * failure count changed (endpoint.updated, so the table keeps the count); a
 * row that cannot be used (endpoint.invalid). Items with `update` carry the
 * columns to write back to the endpoint's row.
 */
import type { IDataObject, INodeExecutionData, IPairedItemData } from 'n8n-workflow';

import type { Endpoint } from '../../core';
import type { CallResult } from './deliverCalls';
import type { EndpointTarget, RefusedRow } from './endpointsInput';

export type EndpointEventType =
	| 'endpoint.invalid'
	| 'endpoint.disabled'
	| 'endpoint.updated'
	| 'message.attempt.exhausted';

export interface EndpointEvent {
	readonly type: EndpointEventType;
	readonly data: IDataObject;
	readonly update?: IDataObject;
	readonly pairedItem: IPairedItemData | IPairedItemData[];
}

export function endpointEvent(
	type: EndpointEventType,
	data: IDataObject,
	pairedItem: IPairedItemData | IPairedItemData[],
	update?: IDataObject,
): EndpointEvent {
	return { type, data, pairedItem, ...(update ? { update } : {}) };
}

export function endpointEventItem(event: EndpointEvent, at: Date): INodeExecutionData {
	return {
		json: {
			type: event.type,
			timestamp: at.toISOString(),
			data: event.data,
			...(event.update ? { update: event.update } : {}),
		},
		pairedItem: event.pairedItem,
	};
}

/** endpoint.invalid: a row of the Endpoints input (the node's second) that cannot be used. */
export function invalidEndpointEvent({
	inputIndex,
	detail,
	endpointId,
}: RefusedRow): EndpointEvent {
	return endpointEvent(
		'endpoint.invalid',
		{ endpointId: endpointId ?? null, row: inputIndex, reason: detail },
		{ item: inputIndex, input: 1 },
	);
}

/** The event items a call's items came from. */
function pairedOf({ call }: CallResult): IPairedItemData[] {
	return call.batch.entries.map(({ item }) => ({ item: item.itemIndex }));
}

/** A delivery that ended failed with its schedule spent (not cut by a cancel, the deadline or the breaker). */
function exhausted(result: CallResult['result']): boolean {
	return !!result && !result.delivered && result.retryInMs === undefined && !result.stoppedBy;
}

/**
 * A delivery the endpoint failed: its schedule spent, or given up on at
 * once because the endpoint's calls before it failed theirs (the breaker).
 * One cut short by a cancel or the deadline says nothing of the endpoint.
 */
function failedByEndpoint(result: CallResult['result']): boolean {
	return exhausted(result) || (!!result && !result.delivered && result.stoppedBy === 'breaker');
}

/** message.attempt.exhausted for each such delivery to an endpoint. */
export function exhaustedEvents(results: readonly CallResult[]): EndpointEvent[] {
	return results.flatMap((callResult) => {
		const { call, result } = callResult;
		const first = call.batch.entries[0].item;
		if (!result || !first.target || !exhausted(result)) return [];
		const last = result.attempts[result.attempts.length - 1];
		return [
			endpointEvent(
				'message.attempt.exhausted',
				{
					endpointId: first.target.endpoint.id,
					endpointName: first.target.endpoint.name,
					msgId: result.id,
					event: first.event,
					lastAttempt: {
						attempt: last?.attempt ?? 0,
						timestamp: last?.startedAt ?? null,
						responseStatusCode: last?.status ?? null,
						error: last?.error ?? null,
					},
					outcome: result.outcome,
				},
				pairedOf(callResult),
			),
		];
	});
}

/**
 * endpoint.disabled or endpoint.updated for each endpoint this run called,
 * counting failed deliveries in a row from the row's consecutive_failures,
 * in the order its calls were made. A delivery that succeeds resets the
 * count; one the breaker gave up on counts; one cut short by a cancel or the
 * deadline does not.
 */
export function healthEvents(
	results: readonly CallResult[],
	disableAfter: number,
): EndpointEvent[] {
	const byEndpoint = new Map<string, { target: EndpointTarget; results: CallResult[] }>();
	for (const callResult of results) {
		const target = callResult.call.batch.entries[0].item.target;
		if (!target || !callResult.result) continue;
		const entry = byEndpoint.get(target.endpoint.id) ?? { target, results: [] };
		entry.results.push(callResult);
		byEndpoint.set(target.endpoint.id, entry);
	}
	return [...byEndpoint.values()].flatMap(({ target, results: own }) =>
		endpointHealth(target, own, disableAfter),
	);
}

function endpointHealth(
	target: EndpointTarget,
	results: readonly CallResult[],
	disableAfter: number,
): EndpointEvent[] {
	const { endpoint } = target;
	let failures = endpoint.consecutiveFailures;
	let gone = false;
	for (const { result } of results) {
		if (result?.delivered) failures = 0;
		else if (failedByEndpoint(result)) failures++;
		if (result?.lastResponse?.status === 410) gone = true;
	}
	const paired: IPairedItemData | IPairedItemData[] =
		target.inputIndex === undefined
			? results.flatMap(pairedOf)
			: { item: target.inputIndex, input: 1 };
	const base = { endpointId: endpoint.id, endpointName: endpoint.name, url: endpoint.url };
	if (gone || (disableAfter > 0 && failures >= disableAfter)) {
		const reason = gone
			? 'the endpoint answered 410 Gone: it asked not to be called again'
			: `${failures} deliveries in a row failed every attempt`;
		return [
			endpointEvent(
				'endpoint.disabled',
				{ ...base, reason, consecutiveFailures: failures, trigger: 'automatic' },
				paired,
				updateOf(endpoint, failures, false),
			),
		];
	}
	if (failures === endpoint.consecutiveFailures) return [];
	return [
		endpointEvent(
			'endpoint.updated',
			{ ...base, consecutiveFailures: failures },
			paired,
			updateOf(endpoint, failures, endpoint.active),
		),
	];
}

/** The columns to write back to the endpoint's row, under the names it is read by. */
function updateOf(endpoint: Endpoint, failures: number, active: boolean): IDataObject {
	return { endpoint_id: endpoint.id, active, consecutive_failures: failures };
}
