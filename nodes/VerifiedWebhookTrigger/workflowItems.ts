/**
 * The items a call becomes for the workflow: its body, query, params and
 * headers, and how it was verified or why it was refused. What proves the
 * call (its signature) is not data to pass along: it is left out.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { bodySignatureOf, type BodySignature, type ReceiveRefusal } from '../../core';
import type { ResolvedScheme } from '../shared/schemeChoice';
import type { IncomingRequest } from './incomingRequest';

/** The field webhook() puts on a refused call's item; a sender's data is under `body`, never here. */
export const REJECTION_FIELD = 'rejection';

/**
 * The call as the workflow sees it, without its signature, which travelled
 * in a header or (Mailgun) in fields of the body. With no scheme set,
 * nothing is known to be a signature and nothing is left out.
 */
export function describeCall(
	request: IncomingRequest,
	rawBody: Buffer | undefined,
	resolved: ResolvedScheme | undefined,
	includeHeaders: boolean,
): IDataObject {
	const signatureFields = resolved ? bodySignatureOf(resolved.scheme) : undefined;
	const body = parseBody(rawBody, request);
	const call: IDataObject = {
		body: (signatureFields ? withoutSignature(body, signatureFields) : body) as IDataObject,
		query: (request.query ?? {}) as IDataObject,
		params: (request.params ?? {}) as IDataObject,
	};
	if (includeHeaders) {
		const hidden =
			resolved && !signatureFields
				? (resolved.signatureHeader ?? resolved.scheme.signatureHeader).toLowerCase()
				: undefined;
		call.headers = Object.fromEntries(
			Object.entries(request.headers).filter(([name]) => name.toLowerCase() !== hidden),
		) as IDataObject;
	}
	return call;
}

/**
 * The body without the signature it carried (Mailgun): the JSON body's
 * signature member, or a form's signature fields. Mailgun's signature covers
 * no data, so one shown in an execution could be put on other data and sent
 * to any trigger that has not seen its token (another n8n process, or after a
 * restart). Its token and timestamp stay on the item, under `verification`.
 */
function withoutSignature(body: unknown, spec: BodySignature): unknown {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
	const hidden = [spec.jsonMember, spec.signatureField, ...spec.alternateSignatureFields];
	return Object.fromEntries(Object.entries(body).filter(([name]) => !hidden.includes(name)));
}

/** JSON when the bytes are JSON, n8n's parsed form for a form, text otherwise. */
function parseBody(rawBody: Buffer | undefined, request: IncomingRequest): unknown {
	if (!rawBody || rawBody.length === 0) return {};
	const contentType = String(request.headers['content-type'] ?? '').toLowerCase();
	const text = rawBody.toString('utf8');
	if (contentType === '' || contentType.includes('json') || contentType.includes('octet-stream')) {
		try {
			return JSON.parse(text) as unknown;
		} catch {
			return text;
		}
	}
	if (
		contentType.includes('x-www-form-urlencoded') &&
		typeof request.body === 'object' &&
		request.body !== null
	) {
		return request.body;
	}
	return text;
}

/** A verified call's items: one, or one per record of an array body (Split Array Into Items). */
export function toItems(
	call: IDataObject,
	verification: IDataObject,
	splitArray: boolean,
): INodeExecutionData[] {
	if (splitArray && Array.isArray(call.body) && call.body.length > 0) {
		return (call.body as unknown[]).map((record) => ({
			json: { ...call, body: record as IDataObject, verification },
		}));
	}
	return [{ json: { ...call, verification } }];
}

/** A refused call's item, with why it was refused and what its sender was answered. */
export function rejectedItem(call: IDataObject, refusal: ReceiveRefusal): INodeExecutionData {
	return {
		json: {
			...call,
			[REJECTION_FIELD]: {
				reason: refusal.reason,
				detail: refusal.detail,
				status: refusal.status,
				...(refusal.id === undefined ? {} : { id: refusal.id }),
			},
		},
	};
}
