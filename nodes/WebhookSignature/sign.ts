/**
 * The Sign operation: each item's body signed as Send Webhook signs an
 * attempt (signedAttempt.ts), the exact text and the headers output for an
 * HTTP Request node to send unchanged. Nothing is sent from here.
 */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import {
	bodySignatureOf,
	describeDeliveryIdProblem,
	newDeliveryId,
	outgoingHeaders,
	sign,
	signBody,
	withBodyHash,
} from '../../core';
import { readSchemeSettings, type SchemeSettings } from './settings';

export async function signItems(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const settings = await readSchemeSettings(this, 'send');
	const signed: INodeExecutionData[] = [];
	const items = this.getInputData();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			signed.push({ json: signItem(this, itemIndex, settings), pairedItem: { item: itemIndex } });
		} catch (error) {
			if (!this.continueOnFail()) throw asNodeError(this, error, itemIndex);
			signed.push({ json: { error: (error as Error).message }, pairedItem: { item: itemIndex } });
		}
	}
	return [signed];
}

/**
 * `{ body, headers, url? }`: `body` is the text signed, to be sent as it is
 * (its UTF-8 bytes are what the signature covers); for Mailgun, the body
 * with its signature around the event data. `url` is there for the schemes
 * that sign it: for Twilio it carries the body's bodySHA256.
 */
function signItem(
	context: IExecuteFunctions,
	itemIndex: number,
	{ resolved, secrets }: SchemeSettings,
): IDataObject {
	const { scheme, signatureHeader } = resolved;
	const text = readBodyText(context, itemIndex);
	const timestamp = readTimestamp(context, itemIndex);
	if (bodySignatureOf(scheme)) {
		// Placed as it is inside the signed envelope: it must be JSON already.
		if (!isJson(text)) fail(context, 'Body is not JSON text', itemIndex);
		return { body: signBody(scheme, secrets, text, { timestamp }), headers: {} };
	}
	const body = Buffer.from(text, 'utf8');
	const signsUrl = scheme.signedContent.some((part) => part.kind === 'url');
	const signsMethod = scheme.signedContent.some((part) => part.kind === 'method');
	const given = signsUrl ? readText(context, 'url', itemIndex) : '';
	if (signsUrl && given === '') fail(context, `${scheme.name} signs the URL: set URL`, itemIndex);
	const url = signsUrl ? withBodyHash(scheme, given, body) : undefined;
	// Built name by name, as Send Webhook builds its own: a header n8n's HTTP
	// client would drop throws here rather than leave the call unsigned.
	const headers = outgoingHeaders(
		sign(scheme, secrets, body, {
			timestamp,
			id: readMessageId(context, itemIndex),
			method: signsMethod ? readText(context, 'method', itemIndex).toUpperCase() : undefined,
			url,
			signatureHeader,
		}),
	);
	return { body: text, headers, ...(url === undefined ? {} : { url }) };
}

function readBodyText(context: IExecuteFunctions, itemIndex: number): string {
	const text = context.getNodeParameter('body', itemIndex, '') as unknown;
	if (typeof text === 'string') return text;
	return fail(
		context,
		`Body is ${text === null ? 'null' : typeof text}, not text`,
		itemIndex,
		'Give the exact text to send, e.g. {{ JSON.stringify($json) }}: the signature covers that text, and the HTTP Request node must send it unchanged.',
	);
}

/** Now, or the moment given as ISO 8601 or Unix seconds. */
function readTimestamp(context: IExecuteFunctions, itemIndex: number): Date {
	const given = readText(context, 'timestamp', itemIndex);
	if (given === '') return new Date();
	const at = new Date(/^\d+$/.test(given) ? Number(given) * 1000 : given);
	if (Number.isNaN(at.getTime())) {
		fail(context, `Timestamp "${given}" is not a date (ISO 8601 or Unix seconds)`, itemIndex);
	}
	return at;
}

function readMessageId(context: IExecuteFunctions, itemIndex: number): string {
	const given = readText(context, 'messageId', itemIndex);
	if (given === '') return newDeliveryId();
	const problem = describeDeliveryIdProblem(given);
	return problem ? fail(context, `Message ID: ${problem}`, itemIndex) : given;
}

function readText(context: IExecuteFunctions, name: string, itemIndex: number): string {
	const value = context.getNodeParameter(name, itemIndex, '') as unknown;
	return (typeof value === 'string' ? value : String(value ?? '')).trim();
}

function isJson(text: string): boolean {
	try {
		JSON.parse(text);
		return true;
	} catch {
		return false;
	}
}

function fail(
	context: IExecuteFunctions,
	message: string,
	itemIndex: number,
	description?: string,
): never {
	throw new NodeOperationError(context.getNode(), message, { itemIndex, description });
}

/** The core's SigningError (a caller's mistake, no secret in it) as the error naming the item. */
function asNodeError(context: IExecuteFunctions, error: unknown, itemIndex: number) {
	return error instanceof NodeOperationError
		? error
		: new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}
