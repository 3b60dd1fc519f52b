/**
 * The items a Verify step outputs: the input item, without the signature it
 * carried, with `verification` (Valid) or `rejection` (Invalid) in the
 * trigger's shapes. What proves a call is not data to pass along: a
 * signature shown in an execution could be replayed wherever its call was
 * not seen.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import {
	bodySignatureOf,
	type HandshakeReply,
	type ReceiveRefusal,
	type Verification,
} from '../../core';
import type { ResolvedScheme } from '../shared/schemeChoice';

/** The same field the trigger's Rejected output uses. */
export const REJECTION_FIELD = 'rejection';

export function validItem(
	item: INodeExecutionData,
	itemIndex: number,
	resolved: ResolvedScheme,
	verification: Verification,
	handshake: HandshakeReply | undefined,
): INodeExecutionData {
	const bare = withoutSignature(item, resolved);
	return {
		...bare,
		json: {
			...bare.json,
			verification: { ...verification } as IDataObject,
			// A verified handshake (Slack, Discord, Zoom) must be answered with
			// this, byte for byte, by a Respond to Webhook node.
			...(handshake ? { handshake: { ...handshake } } : {}),
		},
		pairedItem: { item: itemIndex },
	};
}

export function invalidItem(
	item: INodeExecutionData,
	itemIndex: number,
	resolved: ResolvedScheme,
	refusal: ReceiveRefusal,
): INodeExecutionData {
	const bare = withoutSignature(item, resolved);
	return {
		...bare,
		json: {
			...bare.json,
			[REJECTION_FIELD]: {
				reason: refusal.reason,
				detail: refusal.detail,
				status: refusal.status,
				...(refusal.id === undefined ? {} : { id: refusal.id }),
			},
		},
		pairedItem: { item: itemIndex },
	};
}

/**
 * The item without its signature: the signature header out of
 * `json.headers`, or (Mailgun) the signature member out of `json.body` and
 * the raw body, which holds it too, out of the binary data.
 */
function withoutSignature(item: INodeExecutionData, resolved: ResolvedScheme): INodeExecutionData {
	const spec = bodySignatureOf(resolved.scheme);
	const json: IDataObject = { ...item.json };
	if (!spec && isObject(json.headers)) {
		const hidden = (resolved.signatureHeader ?? resolved.scheme.signatureHeader).toLowerCase();
		json.headers = Object.fromEntries(
			Object.entries(json.headers).filter(([name]) => name.toLowerCase() !== hidden),
		);
	}
	if (spec && isObject(json.body)) {
		const hidden = [spec.jsonMember, spec.signatureField, ...spec.alternateSignatureFields];
		json.body = Object.fromEntries(
			Object.entries(json.body).filter(([name]) => !hidden.includes(name)),
		);
	}
	const { binary, ...rest } = item;
	return { ...rest, json, ...(binary && !spec ? { binary } : {}) };
}

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
