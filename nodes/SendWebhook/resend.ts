/**
 * Resend from the log: a row of the Log output, fed back in, is sent again
 * to its endpoint with its delivery id and a fresh signature (GitHub's
 * Redeliver, Svix's Resend).
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { describeDeliveryIdProblem } from '../../core';
import { fail } from './nodeErrors';
import type { RunSettings } from './runSettings';

/** What a log row says of the delivery to make again. */
export interface Resent {
	readonly deliveryId: string;
	/** The endpoint it went to; undefined when it went to the URL parameter. */
	readonly endpointId?: string;
	readonly event: string;
	/** The record (or batch) it sent, without the envelope the node adds again. */
	readonly record: unknown;
}

/** Reads one log row; a row that cannot be resent is refused naming the column to fix. */
export function readResendRow(
	context: IExecuteFunctions,
	row: IDataObject,
	itemIndex: number,
	settings: RunSettings,
): Resent {
	const text = (name: string) => (typeof row[name] === 'string' ? (row[name] as string) : '');
	const deliveryId = text('delivery_id');
	const idProblem = describeDeliveryIdProblem(deliveryId);
	if (idProblem) fail(context, `The log row's delivery_id ${idProblem}`, itemIndex, RESEND_HINT);
	const endpointId = text('endpoint_id');
	if (settings.system.toEndpoints && endpointId === '')
		fail(context, "The log row's endpoint_id is empty", itemIndex, RESEND_HINT);
	if (typeof row.body !== 'string' || row.body === '') {
		// Nothing was sent for such a row, so it has no body however the log
		// was written: "turn on Log Bodies" would send the user the wrong way.
		if (row.status === 'not_sent')
			fail(
				context,
				'The log row is of a delivery that was not sent (status not_sent): there is no body to send again',
				itemIndex,
				"Resend the delivery's rows with status delivered or failed: they hold the body that was sent.",
			);
		fail(
			context,
			'The log row has no body: it was logged without Log Bodies',
			itemIndex,
			'Turn on Options → Log Bodies in the Send Webhook node that writes the log, so its rows can be resent.',
		);
	}
	let sent: unknown;
	try {
		sent = JSON.parse(row.body) as unknown;
	} catch {
		return fail(context, "The log row's body is not JSON", itemIndex, RESEND_HINT);
	}
	return {
		deliveryId,
		endpointId: settings.system.toEndpoints ? endpointId : undefined,
		event: text('event'),
		record: settings.envelope ? unwrapEnvelope(context, sent, itemIndex) : sent,
	};
}

const RESEND_HINT =
	"Feed rows of Send Webhook's Log output (or of the Data Table that stores them) unchanged.";

/** The envelope is written afresh, with the attempt's time: only its data is kept. */
function unwrapEnvelope(context: IExecuteFunctions, sent: unknown, itemIndex: number): unknown {
	if (typeof sent === 'object' && sent !== null && 'data' in sent)
		return (sent as IDataObject).data;
	return fail(
		context,
		"The log row's body has no event envelope (no data field), but this node wraps what it sends in one",
		itemIndex,
		RESEND_HINT,
	);
}
