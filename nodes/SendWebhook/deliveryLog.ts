/**
 * The Log output: one flat row per attempt, with columns a Data Table takes
 * as they are (text, numbers, booleans, ISO dates), so the log is the user's
 * own, in their own table, kept as long as they keep it. Signatures and
 * credentials never reach it: the signature header is left out and headers
 * that look like secrets are masked.
 */
import type { IDataObject, INodeExecutionData, IPairedItemData } from 'n8n-workflow';

import type { AttemptRecord } from '../../core';
import type { AttemptTrace, CallResult } from './deliverCalls';
import type { NotSent } from './fanOut';
import type { RunSettings } from './runSettings';

/**
 * The Log output's columns, with the Data Table column type each needs: a
 * table that stores the log must have them all (n8n's Data Table insert
 * refuses a field it has no column for). `body` only with Log Bodies.
 */
export const LOG_COLUMNS = {
	delivery_id: 'string',
	endpoint_id: 'string',
	endpoint_name: 'string',
	event: 'string',
	method: 'string',
	url: 'string',
	records: 'number',
	attempt: 'number',
	status: 'string',
	attempted_at: 'date',
	duration_ms: 'number',
	response_status: 'number',
	response_excerpt: 'string',
	error: 'string',
	request_headers: 'string',
	logged_at: 'date',
	body: 'string',
} as const;

/** Headers whose values stand for a credential, whatever the sender named them. */
const SECRET_LOOKING = /authorization|cookie|secret|token|signature|hmac|api[-_]?key|password/i;
const MASK = '[hidden]';

/** Each attempt of each call made in this run, in the order of the calls. */
export function logRows(
	results: readonly CallResult[],
	settings: RunSettings,
): INodeExecutionData[] {
	const hidden = signatureHeaderNames(settings);
	return results.flatMap((callResult) => {
		const { call, result, traces = [] } = callResult;
		if (!result) return [];
		const base = rowBase(callResult);
		const paired = call.batch.entries.map(({ item }) => ({ item: item.itemIndex }));
		// Attempts of earlier passes (before the Wait node) were logged by those passes.
		const earlier = call.batch.entries[0].item.carried?.attempts.length ?? 0;
		const made = result.attempts.slice(earlier);
		if (made.length === 0)
			return [row({ ...base, attempt: 0, status: 'not_sent', error: result.outcome }, paired)];
		return made.map((attempt, index) => {
			const last = index === made.length - 1;
			const status = attemptStatus(attempt, last, result.delivered, result.retryInMs);
			const fields: IDataObject = {
				...base,
				...attemptColumns(attempt, traces[index], hidden),
				status,
			};
			if (last && !result.delivered && !attempt.error) fields.error = result.outcome;
			return row(fields, paired);
		});
	});
}

/** A row for an item no call was made for: it is in the log too. */
export function notSentRow({ request, reason }: NotSent): INodeExecutionData {
	return row(
		{
			delivery_id: request.messageId ?? request.carried?.id ?? request.resent?.deliveryId ?? '',
			endpoint_id: endpointIdOf(request),
			event: request.event,
			url: request.url,
			attempt: 0,
			status: 'not_sent',
			error: reason,
		},
		{ item: request.itemIndex },
	);
}

function endpointIdOf(request: NotSent['request']): string {
	const own = request.carried?.endpoint?.endpoint_id ?? request.resent?.endpointId;
	return request.target?.endpoint.id ?? (own === undefined ? '' : String(own));
}

function rowBase({ call, result }: CallResult): IDataObject {
	const first = call.batch.entries[0].item;
	return {
		delivery_id: result?.id ?? '',
		endpoint_id: first.target?.endpoint.id ?? '',
		endpoint_name: first.target?.endpoint.name ?? '',
		event: first.event,
		method: first.method,
		url: first.url,
		records: call.batch.entries.length,
	};
}

function attemptStatus(
	attempt: AttemptRecord,
	last: boolean,
	delivered: boolean,
	retryInMs: number | undefined,
): string {
	if (last && delivered) return 'delivered';
	if (!last || retryInMs !== undefined || attempt.retryInMs !== undefined) return 'retrying';
	return 'failed';
}

function attemptColumns(
	attempt: AttemptRecord,
	trace: AttemptTrace | undefined,
	hidden: ReadonlySet<string>,
): IDataObject {
	return {
		attempt: attempt.attempt,
		attempted_at: attempt.startedAt,
		duration_ms: attempt.durationMs,
		response_status: attempt.status ?? null,
		response_excerpt: trace?.responseBody ?? '',
		error: attempt.error ?? '',
		request_headers: JSON.stringify(loggedHeaders(trace?.headers ?? {}, hidden)),
		...(trace?.payloadText === undefined ? {} : { body: trace.payloadText }),
	};
}

/** The headers as sent, without the signature, secret-looking values masked. */
function loggedHeaders(
	headers: Readonly<Record<string, string>>,
	hidden: ReadonlySet<string>,
): Record<string, string> {
	const logged: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		if (hidden.has(name.toLowerCase())) continue;
		logged[name] = SECRET_LOOKING.test(name) ? MASK : value;
	}
	return logged;
}

function signatureHeaderNames(settings: RunSettings): ReadonlySet<string> {
	const resolved = settings.signing?.resolved;
	const name = resolved?.signatureHeader ?? resolved?.scheme.signatureHeader;
	return new Set(name ? [name.toLowerCase()] : []);
}

function row(
	fields: IDataObject,
	pairedItem: IPairedItemData | IPairedItemData[],
): INodeExecutionData {
	return {
		json: {
			delivery_id: '',
			endpoint_id: '',
			endpoint_name: '',
			event: '',
			method: '',
			url: '',
			records: 0,
			attempt: 0,
			status: '',
			attempted_at: null,
			duration_ms: 0,
			response_status: null,
			response_excerpt: '',
			error: '',
			request_headers: '{}',
			logged_at: new Date().toISOString(),
			...fields,
		},
		pairedItem,
	};
}
