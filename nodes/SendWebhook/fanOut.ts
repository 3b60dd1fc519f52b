/**
 * One event, many endpoints: each event goes to every active endpoint whose
 * events match it, as a delivery of its own. An event comes back from the
 * Wait node, or from the log to be resent, only to the endpoint it was for.
 */
import type { IDataObject } from 'n8n-workflow';

import { contentDeliveryId, eventMatches, newDeliveryId } from '../../core';
import { endpointTarget, type EndpointsInput, type EndpointTarget } from './endpointsInput';
import type { ItemRequest } from './itemRequest';
import type { RunSettings } from './runSettings';

/** An item that is not sent, and why: it goes to Failed. */
export interface NotSent {
	readonly request: ItemRequest;
	readonly reason: string;
}

export interface FannedOut {
	/** One request per (event, endpoint). */
	readonly requests: ItemRequest[];
	/** Events no active endpoint subscribes to: nothing to send, reported as such. */
	readonly unrouted: ItemRequest[];
	readonly notSent: NotSent[];
}

export function fanOut(
	events: readonly ItemRequest[],
	endpoints: EndpointsInput,
	settings: RunSettings,
): FannedOut {
	const fanned: FannedOut = { requests: [], unrouted: [], notSent: [] };
	const active = [...endpoints.byId.values()].filter(({ endpoint }) => endpoint.active);
	for (const event of events) {
		const own = ownEndpointId(event);
		if (own !== undefined) {
			const target = ownTarget(own, event.carried?.endpoint, endpoints, settings);
			if (target.ok) fanned.requests.push(toEndpoint(event, target.target));
			else fanned.notSent.push({ request: event, reason: target.reason });
			continue;
		}
		if (event.event === '') {
			fanned.notSent.push({
				request: event,
				reason: 'the Event Name is empty, so no endpoint can subscribe to it',
			});
			continue;
		}
		const matching = active.filter(({ endpoint }) => eventMatches(endpoint.events, event.event));
		if (matching.length === 0) fanned.unrouted.push(event);
		for (const target of matching) fanned.requests.push(toEndpoint(event, target));
	}
	return fanned;
}

/**
 * The endpoint a retry or a resend is for: its row in the Endpoints input
 * when there is one (an endpoint disabled meanwhile is not called again),
 * else the copy a retry carried, so a Wait-node loop need not read the
 * endpoints again.
 */
function ownTarget(
	id: string,
	carriedRow: IDataObject | undefined,
	endpoints: EndpointsInput,
	settings: RunSettings,
): { ok: true; target: EndpointTarget } | { ok: false; reason: string } {
	const row = endpoints.byId.get(id);
	if (row) {
		return row.endpoint.active
			? { ok: true, target: row }
			: { ok: false, reason: `endpoint "${id}" is no longer active` };
	}
	// A retry carries no secret: one kept in the row needs the row again.
	if (!carriedRow || settings.system.secretsFromRecord) {
		return { ok: false, reason: `endpoint "${id}" is not in the Endpoints input` };
	}
	const carried = endpointTarget(settings, { ...carriedRow });
	return carried.ok
		? { ok: true, target: carried.target }
		: { ok: false, reason: `the endpoint this retry carried cannot be used: ${carried.detail}` };
}

/** The endpoint a retry back from the Wait node, or a resend, is for; undefined for a new event. */
function ownEndpointId(event: ItemRequest): string | undefined {
	if (event.carried?.endpoint) return String(event.carried.endpoint.endpoint_id ?? '');
	return event.resent?.endpointId;
}

function toEndpoint(event: ItemRequest, target: EndpointTarget): ItemRequest {
	const headers: Record<string, string> = { ...event.headers };
	// The endpoint's own headers win over the node's, name for name in any case.
	for (const name of Object.keys(target.endpoint.headers)) {
		for (const existing of Object.keys(headers))
			if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
	}
	// Defined, not assigned: a header named __proto__ must be a header.
	for (const [name, value] of Object.entries(target.endpoint.headers))
		Object.defineProperty(headers, name, {
			value,
			enumerable: true,
			writable: true,
			configurable: true,
		});
	return { ...event, url: target.url, headers, target };
}

/**
 * Each event's message id, shared by its deliveries to every endpoint (as
 * Svix's msg id is): the id it was first sent with for a retry or a resend;
 * otherwise random, from its content (never from the endpoint), or its own.
 */
export function withMessageId(request: ItemRequest, settings: RunSettings): ItemRequest {
	const id =
		request.carried?.id ??
		request.resent?.deliveryId ??
		(settings.deliveryId === 'expression'
			? request.deliveryId
			: settings.deliveryId === 'content'
				? contentDeliveryId({
						method: request.method,
						url: '',
						event: request.event,
						batched: false,
						envelope: settings.envelope,
						records: [request.record],
					})
				: newDeliveryId());
	return { ...request, messageId: id };
}
