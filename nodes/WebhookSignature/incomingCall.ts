/**
 * One item as the call its sender signed: the exact body, the headers and,
 * where the scheme signs them, the URL and the method. What the workflow
 * wired wrong (no binary property, a body that is not text, no headers)
 * throws a NodeOperationError naming the item; what the call itself got
 * wrong is left to the core, which refuses it with a reason code.
 */
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { readHeaderBag } from './headerInput';
import type { HeaderBag, Scheme } from '../../core';

export interface IncomingCall {
	/** Undefined only for a multipart call, whose bytes n8n did not keep: the core refuses it. */
	readonly body: Uint8Array | undefined;
	readonly headers: HeaderBag;
	readonly method?: string;
	readonly url?: string;
}

export async function readIncomingCall(
	context: IExecuteFunctions,
	itemIndex: number,
	scheme: Scheme,
): Promise<IncomingCall> {
	const headers = readHeaderBag(context, itemIndex);
	const body = await readBody(context, itemIndex, headers);
	const signs = (kind: 'url' | 'method') => scheme.signedContent.some((part) => part.kind === kind);
	return {
		body,
		headers,
		method: signs('method') ? readText(context, 'method', itemIndex) : undefined,
		url: signs('url') ? readText(context, 'url', itemIndex) || undefined : undefined,
	};
}

function readText(context: IExecuteFunctions, name: string, itemIndex: number): string {
	const value = context.getNodeParameter(name, itemIndex, '');
	return typeof value === 'string' ? value.trim() : String(value ?? '');
}

/**
 * The bytes to verify. A binary property gives them as they were received
 * (n8n's Webhook node with Raw Body on stores them untouched). A string is
 * verified as its UTF-8 bytes: exact only if it was never parsed and
 * written again, and the body was UTF-8 to begin with.
 */
async function readBody(
	context: IExecuteFunctions,
	itemIndex: number,
	headers: HeaderBag,
): Promise<Uint8Array | undefined> {
	if (context.getNodeParameter('bodySource', itemIndex, 'binary') === 'text') {
		const text = context.getNodeParameter('bodyText', itemIndex, '') as unknown;
		if (typeof text !== 'string') {
			throw new NodeOperationError(
				context.getNode(),
				`Body Text is ${text === null ? 'null' : typeof text}, not the text of the body`,
				{
					itemIndex,
					description:
						'Give the body exactly as it was sent, as a string. A parsed body ($json.body) is not what was signed; turn on the Webhook node\'s Raw Body and choose "Binary Property (Raw Body)".',
				},
			);
		}
		return Buffer.from(text, 'utf8');
	}
	const property = String(context.getNodeParameter('binaryPropertyName', itemIndex, 'data'));
	const binary = context.getInputData()[itemIndex]?.binary?.[property];
	if (binary) return await context.helpers.getBinaryDataBuffer(itemIndex, property);
	// n8n parsed a multipart call into fields and files and kept no bytes:
	// the call cannot be verified, which the core says with its own reason.
	if (isMultipart(headers)) return undefined;
	throw new NodeOperationError(context.getNode(), `The item has no binary property "${property}"`, {
		itemIndex,
		description:
			'Turn on the Webhook node\'s Raw Body option (Add Option → Raw Body): it puts the exact bytes received in the binary property "data".',
	});
}

function isMultipart(headers: HeaderBag): boolean {
	const type = Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type');
	const value = type?.[1];
	return typeof value === 'string' && /^\s*multipart\//i.test(value);
}
